// Messages between the training host (main or the web server) and the training process.
import type { BackendView, ContinuationRequest, ExportedFile, ExportFormat, SerializedError, TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'

export type ToTrainingProcess =
  | { readonly type: 'train'; readonly runId: string; readonly request: TrainingRequest; readonly modelFolder: string }
  | {
      readonly type: 'generate'
      readonly requestId: number
      readonly runId: string
      readonly modelFolder: string
      /** Continue the song instead of predicting it again. */
      readonly continuation?: ContinuationRequest
    }
  | { readonly type: 'stop'; readonly runId: string }
  /** Stops a continuation in flight (between notes). */
  | { readonly type: 'stop-generation'; readonly requestId: number }
  | { readonly type: 'backend' }
  /** A song drawn or written as a file, off the UI's and the server's thread. */
  | { readonly type: 'export'; readonly requestId: number; readonly abc: string; readonly format: ExportFormat }

export type FromTrainingProcess =
  | { readonly type: 'progress'; readonly progress: TrainingProgress }
  | { readonly type: 'done'; readonly result: TrainingResult }
  | { readonly type: 'error'; readonly runId: string; readonly error: SerializedError }
  | { readonly type: 'backend'; readonly backend: BackendView }
  | { readonly type: 'generated'; readonly requestId: number; readonly result?: TrainingResult; readonly error?: SerializedError }
  | { readonly type: 'exported'; readonly requestId: number; readonly file?: ExportedFile; readonly error?: SerializedError }
