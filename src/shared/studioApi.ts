import type { LayerSpec } from './layerSpec'
/**
 * The one contract between the UI and the engine. The preload exposes exactly this object as
 * `window.studio`; main and the web-mode server implement it. Errors cross the boundary as
 * `{ name, message }` and are thrown again on the UI side as StudioApiError.
 */
export const STUDIO_MODEL_KINDS = ['mlp', 'lstm', 'stateful-lstm', 'stateful-lstm-2f'] as const
export type StudioModelKind = (typeof STUDIO_MODEL_KINDS)[number]

export interface AppInfo {
  readonly name: string
  readonly version: string
  /** Electron's version, or null where the UI runs in a plain browser (web mode). */
  readonly electron: string | null
}

export interface SongProblem {
  readonly severity: 'error' | 'warning'
  readonly line: number
  readonly column: number
  readonly message: string
}

export interface SongReport {
  /** Sounding notes of the first tune, 0 when it has none. */
  readonly notes: number
  readonly title: string
  readonly problems: SongProblem[]
}

/** The options a person may set on a model; anything left out takes the seed's value. */
export interface ModelOptionsView {
  /** The model lab's layers instead of the preset's (the output softmax is added after them). */
  readonly layers?: readonly LayerSpec[]
  readonly stateful?: boolean
  readonly twoFeatures?: boolean
  readonly units?: number
  readonly window?: number
  readonly batchSize?: number
  readonly learningRate?: number
  readonly seed?: number
}

/** What a callback may watch: the validation figures exist only where songs are held out (corpus training). */
export const MONITOR_NAMES = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const
export type MonitorName = (typeof MONITOR_NAMES)[number]

/** The books' Keras callbacks, as a run may ask for them. */
export interface CallbacksView {
  /** Stop after `patience` epochs without a better monitored value, and put back the best epoch's weights. */
  readonly earlyStopping?: { readonly monitor: MonitorName; readonly patience: number; readonly restoreBestWeights: boolean }
  /** Multiply the learning rate by `factor` after `patience` epochs without improvement, not below the minimum. */
  readonly reduceLrOnPlateau?: { readonly monitor: MonitorName; readonly factor: number; readonly patience: number; readonly minLearningRate?: number }
}

/** A file of songs, as the UI read it: every tune of an ABC file, the melody of a MIDI file. */
export interface CorpusFile {
  readonly name: string
  readonly base64: string
}

/** Train on many songs instead of the one in the editor. */
export interface CorpusRequest {
  readonly files: readonly CorpusFile[]
  /** Share of the songs held out for validation, split by song (seeded by the model's seed). */
  readonly validationShare: number
  /** Add each training song transposed by up to ±N semitones, kept within the corpus's range. */
  readonly transpose: number
}

export interface TrainingRequest {
  readonly abc: string
  readonly model: StudioModelKind
  readonly epochs: number
  readonly untilPerfect: boolean
  readonly options?: ModelOptionsView
  readonly callbacks?: CallbacksView
  readonly corpus?: CorpusRequest
  /**
   * Go on training a finished run's saved model (same song or songs, same options) after the
   * epoch its weights are from; `epochs` is then the total, epochs numbered on from there.
   */
  readonly resumeFrom?: { readonly runId: string; readonly afterEpoch: number }
}

/** A request as a run record keeps it: a corpus by its file names, not its bytes. */
export type RunRequest = Omit<TrainingRequest, 'corpus'> & {
  readonly corpus?: Omit<CorpusRequest, 'files'> & { readonly fileNames: readonly string[] }
}

export interface ModelDescription {
  readonly model: StudioModelKind
  readonly title: string
  readonly explanation: string
  readonly params: number
  readonly classes: number
  readonly samples: number
  readonly units: number
  readonly window: number
  readonly batchSize: number
  readonly learningRate: number
  readonly seed: number
  readonly stateful: boolean
  readonly features: 1 | 2
  /** Every layer with its output shape and parameters, as Keras's summary() (the output layer last). */
  readonly layers: readonly { readonly name: string; readonly outputShape: (number | null)[]; readonly params: number }[]
}

/** How to continue the song with a trained model. */
export interface ContinuationRequest {
  readonly bars: number
  /** 0 = greedy. */
  readonly temperature: number
  readonly topK?: number
  readonly seed: number
  readonly variations: number
  /** Continue this song (ABC, its every note in the model's vocabulary) instead of the run's own opening. */
  readonly primeAbc?: string
}

/** One continuation: the song's opening window and the new bars, as ABC. */
export interface ContinuationView {
  readonly seed: number
  readonly abc: string
}

export interface BackendView {
  readonly name: string
  readonly skipped: { readonly name: string; readonly reason: string }[]
}

export interface TrainingProgress {
  readonly runId: string
  readonly epoch: number
  readonly epochs: number
  readonly loss: number
  readonly accuracy: number
  readonly elapsedMs: number
  readonly etaMs: number
  readonly samplesPerSecond: number
  readonly valLoss?: number
  readonly valAccuracy?: number
  readonly learningRate?: number
  /**
   * Every epoch since the previous event, this one last: events are batched (at most one per
   * 100 ms) so a fast run does not flood the UI, yet the curves keep every epoch.
   */
  readonly points: readonly EpochPoint[]
}

export interface PredictionView {
  readonly accuracy: number
  /** The predicted song as ABC, to draw. */
  readonly abc: string
  /** 0-based indices of the notes that differ from the song. */
  readonly wrong: number[]
}

export interface TrainingResult {
  readonly runId: string
  readonly model: StudioModelKind
  readonly backend: string
  /** Which implementation trained it (fast CPU path or tfjs) and why; absent in runs saved before it was recorded. */
  readonly trainingPath?: string
  readonly params: number
  readonly epochs: number
  readonly trainMs: number
  readonly oneStep: PredictionView
  readonly fullSong: PredictionView
  /** Set when a continuation was asked for. */
  readonly continuations?: ContinuationView[]
  /** Set when early stopping ended the run: the epoch it stopped at and the best one, whose weights were kept. */
  readonly stoppedEarly?: { readonly epoch: number; readonly bestEpoch: number }
  /** Set when Stop ended the run after at least one epoch: the work so far is kept, as a finished run. */
  readonly stoppedByUser?: { readonly epoch: number }
  /** The epoch whose weights the saved model holds (the best one where early stopping restored it). */
  readonly weightsEpoch?: number
  /** Set for a run on many songs; its one-step and full-song predictions are of `evaluatedOn`, a held-out song. */
  readonly corpus?: CorpusSummary
  /**
   * Set on a finished run whose record could not be saved (a full disk, a folder that cannot be
   * written): why. The run is kept in memory, listed by loadLibrary as `unsaved`, and saved again
   * with the next save; it is lost if the studio closes first.
   */
  readonly saveError?: string
}

export interface CorpusSummary {
  readonly songs: number
  readonly heldOut: number
  /** Training songs added by transposition. */
  readonly transposed: number
  readonly vocabulary: number
  readonly windows: number
  readonly validationWindows: number
  readonly bestValAccuracy: number
  readonly bestEpoch: number
  /** The held-out song the predictions are drawn for. */
  readonly evaluatedOn: string
  /** Files or songs that could not be read and were left out. */
  readonly skipped: readonly string[]
}

export interface TrainingFailure {
  readonly runId: string
  readonly error: SerializedError
}

export interface EpochPoint {
  readonly epoch: number
  readonly loss: number
  readonly accuracy: number
  /** On held-out songs, where there are any. */
  readonly valLoss?: number
  readonly valAccuracy?: number
  readonly learningRate?: number
}

/** A finished run as the library keeps it. */
export interface RunRecord {
  readonly runId: string
  readonly savedAt: string
  readonly request: RunRequest
  /** Loss and accuracy at each epoch. */
  readonly history: EpochPoint[]
  readonly result: TrainingResult
  /** Set while the record is held in memory only because saving it failed: why it failed. */
  readonly unsaved?: string
}

/** A run that ended in an error other than Stop (the training process crashed…): what it was, its curve so far and why. */
export interface FailedRunRecord {
  readonly runId: string
  readonly savedAt: string
  readonly status: 'failed'
  readonly request: RunRequest
  /** Loss and accuracy at each epoch it finished. */
  readonly history: EpochPoint[]
  readonly error: SerializedError
  /** Set while the record is held in memory only because saving it failed: why it failed. */
  readonly unsaved?: string
}

/** The person's choices that outlive a session. */
export interface StudioSettings {
  readonly language?: 'en' | 'ko'
  /** MIDI input (Web MIDI, never SysEx) asked for by the desktop app; off unless turned on. */
  readonly midiInput?: boolean
}

export interface LibraryView {
  /** The song last edited, or null on a first start. */
  readonly song: string | null
  readonly settings: StudioSettings
  readonly runs: RunRecord[]
  /** Runs that failed, oldest first (absent where the host keeps none). */
  readonly failedRuns?: FailedRunRecord[]
  /** Files that could not be read and were skipped. */
  readonly problems: string[]
}

export interface ImportChoice {
  /** The tune's X: number, or the MIDI track's index. */
  readonly id: string
  readonly label: string
}

export interface ImportedFile {
  /** The song as ABC, or null while the file holds several tunes or tracks to choose from. */
  readonly abc: string | null
  readonly choices: ImportChoice[]
  readonly warnings: string[]
}

export { CORPUS_MAX_BYTES, CORPUS_MAX_FILES, IMPORT_MAX_BYTES } from './limits'

/** About how many bytes the files' base64 text stands for (to a couple of bytes of padding each). */
export function corpusBytes(files: readonly CorpusFile[]): number {
  return files.reduce((sum, file) => sum + Math.floor((file.base64.length * 3) / 4), 0)
}

export const EXPORT_FORMATS = ['midi', 'abc', 'svg', 'pdf', 'codes'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportedFile {
  readonly fileName: string
  readonly mimeType: string
  /** The file's bytes, base64: IPC and JSON carry text. */
  readonly base64: string
}

export type Unsubscribe = () => void

export interface StudioApi {
  getAppInfo(): Promise<AppInfo>
  /** Reads ABC as the engine will: note count and problems with line and column. */
  checkSong(abc: string): Promise<SongReport>
  /** What a model would be for this song and these options: parameter count, classes, samples. */
  describeModel(abc: string, model: StudioModelKind, options: ModelOptionsView): Promise<ModelDescription>
  /** The TensorFlow.js backend the training process uses, and why it passed over the others. */
  getBackend(): Promise<BackendView>
  /** Starts training in the training process; progress and the result arrive as events. */
  startTraining(request: TrainingRequest): Promise<{ runId: string }>
  /** Loads a finished run's saved model and predicts again, without training. */
  predictAgain(runId: string): Promise<TrainingResult>
  /** Continues the run's song from its first window with its saved model: new bars, greedy or sampled. */
  continueMelody(runId: string, request: ContinuationRequest): Promise<ContinuationView[]>
  /**
   * Stops a run between batches (it ends with an onTrainingError of name TrainingCancelledError, or
   * as a finished run after its first epoch), and any continuation of it in flight, between notes
   * (its continueMelody rejects with GenerationCancelledError).
   */
  stopTraining(runId: string): Promise<void>
  /**
   * Reads a song file (.abc, .mid, .codes): the song as ABC, or the tunes or tracks to choose from
   * when there are several and `pick` names none of them.
   */
  importFile(fileName: string, base64: string, pick?: string): Promise<ImportedFile>
  /** The song last edited and the finished runs, from the user's data folder. */
  loadLibrary(): Promise<LibraryView>
  /** Autosaves the song being edited. */
  saveSong(abc: string): Promise<void>
  saveSettings(settings: StudioSettings): Promise<void>
  /** A song (as ABC) as a file to save: MIDI, ABC, SVG or PDF sheet music, or note codes. */
  exportSong(abc: string, format: ExportFormat): Promise<ExportedFile>
  onTrainingProgress(listener: (progress: TrainingProgress) => void): Unsubscribe
  onTrainingDone(listener: (result: TrainingResult) => void): Unsubscribe
  onTrainingError(listener: (failure: TrainingFailure) => void): Unsubscribe
}

/** The request/response methods, each with its channel; events travel on STUDIO_EVENTS. */
export const STUDIO_CHANNELS = {
  getAppInfo: 'studio:get-app-info',
  checkSong: 'studio:check-song',
  describeModel: 'studio:describe-model',
  getBackend: 'studio:get-backend',
  startTraining: 'studio:start-training',
  stopTraining: 'studio:stop-training',
  exportSong: 'studio:export-song',
  loadLibrary: 'studio:load-library',
  importFile: 'studio:import-file',
  predictAgain: 'studio:predict-again',
  continueMelody: 'studio:continue-melody',
  saveSong: 'studio:save-song',
  saveSettings: 'studio:save-settings'
} as const

export type StudioMethod = keyof typeof STUDIO_CHANNELS

export const STUDIO_EVENTS = {
  trainingProgress: 'studio:training-progress',
  trainingDone: 'studio:training-done',
  trainingError: 'studio:training-error'
} as const

export interface SerializedError {
  readonly name: string
  readonly message: string
}

/** What every request answers: a value, or an error to rethrow on the other side. */
export type StudioReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError }

export class StudioApiError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message)
    this.name = error.name
  }
}

/** Limits on what the UI may send, checked before any work is done (all limits: ./limits). */
export { EPOCHS_MAX, SONG_TEXT_MAX_CHARS } from './limits'
