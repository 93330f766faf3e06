/**
 * Every limit on what crosses a boundary (files, IPC, HTTP, the command line, saved models), in
 * one place. Importers, engine, server, CLI and desktop all read these; the README lists them.
 * Each is set where real music, or a model this studio can train, ends, with room to spare:
 * over a limit is one clear error that names the limit, never a crash or an out-of-memory.
 */

// ── Text and files ──────────────────────────────────────────────────────────────────────────
/** ABC text read at once (a tune book). abcjs holds every tune of it in memory. */
export const ABC_MAX_CHARS = 4 * 1024 * 1024
/** A song's ABC text sent from the UI (one song being edited). */
export const SONG_TEXT_MAX_CHARS = 1_000_000
/** One header field (`T:`, `C:`, `Q:` …): real titles are tens of characters. */
export const ABC_FIELD_MAX_CHARS = 1_000
/** One line of ABC: abcjs takes time quadratic in the length of some runs of characters. */
export const ABC_LINE_MAX_CHARS = 4096
/** One tune of a tune book, from its `X:` line to the next (abcjs needs ~250 bytes a note). */
export const TUNE_MAX_CHARS = 128 * 1024
/** Parts played by a `P:` order such as `P:A2B` once expanded. */
export const PART_ORDER_MAX_PARTS = 64
/** A MIDI file read at once. A melody is kilobytes. */
export const MIDI_MAX_BYTES = 16 * 1024 * 1024
/** Events in a MIDI file (a symphony has a few hundred thousand; each costs @tonejs/midi memory). */
export const MIDI_MAX_EVENTS = 1_000_000
/** A file opened from the UI (ABC, MIDI or note codes). */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024
/** A corpus sent to train on: at most this many files, this many bytes in all. */
export const CORPUS_MAX_FILES = 2000
export const CORPUS_MAX_BYTES = 32 * 1024 * 1024

// ── Music ───────────────────────────────────────────────────────────────────────────────────
/** Sounding notes and rests in one song, after repeats and parts are played out. */
export const SONG_MAX_NOTES = 50_000
/** A song's total length in quarter notes (about 3.5 hours at ♩=120). */
export const SONG_MAX_QUARTERS = 25_000
/** One note, and one rest as written in ABC, in quarter notes (16 bars of 4/4). A silence in a
 * MIDI file is one rest however long, bounded by SONG_MAX_QUARTERS. */
export const NOTE_MAX_QUARTERS = 64
/** The smallest length a note may have, as a fraction of a whole note (1/1920 is one tick). */
export const NOTE_MIN_WHOLE_FRACTION = 1 / 512
/** `L:` and `M:` denominators, and `L:` numerators. Music is written in 1/1 … 1/64. */
export const LENGTH_MAX_DENOMINATOR = 512
export const METER_MAX_DENOMINATOR = 64
export const METER_MAX_NUMERATOR = 64
/** One bar, in quarter notes: from 1/16 to 16/4 (shorter bars would fill an export with bar lines). */
export const BAR_MAX_QUARTERS = 16
export const BAR_MIN_QUARTERS = 0.25
/** Notes in one tuplet `(p:q:r`. */
export const TUPLET_MAX_NOTES = 32
/** Notes written in one chord `[…]`. */
export const CHORD_MAX_NOTES = 16
/** Tempo in quarter notes a minute (MIDI holds at most 16.7 s a quarter note, so at least 4). */
export const TEMPO_MIN_BPM = 4
export const TEMPO_MAX_BPM = 1_000
/** Notes a MIDI import or ABC export may produce for one song (rests merged first). */
export const IMPORT_MAX_NOTES = SONG_MAX_NOTES

// ── Training and generation ─────────────────────────────────────────────────────────────────
export const EPOCHS_MAX = 100_000
/** Notes one continuation may add, and continuations asked for at once. */
export const CONTINUE_MAX_NOTES = 2_000
export const CONTINUE_MAX_BARS = 256
export const CONTINUE_MAX_VARIATIONS = 16
/**
 * The memory trace (the results' Memory panel): predictions traced along a song, the LSTM units
 * shown (the first N of the layer's), the candidates listed at each step (the most probable first),
 * and the other steps named as having the same window in with a different note next. 나비야 takes
 * 50 steps; a long song is traced from its start.
 */
export const MEMORY_TRACE_MAX_STEPS = 512
export const MEMORY_TRACE_MAX_UNITS = 32
export const MEMORY_TRACE_TOP_K = 5
export const MEMORY_TRACE_MAX_SAME_WINDOW = 16
/** Trainable parameters of a model (the seed's models have 18,700–68,620; the jigs LSTM 0.9 M). */
export const MODEL_MAX_PARAMS = 20_000_000
/** Estimated memory to train a model: weights, gradients, Adam's two moments and activations. */
export const MODEL_MAX_TRAINING_BYTES = 1024 * 1024 * 1024
/** Layers in one stack, and units in one layer. */
export const MODEL_MAX_LAYERS = 16
export const LAYER_MAX_UNITS = 4096
/**
 * A functional model (Keras's JSON): its layers, inputs and joins together, the calls of one
 * shared layer, the inputs of one join, and the characters of the JSON as typed or read.
 */
export const MODEL_MAX_GRAPH_LAYERS = 64
export const LAYER_MAX_CALLS = 8
export const JOIN_MAX_INPUTS = 8
export const MODEL_GRAPH_MAX_CHARS = 256 * 1024
/**
 * The model's picture (plot_model as SVG): a box per layer and per input, an arrow per read, and
 * its text. Names longer than 48 characters are shortened in it, so a model under the layer
 * limits always fits (modelPlot.test.ts draws the largest).
 */
export const MODEL_PICTURE_MAX_BOXES = 2 * (MODEL_MAX_GRAPH_LAYERS + 4)
export const MODEL_PICTURE_MAX_ARROWS = (MODEL_MAX_GRAPH_LAYERS + 4) * JOIN_MAX_INPUTS
export const MODEL_PICTURE_MAX_CHARS = 1024 * 1024
/** The song's windows the model screen and the guide show (나비야 has 50). */
export const WINDOWS_SHOWN_MAX = 400
/**
 * One TensorBoard events file a run writes (`<saved run>/logs/train/…`, `…/validation/…`). An epoch
 * is tens of bytes a figure: 100,000 epochs (EPOCHS_MAX) of a model with a few heads is a few tens of
 * megabytes; past this the run goes on and its later epochs are not logged.
 */
export const TENSORBOARD_MAX_FILE_BYTES = 64 * 1024 * 1024

// ── Saved files read back ───────────────────────────────────────────────────────────────────
/** A run record (`runs/<id>.json`, `run.json`) or a `model.json` read from disk. */
export const SAVED_JSON_MAX_BYTES = 64 * 1024 * 1024
/** A saved model's weights file. */
export const SAVED_WEIGHTS_MAX_BYTES = 4 * MODEL_MAX_PARAMS
/** Points in a run's saved curve. */
export const HISTORY_MAX_POINTS = EPOCHS_MAX
/** Codes in a saved model's vocabulary (pitches × lengths; a tune book's corpus has a few hundred). */
export const SAVED_VOCABULARY_MAX_CODES = 10_000
/** A saved model's batch size (the UI's schema allows 1–4096): a stateful model holds state for each row. */
export const SAVED_BATCH_MAX_SIZE = 4096

// ── Project files ───────────────────────────────────────────────────────────────────────────
/** A project file (a song, its runs and their saved models, as JSON with the models in base64).
 * A song's model is tens of kilobytes; the web API's request body (REQUEST_BODY_MAX_BYTES) takes
 * this much in base64. */
export const PROJECT_MAX_BYTES = 32 * 1024 * 1024
/** Runs in one project file (a song trained a few dozen times has a few dozen). */
export const PROJECT_MAX_RUNS = 500
/** Files of one run's saved model in a project (model.json and weights.bin today). */
export const PROJECT_MAX_MODEL_FILES = 8

// ── Web mode ────────────────────────────────────────────────────────────────────────────────
/** A request's body: a corpus's files or a project file in base64, with room for the JSON around them. */
export const REQUEST_BODY_MAX_BYTES = Math.ceil(Math.max(CORPUS_MAX_BYTES, PROJECT_MAX_BYTES) / 3) * 4 + 1024 * 1024
/** A request's URL (path and query). */
export const URL_MAX_CHARS = 4096

// ── Audio ───────────────────────────────────────────────────────────────────────────────────
/** The sound font shipped in resources/soundfont (the app's download and install size). */
export const SOUND_FONT_MAX_BYTES = 30 * 1024 * 1024
/** Audio rendered from one song (WAV, MP3), in seconds, the instrument's last ring included.
 * Stereo float samples at 44.1 kHz are 353 KB a second while rendering and a WAV is half that:
 * ten minutes is a 106 MB WAV, far past any melody here, and still one file the UI can save. */
export const AUDIO_MAX_SECONDS = 10 * 60
/** Sample rates audio may be rendered at (8 kHz telephone to 96 kHz studio). */
export const AUDIO_MIN_SAMPLE_RATE = 8_000
export const AUDIO_MAX_SAMPLE_RATE = 96_000
