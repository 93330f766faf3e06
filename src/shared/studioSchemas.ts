// The source of the contract between the UI and the engine: every value that crosses it, as a zod
// schema bounded by the limits in ./limits. The types in ./studioApi are inferred from these, the
// method table in ./studioContract pairs them with the methods, and main and the web server check
// every message from the UI against them before they act on it.
import { z } from 'zod'
import { ENGINE_SAYING_SCHEMA } from './engineMessages'
import { LAYER_STACK_SCHEMA } from './layerSpec'
import { LOSS_WEIGHTS_SCHEMA, MODEL_GRAPH_SCHEMA, OUTPUT_ROLES } from './modelGraph'
import { INSTRUMENT_IDS } from './instruments'
import { CORPUS_SCHEMES, EXPORT_FORMATS, MODEL_KINDS, MONITOR_NAMES } from './studioNames'
import {
  ABC_FIELD_MAX_CHARS,
  ABC_MAX_CHARS,
  CONTINUE_MAX_BARS,
  CONTINUE_MAX_VARIATIONS,
  CORPUS_MAX_FILES,
  EPOCHS_MAX,
  HISTORY_MAX_POINTS,
  IMPORT_MAX_BYTES,
  LAYER_MAX_UNITS,
  MEMORY_TRACE_MAX_SAME_WINDOW,
  MEMORY_TRACE_MAX_STEPS,
  MEMORY_TRACE_MAX_UNITS,
  MEMORY_TRACE_TOP_K,
  METER_MAX_DENOMINATOR,
  METER_MAX_NUMERATOR,
  MODEL_MAX_GRAPH_LAYERS,
  MODEL_MAX_PARAMS,
  MODEL_PICTURE_MAX_CHARS,
  WINDOWS_SHOWN_MAX,
  PROJECT_MAX_BYTES,
  PROJECT_MAX_MODEL_FILES,
  PROJECT_MAX_RUNS,
  SAVED_VOCABULARY_MAX_CODES,
  SONG_MAX_NOTES,
  SONG_MAX_QUARTERS,
  SONG_TEXT_MAX_CHARS,
  TEMPO_MAX_BPM,
  TEMPO_MIN_BPM
} from './limits'

export { CORPUS_SCHEMES, DEFAULT_CORPUS_SCHEME, defaultCorpusScheme, EXPORT_FORMATS, MONITOR_NAMES, MODEL_KINDS as STUDIO_MODEL_KINDS } from './studioNames'

const count = (max: number) => z.number().int().min(0).max(max)
const epoch = count(EPOCHS_MAX)
const text = z.string().max(ABC_FIELD_MAX_CHARS)
const longText = z.string().max(ABC_MAX_CHARS)
const songText = z.string().max(SONG_TEXT_MAX_CHARS)
const fileName = z.string().min(1).max(255)
const base64File = z.string().max(Math.ceil(IMPORT_MAX_BYTES / 3) * 4)
const seed = z.number().int().min(0).max(2 ** 31)
const patience = z.number().int().min(1).max(1000)

export const MODEL_KIND_SCHEMA = z.enum(MODEL_KINDS)
export const MONITOR_SCHEMA = z.enum(MONITOR_NAMES)
export const EXPORT_FORMAT_SCHEMA = z.enum(EXPORT_FORMATS)
export const CORPUS_SCHEME_SCHEMA = z.enum(CORPUS_SCHEMES)
export const RUN_ID_SCHEMA = z.string().regex(/^run-[0-9a-z-]{1,64}$/)
export const SERIALIZED_ERROR_SCHEMA = z.object({ name: text, message: longText, said: ENGINE_SAYING_SCHEMA.optional() })

// ── Songs ───────────────────────────────────────────────────────────────────────────────────
/** Ticks in the longest song (480 a quarter note, as the engine's melodies count them). */
const SONG_MAX_TICKS = SONG_MAX_QUARTERS * 480

/**
 * A melody as it crosses between processes, in the spirit of magenta-js's NoteSequence: the
 * engine's Melody (notes and rests in ticks at 480 a quarter, tempo, meter, key, pickup bar).
 * ABC is read once, where it comes in; every later step (the model screen, training, exports)
 * takes this value, so nothing is parsed twice and an export writes exactly the notes predicted.
 * Bounded here; the engine checks the rest of its limits (bar lengths, note lengths) on use.
 */
export const MELODY_SCHEMA = z.object({
  title: text,
  /** Quarter notes per minute. */
  tempo: z.number().min(TEMPO_MIN_BPM).max(TEMPO_MAX_BPM),
  meter: z.object({ numerator: z.number().int().min(1).max(METER_MAX_NUMERATOR), denominator: z.number().int().min(1).max(METER_MAX_DENOMINATOR) }),
  key: z.object({ tonic: z.string().max(8), mode: z.enum(['major', 'minor', 'dorian', 'phrygian', 'lydian', 'mixolydian', 'locrian']), fifths: z.number().int().min(-7).max(7) }),
  notes: z
    .array(
      z.object({
        /** MIDI note number (60 = middle C), or null for a rest. */
        pitch: z.number().int().min(0).max(127).nullable(),
        startTicks: count(SONG_MAX_TICKS),
        durationTicks: z.number().int().min(1).max(SONG_MAX_TICKS)
      })
    )
    .max(SONG_MAX_NOTES)
    // Read-only as the engine's Melody is, so either passes for the other.
    .readonly(),
  /** Length in ticks of an incomplete first bar; absent when the song starts on a downbeat. */
  pickupTicks: z.number().int().min(1).max(SONG_MAX_TICKS).optional()
})

export const SONG_PROBLEM_SCHEMA = z.object({
  severity: z.enum(['error', 'warning']),
  line: count(Number.MAX_SAFE_INTEGER),
  column: count(Number.MAX_SAFE_INTEGER),
  message: longText,
  /** The message as a code and values, where the engine gave it one. */
  said: ENGINE_SAYING_SCHEMA.optional()
})
/** The first tune of ABC text as the engine reads it. */
export const SONG_REPORT_SCHEMA = z.object({
  /** Sounding notes of the first tune, 0 when it has none. */
  notes: count(SONG_MAX_NOTES),
  title: text,
  problems: z.array(SONG_PROBLEM_SCHEMA),
  /** The first tune as a melody, the value every later call takes; null when it has no music. */
  melody: MELODY_SCHEMA.nullable()
})
export const IMPORT_CHOICE_SCHEMA = z.object({
  /** The tune's X: number, or the MIDI track's index. */
  id: z.string().max(32),
  label: text
})
export const IMPORTED_FILE_SCHEMA = z.object({
  /** The song as ABC, or null while the file holds several tunes or tracks to choose from. */
  abc: songText.nullable(),
  choices: z.array(IMPORT_CHOICE_SCHEMA),
  warnings: z.array(longText)
})
/** How a melody is saved: the file's name (without extension), and the note heads drawn red in a score. */
export const EXPORT_OPTIONS_SCHEMA = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  wrong: z.array(count(SONG_MAX_NOTES)).max(SONG_MAX_NOTES).optional(),
  /** The heads of `wrong` whose pitch is right and length wrong: drawn amber with an "L" above, not red. */
  wrongLength: z.array(count(SONG_MAX_NOTES)).max(SONG_MAX_NOTES).optional(),
  /** WAV and MP3: the instrument that plays the melody (piano when absent). */
  instrument: z.enum(INSTRUMENT_IDS).optional(),
  /** WAV and MP3: quarter notes a minute, instead of the song's own tempo. */
  tempo: z.number().min(TEMPO_MIN_BPM).max(TEMPO_MAX_BPM).optional()
})

export const EXPORTED_FILE_SCHEMA = z.object({
  fileName,
  mimeType: text,
  /** The file's bytes, base64: IPC and JSON carry text. */
  base64: z.string()
})

// ── Models and training requests ───────────────────────────────────────────────────────────
/** The options a person may set on a model; anything left out takes the seed's value. */
export const MODEL_OPTIONS_SCHEMA = z.strictObject({
  /** The model lab's layers instead of the preset's (the output softmax is added after them). */
  layers: LAYER_STACK_SCHEMA.optional(),
  /** A functional model (Keras's JSON read into the studio's form) instead of the preset's layers. */
  graph: MODEL_GRAPH_SCHEMA.optional(),
  /** Each output's weight in the loss, for a model with several outputs (Keras's loss_weights). */
  lossWeights: LOSS_WEIGHTS_SCHEMA.optional(),
  stateful: z.boolean().optional(),
  twoFeatures: z.boolean().optional(),
  units: z.number().int().min(1).max(1024).optional(),
  window: z.number().int().min(1).max(256).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  learningRate: z.number().positive().max(10).optional(),
  seed: seed.optional(),
  /** Which notes the output layer knows: the seed's, the song's own, or whichever fits (default). */
  vocabulary: z.enum(['auto', 'seed', 'song']).optional()
})

/** The books' Keras callbacks, as a run may ask for them. */
export const CALLBACKS_SCHEMA = z.strictObject({
  /** Stop after `patience` epochs without a better monitored value, and put back the best epoch's weights. */
  earlyStopping: z.strictObject({ monitor: MONITOR_SCHEMA, patience, restoreBestWeights: z.boolean() }).optional(),
  /** Multiply the learning rate by `factor` after `patience` epochs without improvement, not below the minimum. */
  reduceLrOnPlateau: z
    .strictObject({ monitor: MONITOR_SCHEMA, factor: z.number().gt(0).lt(1), patience, minLearningRate: z.number().min(0).max(1).optional() })
    .optional()
})

/** A file of songs, as the UI read it: every tune of an ABC file, the melody of a MIDI file. */
export const CORPUS_FILE_SCHEMA = z.strictObject({ name: fileName, base64: base64File })

/** Train on many songs instead of the one in the editor. */
export const CORPUS_REQUEST_SCHEMA = z.strictObject({
  files: z.array(CORPUS_FILE_SCHEMA).min(1).max(CORPUS_MAX_FILES),
  /** Share of the songs held out for validation, split by song (seeded by the model's seed). */
  validationShare: z.number().gt(0).lt(1),
  /** Add each training song transposed by up to ±N semitones, kept within the corpus's range. */
  transpose: z.number().int().min(0).max(12),
  /**
   * 'windows': each window predicts the note after it; 'sequence': the loss at every step, the
   * state carried across a song's windows. Left out (every record before it): 'windows'.
   */
  scheme: CORPUS_SCHEME_SCHEMA.optional()
})

const resumeFrom = z.strictObject({ runId: RUN_ID_SCHEMA, afterEpoch: epoch })

export const TRAINING_REQUEST_SCHEMA = z.strictObject({
  /** The song to train on; a corpus run (`corpus`) trains on its files instead and has none. */
  melody: MELODY_SCHEMA.optional(),
  /** The song's text as the person wrote it, kept with the run to show and edit again (never parsed by the engine). */
  abc: songText.optional(),
  model: MODEL_KIND_SCHEMA,
  epochs: z.number().int().min(1).max(EPOCHS_MAX),
  untilPerfect: z.boolean(),
  /** Epochs between the one-step and full-song checks of `untilPerfect` (default 10). */
  checkEvery: z.number().int().min(1).max(EPOCHS_MAX).optional(),
  options: MODEL_OPTIONS_SCHEMA.optional(),
  callbacks: CALLBACKS_SCHEMA.optional(),
  corpus: CORPUS_REQUEST_SCHEMA.optional(),
  /**
   * Go on training a finished run's saved model (same song or songs, same options) after the
   * epoch its weights are from; `epochs` is then the total, epochs numbered on from there.
   */
  resumeFrom: resumeFrom.optional()
})

/** A request as a run record keeps it (a corpus by its file names, not its bytes); records read back are checked with it. */
export const RUN_REQUEST_SCHEMA = TRAINING_REQUEST_SCHEMA.extend({
  corpus: CORPUS_REQUEST_SCHEMA.omit({ files: true }).extend({ fileNames: z.array(z.string().min(1).max(4096)).max(CORPUS_MAX_FILES) }).optional()
})

const shape = z.array(z.number().nullable()).max(8)
/** One line of the model's summary (Keras's, with "Connected to"), one box of its picture. */
export const LAYER_ROW_SCHEMA = z.object({
  name: text,
  type: text,
  inputShapes: z.array(shape).max(MODEL_MAX_GRAPH_LAYERS),
  outputShape: shape,
  params: count(MODEL_MAX_PARAMS),
  connectedTo: z.array(text).max(MODEL_MAX_GRAPH_LAYERS)
})

export const MODEL_DESCRIPTION_SCHEMA = z.object({
  model: MODEL_KIND_SCHEMA,
  title: text,
  explanation: longText,
  params: count(MODEL_MAX_PARAMS),
  classes: count(Number.MAX_SAFE_INTEGER),
  samples: count(Number.MAX_SAFE_INTEGER),
  units: count(Number.MAX_SAFE_INTEGER),
  window: count(Number.MAX_SAFE_INTEGER),
  batchSize: count(Number.MAX_SAFE_INTEGER),
  learningRate: z.number(),
  seed: z.number(),
  stateful: z.boolean(),
  features: z.union([z.literal(1), z.literal(2)]),
  /** Every layer with its output shape and parameters, as Keras's summary() (the output layer last). */
  layers: z.array(LAYER_ROW_SCHEMA).max(MODEL_MAX_GRAPH_LAYERS + 4),
  /** The model as plot_model(show_shapes=True) draws it: SVG text made in the engine, every text in it escaped. */
  picture: z.string().max(MODEL_PICTURE_MAX_CHARS).optional(),
  /**
   * The song as the model sees it (the tutorial's first lesson): its windows of notes, each with
   * the note that follows (the first WINDOWS_SHOWN_MAX), and the windows that come again with a
   * different next note (pairs of indices), which no model that sees only its window can both get right.
   */
  windows: z.array(z.object({ notes: z.array(z.string().max(32)).max(256), next: z.string().max(32) })).max(WINDOWS_SHOWN_MAX).optional(),
  repeatedWindows: z.array(z.tuple([count(WINDOWS_SHOWN_MAX), count(WINDOWS_SHOWN_MAX)])).max(WINDOWS_SHOWN_MAX).optional(),
  /** The most one-step predictions a model that sees only its window can get right (each window answered one way). */
  windowOnlyCeiling: z.number().min(0).max(1).optional()
})

export const BACKEND_VIEW_SCHEMA = z.object({
  name: text,
  skipped: z.array(z.object({ name: text, reason: longText })),
  /** Whether the GPU trains and why (or why not); absent when no backend could be asked. */
  gpu: z.object({ used: z.boolean(), reason: longText, said: ENGINE_SAYING_SCHEMA }).optional()
})

/** How to continue the song with a trained model. */
export const CONTINUATION_REQUEST_SCHEMA = z.strictObject({
  bars: z.number().int().min(1).max(CONTINUE_MAX_BARS),
  /** 0 = greedy. */
  temperature: z.number().min(0).max(10),
  topK: z.number().int().min(1).max(1000).optional(),
  seed,
  variations: z.number().int().min(1).max(8),
  /** Continue this melody (its every note in the model's vocabulary) instead of the run's own opening. */
  prime: MELODY_SCHEMA.optional()
})

/** One continuation: the song's opening window and the new bars, as a melody and as ABC to draw. */
export const CONTINUATION_VIEW_SCHEMA = z.object({ seed: z.number().int(), abc: longText, melody: MELODY_SCHEMA })

// ── Runs, their progress and results ───────────────────────────────────────────────────────
/** A loss or accuracy: JSON writes a diverged run's NaN (or an infinity) as null, read back as NaN. */
export const METRIC_SCHEMA = z.union([z.number(), z.null().transform(() => Number.NaN)])

/** One epoch of a curve (a metrics log's row: `elapsedMs` where it was measured). */
/** One output head's figures for an epoch (a functional model with several outputs). */
export const HEAD_POINT_SCHEMA = z.object({
  name: z.enum(OUTPUT_ROLES),
  loss: METRIC_SCHEMA,
  accuracy: METRIC_SCHEMA,
  valLoss: METRIC_SCHEMA.optional(),
  valAccuracy: METRIC_SCHEMA.optional()
})

export const EPOCH_POINT_SCHEMA = z.object({
  epoch,
  loss: METRIC_SCHEMA,
  accuracy: METRIC_SCHEMA,
  /** On held-out songs, where there are any. */
  valLoss: METRIC_SCHEMA.optional(),
  valAccuracy: METRIC_SCHEMA.optional(),
  learningRate: METRIC_SCHEMA.optional(),
  elapsedMs: z.number().min(0).optional(),
  /** Each output's figures, for a model with several (`loss` is then their weighted sum, `accuracy` every head right). */
  heads: z.array(HEAD_POINT_SCHEMA).max(OUTPUT_ROLES.length).optional()
})

export const HISTORY_SCHEMA = z.array(EPOCH_POINT_SCHEMA).max(HISTORY_MAX_POINTS)

export const TRAINING_PROGRESS_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  epoch,
  epochs: epoch,
  loss: METRIC_SCHEMA,
  accuracy: METRIC_SCHEMA,
  elapsedMs: z.number(),
  etaMs: z.number(),
  samplesPerSecond: z.number(),
  valLoss: METRIC_SCHEMA.optional(),
  valAccuracy: METRIC_SCHEMA.optional(),
  learningRate: METRIC_SCHEMA.optional(),
  /**
   * Every epoch since the previous event, this one last: events are batched (at most one per
   * 100 ms) so a fast run does not flood the UI, yet the curves keep every epoch.
   */
  points: HISTORY_SCHEMA
})

export const PREDICTION_VIEW_SCHEMA = z.object({
  accuracy: METRIC_SCHEMA,
  /** The predicted song as ABC, to draw. */
  abc: longText,
  /** The predicted song as a melody, to play and export exactly. */
  melody: MELODY_SCHEMA,
  /** 0-based indices of the note heads that differ from the song. */
  wrong: z.array(count(SONG_MAX_NOTES)).max(SONG_MAX_NOTES),
  /**
   * The heads of `wrong` whose pitch is right and only the length wrong (the others have a wrong
   * pitch). Runs saved before the two were told apart have none.
   */
  wrongLength: z.array(count(SONG_MAX_NOTES)).max(SONG_MAX_NOTES).optional(),
  /** Predicted rests of the wrong length (a rest has no head to mark); absent when none. */
  wrongLengthRests: count(SONG_MAX_NOTES).optional(),
  /**
   * The song above the prediction, bar by bar, as ABC of two voices (the prediction's heads in
   * voice 2, in the order `wrong` counts them). Runs saved before comparisons have none.
   */
  compare: longText.optional()
})

export const CORPUS_SUMMARY_SCHEMA = z.object({
  songs: count(Number.MAX_SAFE_INTEGER),
  heldOut: count(Number.MAX_SAFE_INTEGER),
  /** Training songs added by transposition. */
  transposed: count(Number.MAX_SAFE_INTEGER),
  vocabulary: count(Number.MAX_SAFE_INTEGER),
  windows: count(Number.MAX_SAFE_INTEGER),
  validationWindows: count(Number.MAX_SAFE_INTEGER),
  bestValAccuracy: METRIC_SCHEMA,
  bestEpoch: epoch,
  /** How it trained; `windows` and `validationWindows` then count steps for 'sequence'. Absent in runs before schemes: 'windows'. */
  scheme: CORPUS_SCHEME_SCHEMA.optional(),
  /** The held-out song the predictions are drawn for. */
  evaluatedOn: text,
  /** Files or songs that could not be read and were left out: a few per file at most in practice. */
  skipped: z.array(text).max(CORPUS_MAX_FILES * 100)
})

export const TRAINING_RESULT_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  model: MODEL_KIND_SCHEMA,
  backend: text,
  /** Which implementation trained it (fast CPU path or tfjs) and why; absent in runs saved before it was recorded. */
  trainingPath: text.optional(),
  params: count(MODEL_MAX_PARAMS),
  epochs: epoch,
  trainMs: z.number().min(0),
  oneStep: PREDICTION_VIEW_SCHEMA,
  fullSong: PREDICTION_VIEW_SCHEMA,
  /** Set when a continuation was asked for (runs saved before continuations had their own method). */
  continuations: z.array(CONTINUATION_VIEW_SCHEMA).max(CONTINUE_MAX_VARIATIONS).optional(),
  /** Set when early stopping ended the run: the epoch it stopped at and the best one, whose weights were kept. */
  stoppedEarly: z.object({ epoch, bestEpoch: epoch }).optional(),
  /** Set when Stop ended the run after at least one epoch: the work so far is kept, as a finished run. */
  stoppedByUser: z.object({ epoch }).optional(),
  /** The epoch whose weights the saved model holds (the best one where early stopping restored it). */
  weightsEpoch: epoch.optional(),
  /** Set for a run on many songs; its one-step and full-song predictions are of `evaluatedOn`, a held-out song. */
  corpus: CORPUS_SUMMARY_SCHEMA.optional(),
  /**
   * Set on a finished run whose record could not be saved (a full disk, a folder that cannot be
   * written): why. The run is kept in memory, listed by loadLibrary as `unsaved`, and saved again
   * with the next save; it is lost if the studio closes first.
   */
  saveError: text.optional()
})

/** A class of the model's vocabulary (an index into the trace's `codes`). */
const classIndex = count(SAVED_VOCABULARY_MAX_CODES)
/** The widest window a model takes (MODEL_OPTIONS_SCHEMA's `window`). */
const WINDOW_MAX = 256

/** One prediction of a memory trace: the window in, the note out, the candidates, the LSTM's state after it. */
export const MEMORY_STEP_SCHEMA = z.object({
  /** The notes that went in, as classes. */
  inputs: z.array(classIndex).max(WINDOW_MAX),
  /** The song's next note and the model's choice. */
  truth: classIndex,
  predicted: classIndex,
  /** The model's probability for the true next note. */
  trueProbability: METRIC_SCHEMA,
  /** The most probable classes, most probable first. */
  top: z.array(z.object({ index: classIndex, probability: METRIC_SCHEMA })).max(MEMORY_TRACE_TOP_K),
  /** The traced LSTM's hidden and cell state after the window: its first units (none without an LSTM). */
  h: z.array(METRIC_SCHEMA).max(MEMORY_TRACE_MAX_UNITS).optional(),
  c: z.array(METRIC_SCHEMA).max(MEMORY_TRACE_MAX_UNITS).optional(),
  /** Other steps (0-based) with the same window in and a different true note next. */
  ambiguousWith: z.array(count(MEMORY_TRACE_MAX_STEPS)).max(MEMORY_TRACE_MAX_SAME_WINDOW)
})

/** A saved run's model walked along its song: at each prediction its probabilities and its LSTM's state. */
export const MEMORY_TRACE_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  model: MODEL_KIND_SCHEMA,
  /** Full song (each prediction fed back) or one-step (the song's own windows). */
  fullSong: z.boolean(),
  /** The model carries its state from one prediction to the next. */
  stateful: z.boolean(),
  window: count(WINDOW_MAX),
  /** The vocabulary: class index → note code (`e8`). */
  codes: z.array(text).max(SAVED_VOCABULARY_MAX_CODES),
  /** The traced LSTM (the model's first): its name, its units and how many of them the steps hold. Null without one. */
  lstm: z.object({ layer: text, units: count(LAYER_MAX_UNITS), shown: count(MEMORY_TRACE_MAX_UNITS), recurrentActivation: text }).nullable(),
  /** Why there is no state to show (no LSTM, a functional model…). */
  noState: text.optional(),
  /** Predictions along the whole song; `steps` holds the first MEMORY_TRACE_MAX_STEPS. */
  totalSteps: count(SONG_MAX_NOTES),
  steps: z.array(MEMORY_STEP_SCHEMA).max(MEMORY_TRACE_MAX_STEPS)
})

export const TRAINING_FAILURE_SCHEMA = z.object({ runId: RUN_ID_SCHEMA, error: SERIALIZED_ERROR_SCHEMA })

const savedAt = z.string().max(64)
/** Set while a record is held in memory only because saving it failed: why it failed. */
const unsaved = text.optional()

/**
 * A finished run's record: one format for the studio's library (`runs/<runId>.json`) and the
 * command line's saved runs (`<folder>/run.json`). Records written before the format was shared
 * (the library's without `format`, the command line's version 1) are read and migrated.
 * Fields an older studio wrote and this one no longer has are dropped.
 */
export const RUN_RECORD_SCHEMA = z.object({
  format: z.literal('melody-studio-run').optional(),
  version: z.literal(2).optional(),
  runId: RUN_ID_SCHEMA,
  /** What tables call the run: the command line's folder name, the song's title. */
  name: text.optional(),
  /** What it trained on: a file's path, a song's title, "12 songs". */
  trainedOn: text.optional(),
  savedAt,
  request: z.object(RUN_REQUEST_SCHEMA.shape),
  /** Loss and accuracy at each epoch. */
  history: HISTORY_SCHEMA,
  result: TRAINING_RESULT_SCHEMA,
  unsaved
})

/** A run that ended in an error other than Stop (the training process crashed…): what it was, its curve so far and why. */
export const FAILED_RUN_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  savedAt,
  status: z.literal('failed'),
  request: z.object(RUN_REQUEST_SCHEMA.shape),
  history: HISTORY_SCHEMA,
  error: SERIALIZED_ERROR_SCHEMA,
  unsaved
})

// ── The studio ──────────────────────────────────────────────────────────────────────────────
export const APP_INFO_SCHEMA = z.object({
  name: text,
  version: text,
  /** Electron's version, or null where the UI runs in a plain browser (web mode). */
  electron: text.nullable()
})

/** The person's choices that outlive a session. */
export const STUDIO_SETTINGS_SCHEMA = z.strictObject({
  language: z.enum(['en', 'ko']).optional(),
  /** MIDI input (Web MIDI, never SysEx) asked for by the desktop app; off unless turned on. */
  midiInput: z.boolean().optional()
})

export const LIBRARY_VIEW_SCHEMA = z.object({
  /** The song last edited, or null on a first start. */
  song: songText.nullable(),
  settings: STUDIO_SETTINGS_SCHEMA,
  runs: z.array(RUN_RECORD_SCHEMA),
  /** Runs that failed, oldest first (absent where the host keeps none). */
  failedRuns: z.array(FAILED_RUN_SCHEMA).optional(),
  /** Files that could not be read and were skipped. */
  problems: z.array(longText)
})

// ── Project files ───────────────────────────────────────────────────────────────────────────
/**
 * A file of a run's saved model, as a project names it: letters, digits, dots, dashes and
 * underscores, never a path (no slash, no `..`), so a crafted project cannot write outside the
 * run's models folder.
 */
export const MODEL_FILE_NAME_SCHEMA = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'not a model file name (letters, digits, dots, dashes)')
  .refine((name) => !name.includes('..'), 'not a model file name (two dots)')

/** Bytes in base64 (the padded alphabet only: Node's decoder would skip anything else silently). */
export const BASE64_SCHEMA = z
  .string()
  .max(Math.ceil(PROJECT_MAX_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
  .refine((text) => text.length % 4 === 0, 'not base64 (its length is not a multiple of 4)')

export const PROJECT_FORMAT = 'melody-studio-project'
/** A project file's extension: Open reads a file of it as a project instead of a song. */
export const PROJECT_EXTENSION = 'mstudio'

/** Whether a file name is a project's (`.mstudio`). */
export function isProjectFileName(fileName: string): boolean {
  return fileName.toLowerCase().endsWith(`.${PROJECT_EXTENSION}`)
}

/**
 * A project file (`.mstudio`, JSON): a song as its text and the runs trained on it, each its
 * record as the library keeps it and its saved model's files in base64 by file name. A record is
 * checked by runRecordFromJson (usecases/runRecords), which reads every version and migrates old
 * ones; here it is any value, so an old record is not refused before it can be migrated.
 */
export const PROJECT_FILE_SCHEMA = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(1),
  savedAt: z.string().max(64),
  song: z.object({ abc: songText }),
  runs: z
    .array(
      z.object({
        record: z.unknown(),
        model: z.record(MODEL_FILE_NAME_SCHEMA, BASE64_SCHEMA).refine((files) => Object.keys(files).length <= PROJECT_MAX_MODEL_FILES, `at most ${PROJECT_MAX_MODEL_FILES} files`)
      })
    )
    .max(PROJECT_MAX_RUNS)
})

/** A project opened: the song's text for the editor and the project's runs, now in the library. */
export const OPENED_PROJECT_SCHEMA = z.object({ song: songText, runs: z.array(RUN_RECORD_SCHEMA).max(PROJECT_MAX_RUNS) })

/**
 * The desktop app's File menu, told to the page: run a command as its shortcut does (Open…, Save
 * project), or read a file the menu opened (Open recent) as the page's Open reads one.
 */
export const MENU_COMMAND_SCHEMA = z.discriminatedUnion('command', [
  z.object({ command: z.literal('open') }),
  z.object({ command: z.literal('save') }),
  z.object({ command: z.literal('openFile'), fileName, base64: BASE64_SCHEMA })
])
