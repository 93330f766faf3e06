// Messages between the training host (main or the web server) and the training process.
import type {
  BackendView,
  ContinuationRequest,
  EpochPoint,
  ExportFormat,
  ExportOptions,
  MelodyValue,
  ModelOptionsView,
  RunRecord,
  SerializedError,
  StudioModelKind,
  TrainingProgress,
  TrainingRequest
} from '../shared/studioApi'

/** Work the training process answers once, by request id: everything but training itself. */
export type EngineCall =
  | { readonly name: 'backend' }
  | { readonly name: 'describeModel'; readonly melody: MelodyValue; readonly model: StudioModelKind; readonly options: ModelOptionsView }
  | { readonly name: 'predictAgain'; readonly runId: string }
  | { readonly name: 'traceRun'; readonly runId: string; readonly fullSong: boolean }
  /** Stopped by a `stop-call` of its request id, between notes. */
  | { readonly name: 'continueMelody'; readonly runId: string; readonly request: ContinuationRequest }
  /** A song drawn or written as a file, off the UI's and the server's thread. */
  | { readonly name: 'exportSong'; readonly melody: MelodyValue; readonly format: ExportFormat; readonly options?: ExportOptions }

export type ToTrainingProcess =
  | {
      readonly type: 'train'
      readonly runId: string
      readonly request: TrainingRequest
      /** Where each run's model is saved, in a folder named by its run. */
      readonly modelFolder: string
      /** The curve of the run it goes on from, up to where it goes on (resumed runs). */
      readonly earlier?: readonly EpochPoint[]
    }
  | { readonly type: 'stop'; readonly runId: string }
  | { readonly type: 'call'; readonly requestId: number; readonly modelFolder: string; readonly call: EngineCall }
  | { readonly type: 'stop-call'; readonly requestId: number }

export type FromTrainingProcess =
  | { readonly type: 'progress'; readonly progress: TrainingProgress }
  | { readonly type: 'done'; readonly record: RunRecord }
  | { readonly type: 'error'; readonly runId: string; readonly error: SerializedError }
  | { readonly type: 'answer'; readonly requestId: number; readonly value?: unknown; readonly error?: SerializedError }

export type { BackendView }
