// The StudioApi's types, all inferred from the schemas in ./studioSchemas through the method table
// in ./studioContract: nothing here is written twice. The preload exposes exactly a StudioApi as
// `window.studio`; web mode's client is one too (./studioClient). Errors cross as
// `{ name, message }` and are thrown again on the UI side as StudioApiError (./studioErrors).
import type { z } from 'zod'
import type { STUDIO_EVENTS, STUDIO_METHODS, StudioEvent, StudioMethod } from './studioContract'
import { STUDIO_METHOD_NAMES, STUDIO_METHODS as METHODS } from './studioContract'
import type {
  APP_INFO_SCHEMA,
  BACKEND_VIEW_SCHEMA,
  CALLBACKS_SCHEMA,
  CONTINUATION_REQUEST_SCHEMA,
  CONTINUATION_VIEW_SCHEMA,
  CORPUS_FILE_SCHEMA,
  CORPUS_REQUEST_SCHEMA,
  CORPUS_SUMMARY_SCHEMA,
  EPOCH_POINT_SCHEMA,
  EXPORTED_FILE_SCHEMA,
  EXPORT_OPTIONS_SCHEMA,
  FAILED_RUN_SCHEMA,
  IMPORT_CHOICE_SCHEMA,
  IMPORTED_FILE_SCHEMA,
  LIBRARY_VIEW_SCHEMA,
  MELODY_SCHEMA,
  MEMORY_STEP_SCHEMA,
  MEMORY_TRACE_SCHEMA,
  MENU_COMMAND_SCHEMA,
  MODEL_DESCRIPTION_SCHEMA,
  MODEL_OPTIONS_SCHEMA,
  OPENED_PROJECT_SCHEMA,
  PREDICTION_VIEW_SCHEMA,
  RUN_RECORD_SCHEMA,
  RUN_REQUEST_SCHEMA,
  SONG_PROBLEM_SCHEMA,
  SONG_REPORT_SCHEMA,
  STUDIO_SETTINGS_SCHEMA,
  TRAINING_FAILURE_SCHEMA,
  TRAINING_PROGRESS_SCHEMA,
  TRAINING_REQUEST_SCHEMA,
  TRAINING_RESULT_SCHEMA
} from './studioSchemas'

export { CORPUS_SCHEMES, DEFAULT_CORPUS_SCHEME, defaultCorpusScheme, EXPORT_FORMATS, MONITOR_NAMES, STUDIO_MODEL_KINDS } from './studioSchemas'
export { STUDIO_EVENTS, STUDIO_METHODS, isStudioMethod, studioApiKeys, type StudioEvent, type StudioMethod } from './studioContract'
export { StudioApiError, serializeError, type SerializedError, type StudioReply } from './studioErrors'
export { CORPUS_MAX_BYTES, CORPUS_MAX_FILES, EPOCHS_MAX, IMPORT_MAX_BYTES, SONG_TEXT_MAX_CHARS } from './limits'

export type StudioModelKind = TrainingRequest['model']
export type { CorpusScheme, ExportFormat, MonitorName } from './studioNames'

export type AppInfo = z.infer<typeof APP_INFO_SCHEMA>
/** A melody as it crosses between processes (see MELODY_SCHEMA); the engine's Melody has this shape. */
export type MelodyValue = z.infer<typeof MELODY_SCHEMA>
export type SongProblem = z.infer<typeof SONG_PROBLEM_SCHEMA>
export type SongReport = z.infer<typeof SONG_REPORT_SCHEMA>
export type ModelOptionsView = z.infer<typeof MODEL_OPTIONS_SCHEMA>
export type CallbacksView = z.infer<typeof CALLBACKS_SCHEMA>
export type CorpusFile = z.infer<typeof CORPUS_FILE_SCHEMA>
export type CorpusRequest = z.infer<typeof CORPUS_REQUEST_SCHEMA>
export type TrainingRequest = z.infer<typeof TRAINING_REQUEST_SCHEMA>
/** A request as a run record keeps it: a corpus by its file names, not its bytes. */
export type RunRequest = z.infer<typeof RUN_REQUEST_SCHEMA>
export type ModelDescription = z.infer<typeof MODEL_DESCRIPTION_SCHEMA>
export type ContinuationRequest = z.infer<typeof CONTINUATION_REQUEST_SCHEMA>
export type ContinuationView = z.infer<typeof CONTINUATION_VIEW_SCHEMA>
export type BackendView = z.infer<typeof BACKEND_VIEW_SCHEMA>
export type EpochPoint = z.infer<typeof EPOCH_POINT_SCHEMA>
export type TrainingProgress = z.infer<typeof TRAINING_PROGRESS_SCHEMA>
export type PredictionView = z.infer<typeof PREDICTION_VIEW_SCHEMA>
export type CorpusSummary = z.infer<typeof CORPUS_SUMMARY_SCHEMA>
export type TrainingResult = z.infer<typeof TRAINING_RESULT_SCHEMA>
export type MemoryStepView = z.infer<typeof MEMORY_STEP_SCHEMA>
export type MemoryTraceView = z.infer<typeof MEMORY_TRACE_SCHEMA>
export type TrainingFailure = z.infer<typeof TRAINING_FAILURE_SCHEMA>
export type RunRecord = z.infer<typeof RUN_RECORD_SCHEMA>
export type FailedRunRecord = z.infer<typeof FAILED_RUN_SCHEMA>
export type StudioSettings = z.infer<typeof STUDIO_SETTINGS_SCHEMA>
export type LibraryView = z.infer<typeof LIBRARY_VIEW_SCHEMA>
export type ImportChoice = z.infer<typeof IMPORT_CHOICE_SCHEMA>
export type ImportedFile = z.infer<typeof IMPORTED_FILE_SCHEMA>
export type ExportedFile = z.infer<typeof EXPORTED_FILE_SCHEMA>
export type ExportOptions = z.infer<typeof EXPORT_OPTIONS_SCHEMA>
export type OpenedProject = z.infer<typeof OPENED_PROJECT_SCHEMA>
export type MenuCommand = z.infer<typeof MENU_COMMAND_SCHEMA>

export type Unsubscribe = () => void

type Methods = typeof STUDIO_METHODS
type Events = typeof STUDIO_EVENTS

/** A method's arguments as a caller passes them, and its answer. */
export type StudioArguments<M extends StudioMethod> = z.input<Methods[M]['args']>
export type StudioAnswer<M extends StudioMethod> = z.output<Methods[M]['result']>
export type StudioPayload<E extends StudioEvent> = z.output<Events[E]['payload']>

/** The one contract between the UI and the engine: every method of the table, and a subscriber per event. */
export type StudioApi = { [M in StudioMethod]: (...args: StudioArguments<M>) => Promise<StudioAnswer<M>> } & {
  [E in StudioEvent as Events[E]['subscriber']]: (listener: (payload: StudioPayload<E>) => void) => Unsubscribe
}

/** Each method's channel (Electron IPC), derived from the table. */
export const STUDIO_CHANNELS = Object.fromEntries(STUDIO_METHOD_NAMES.map((name) => [name, METHODS[name].channel])) as { readonly [M in StudioMethod]: Methods[M]['channel'] }

/** About how many bytes the files' base64 text stands for (to a couple of bytes of padding each). */
export function corpusBytes(files: readonly CorpusFile[]): number {
  return files.reduce((sum, file) => sum + Math.floor((file.base64.length * 3) / 4), 0)
}
