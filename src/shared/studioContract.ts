// The StudioApi as one table: each method's channel, the schemas of its arguments and its answer,
// and each event's. Everything else is derived from it: the StudioApi type (./studioApi), the
// preload bridge and the web client (./studioClient), and the checks main and the web server make
// of every call (host/studioService). Adding a method is one entry here and its handler there.
import { z } from 'zod'
import {
  APP_INFO_SCHEMA,
  BACKEND_VIEW_SCHEMA,
  CONTINUATION_REQUEST_SCHEMA,
  CONTINUATION_VIEW_SCHEMA,
  EXPORT_FORMAT_SCHEMA,
  EXPORT_OPTIONS_SCHEMA,
  EXPORTED_FILE_SCHEMA,
  IMPORTED_FILE_SCHEMA,
  LIBRARY_VIEW_SCHEMA,
  MELODY_SCHEMA,
  MEMORY_TRACE_SCHEMA,
  MENU_COMMAND_SCHEMA,
  MODEL_DESCRIPTION_SCHEMA,
  MODEL_KIND_SCHEMA,
  MODEL_OPTIONS_SCHEMA,
  OPENED_PROJECT_SCHEMA,
  RUN_ID_SCHEMA,
  SONG_REPORT_SCHEMA,
  STUDIO_SETTINGS_SCHEMA,
  TRAINING_FAILURE_SCHEMA,
  TRAINING_PROGRESS_SCHEMA,
  TRAINING_REQUEST_SCHEMA,
  TRAINING_RESULT_SCHEMA
} from './studioSchemas'
import { IMPORT_MAX_BYTES, PROJECT_MAX_BYTES, SONG_TEXT_MAX_CHARS } from './limits'

const songText = z.string().max(SONG_TEXT_MAX_CHARS)
const base64File = z.string().max(Math.ceil(IMPORT_MAX_BYTES / 3) * 4)
// Its contents are checked by the use case, which names what is wrong (too large, not a project):
// the margin lets a file a little over the limit hear so in those words (the UI checks larger ones).
const projectBase64 = z.string().max(Math.ceil(PROJECT_MAX_BYTES / 3) * 4 + 512 * 1024)
const nothing = z.void()
/** A file's name without extension, as an export takes it (made safe by the host's fileStem). */
const exportName = EXPORT_OPTIONS_SCHEMA.shape.name.unwrap()

/** A method of the contract: what it is for, its channel, its arguments in order and its answer. */
interface MethodEntry {
  readonly channel: string
  readonly args: z.ZodTuple
  readonly result: z.ZodType
}

function method<Args extends z.ZodTuple, Result extends z.ZodType>(channel: string, args: Args, result: Result) {
  return { channel, args, result } satisfies MethodEntry
}

export const STUDIO_METHODS = {
  getAppInfo: method('studio:get-app-info', z.tuple([]), APP_INFO_SCHEMA),
  /** Reads ABC as the engine will: note count and problems with line and column. */
  checkSong: method('studio:check-song', z.tuple([songText]), SONG_REPORT_SCHEMA),
  /** What a model would be for this song and these options: parameter count, classes, samples. */
  describeModel: method('studio:describe-model', z.tuple([MELODY_SCHEMA, MODEL_KIND_SCHEMA, MODEL_OPTIONS_SCHEMA]), MODEL_DESCRIPTION_SCHEMA),
  /** The TensorFlow.js backend the training process uses, and why it passed over the others. */
  getBackend: method('studio:get-backend', z.tuple([]), BACKEND_VIEW_SCHEMA),
  /** Starts training in the training process; progress and the result arrive as events. */
  startTraining: method(
    'studio:start-training',
    z.tuple([TRAINING_REQUEST_SCHEMA.refine((request) => (request.melody === undefined) !== (request.corpus === undefined), 'a run trains on a song (melody) or on songs (corpus), one of the two')]),
    z.object({ runId: RUN_ID_SCHEMA })
  ),
  /**
   * Stops a run between batches (it ends with an onTrainingError of name TrainingCancelledError, or
   * as a finished run after its first epoch), and any continuation of it in flight, between notes
   * (its continueMelody rejects with GenerationCancelledError).
   */
  stopTraining: method('studio:stop-training', z.tuple([RUN_ID_SCHEMA]), nothing),
  /** Loads a finished run's saved model and makes its one-step and full-song predictions again, without training. */
  predictAgain: method('studio:predict-again', z.tuple([RUN_ID_SCHEMA]), TRAINING_RESULT_SCHEMA),
  /**
   * Walks a finished run's saved model along its song, one-step or full song (`fullSong`): at each
   * prediction the window in, the candidates' probabilities and its first LSTM's hidden and cell
   * state, the windows that came twice with different notes next marked.
   */
  traceRun: method('studio:trace-run', z.tuple([RUN_ID_SCHEMA, z.boolean()]), MEMORY_TRACE_SCHEMA),
  /** Continues the run's song from its first window (or the person's song) with its saved model: new bars, greedy or sampled. */
  continueMelody: method('studio:continue-melody', z.tuple([RUN_ID_SCHEMA, CONTINUATION_REQUEST_SCHEMA]), z.array(CONTINUATION_VIEW_SCHEMA)),
  /** A melody as a file to save: MIDI, ABC, SVG or PDF sheet music (wrong notes red), or note codes. */
  exportSong: method('studio:export-song', z.tuple([MELODY_SCHEMA, EXPORT_FORMAT_SCHEMA, EXPORT_OPTIONS_SCHEMA.optional()]), EXPORTED_FILE_SCHEMA),
  /** The song last edited and the finished and failed runs, from the user's data folder. */
  loadLibrary: method('studio:load-library', z.tuple([]), LIBRARY_VIEW_SCHEMA),
  /**
   * Reads a song file (.abc, .mid, .codes): the song as ABC, or the tunes or tracks to choose from
   * when there are several and `pick` names none of them.
   */
  importFile: method('studio:import-file', z.tuple([z.string().min(1).max(255), base64File, z.string().max(32).optional()]), IMPORTED_FILE_SCHEMA),
  /** Autosaves the song being edited. */
  saveSong: method('studio:save-song', z.tuple([songText]), nothing),
  saveSettings: method('studio:save-settings', z.tuple([STUDIO_SETTINGS_SCHEMA]), nothing),
  /** Deletes a finished or failed run from the library: its record and its saved model. A run still training is refused. */
  deleteRun: method('studio:delete-run', z.tuple([RUN_ID_SCHEMA]), nothing),
  /** The song and the library's runs of it (same text, or same title), their saved models with them, as one project file (`.mstudio`) to save. */
  saveProject: method('studio:save-project', z.tuple([songText]), EXPORTED_FILE_SCHEMA),
  /** Reads a project file: its song for the editor and its runs, which are added to the library with their models (a run already there is kept as it is). */
  openProject: method('studio:open-project', z.tuple([z.string().min(1).max(255), projectBase64]), OPENED_PROJECT_SCHEMA),
  /**
   * Desktop only: writes the melody's MIDI to a temporary `<name>.mid` and starts the system's drag
   * of that file from the window (to a DAW, a folder); called from the page's dragstart. Web mode
   * refuses it (the page drags a download link there).
   */
  startMidiDrag: method('studio:start-midi-drag', z.tuple([MELODY_SCHEMA, exportName]), nothing),
  /** Desktop only: writes the melody's MIDI to a temporary `<name>.mid` and puts that file on the clipboard, where the system has a way (see host/midiFiles). */
  copyMidiFile: method('studio:copy-midi-file', z.tuple([MELODY_SCHEMA, exportName]), nothing)
} as const

export type StudioMethod = keyof typeof STUDIO_METHODS
export const STUDIO_METHOD_NAMES = Object.keys(STUDIO_METHODS) as StudioMethod[]

/** Events from the engine to the UI: each with its channel, the name of its subscriber on the StudioApi, and its payload. */
export const STUDIO_EVENTS = {
  trainingProgress: { channel: 'studio:training-progress', subscriber: 'onTrainingProgress', payload: TRAINING_PROGRESS_SCHEMA },
  trainingDone: { channel: 'studio:training-done', subscriber: 'onTrainingDone', payload: TRAINING_RESULT_SCHEMA },
  trainingError: { channel: 'studio:training-error', subscriber: 'onTrainingError', payload: TRAINING_FAILURE_SCHEMA },
  /** The desktop app's File menu (Open…, Save project, Open recent); web mode never sends it. */
  menuCommand: { channel: 'studio:menu-command', subscriber: 'onMenuCommand', payload: MENU_COMMAND_SCHEMA }
} as const

export type StudioEvent = keyof typeof STUDIO_EVENTS
export const STUDIO_EVENT_NAMES = Object.keys(STUDIO_EVENTS) as StudioEvent[]

/** Every key the StudioApi object has: its methods and its event subscribers (the preload exposes exactly these). */
export function studioApiKeys(): string[] {
  return [...STUDIO_METHOD_NAMES, ...STUDIO_EVENT_NAMES.map((event) => STUDIO_EVENTS[event].subscriber)]
}

export function isStudioMethod(name: string): name is StudioMethod {
  return Object.hasOwn(STUDIO_METHODS, name)
}
