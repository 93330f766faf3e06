import { CORPUS_SCHEMES, DEFAULT_CORPUS_SCHEME, defaultCorpusScheme, type CorpusScheme } from '../shared/studioNames'
import { splitTunesForValidation } from './dataset/corpus'
import { buildSequenceDataset, type SequenceDataset } from './dataset/sequences'
import { buildWindowDataset, type WindowDataset } from './dataset/windows'
import { OptionError, SongError } from './errors'
import { sequenceLayers } from './models/build'
import { modelEncoding, resolveModelSpec, SEED_DEFAULTS, type ModelKind, type ModelOptions, type ModelSpec } from './models/spec'
import { abcToMelodies } from './notation/abcIn'
import type { Melody } from './notation/melody'
import { importSong, songFormatOf } from './notation/songFiles'
import { melodyToNoteCodes, type NoteCode } from './notation/noteCodes'
import { indexNotes, makeInputEncoding, vocabularyFromNotes, type InputEncoding, type Vocabulary } from './notation/vocabulary'
import { seededRandom } from './training/random'

/** One song of a corpus: a tune of an ABC book, a MIDI file, … */
export interface CorpusSong {
  readonly title: string
  readonly melody: Melody
}

/**
 * The songs of a set of files: every tune of an ABC tune book, the melody of each MIDI file or
 * note-code file. A file that is not a song, or holds none, is named in `skipped` with the reason;
 * the rest still count.
 */
export function corpusSongsFromFiles(files: readonly { readonly name: string; readonly bytes: Uint8Array }[]): { songs: CorpusSong[]; skipped: string[] } {
  const songs: CorpusSong[] = []
  const skipped: string[] = []
  for (const file of files) {
    const format = songFormatOf(file.name)
    if (!format) {
      skipped.push(`${file.name}: not a song file (.abc, .mid, .codes)`)
      continue
    }
    try {
      if (format === 'abc') {
        const tunes = abcToMelodies(new TextDecoder().decode(file.bytes)).tunes
        const before = songs.length
        for (const tune of tunes) if (tune.melody) songs.push({ title: `${file.name} X:${tune.number} ${tune.title}`.trim(), melody: tune.melody })
        if (songs.length === before) skipped.push(`${file.name}: no tune with notes`)
      } else {
        songs.push({ title: file.name, melody: importSong(file.bytes, format).melody })
      }
    } catch (error) {
      skipped.push(`${file.name}: ${(error as Error).message}`)
    }
  }
  return { songs, skipped }
}

export interface CorpusTrainingOptions extends ModelOptions {
  /** Share of the songs held out for validation, split by song (default 0.1). */
  readonly validationShare?: number
  /** Seed of the split (default the model's seed). */
  readonly splitSeed?: number
  /** Add each training song transposed by ±1…±N semitones where it stays within the corpus's range. */
  readonly transpose?: number
  /**
   * How the songs are trained on: 'windows', each window predicts the one note after it, or
   * 'sequence', the loss at every step of each window with the state carried from one window of a
   * song to the next (truncated backpropagation through time; the batch is the streams, at most one
   * per training song). Default: `defaultCorpusScheme` (sequences for recurrent models).
   */
  readonly scheme?: CorpusScheme
}

/**
 * Parallel streams (the batch) of a sequence run that asks for no batch size: the seed presets'
 * stateful batch of 1 would walk a tune book one tune at a time. 32 lanes of the jigs keep about
 * 80 % of steps real (the rest pads tunes to whole windows) and train 20,000 tokens a second.
 */
export const SEQUENCE_DEFAULT_STREAMS = 32

// declared once in shared/studioNames, where the contract and the UI read them too
export { CORPUS_SCHEMES, DEFAULT_CORPUS_SCHEME, defaultCorpusScheme, type CorpusScheme }

/** Everything between many songs and a model ready to train on them. */
export interface CorpusTrainingSetup {
  readonly vocabulary: Vocabulary
  readonly encoding: InputEncoding
  readonly spec: ModelSpec
  /** Windows of the training songs (and their transpositions), never across a song's end. */
  readonly dataset: WindowDataset
  /** Windows of the held-out songs. */
  readonly validation: WindowDataset
  readonly trainingTitles: string[]
  readonly validationTitles: string[]
  /** The held-out songs themselves, in the split's order. */
  readonly validationSongs: CorpusSong[]
  /** Training songs added by transposition. */
  readonly transposed: number
  readonly scheme: CorpusScheme
  /** Sequence scheme: the training songs as sequences (then `dataset` and `validation` hold no windows). */
  readonly sequences?: SequenceDataset
  /** Sequence scheme: the held-out songs, each walked whole from a zero state. */
  readonly validationSequences?: SequenceDataset
}

function transposed(melody: Melody, semitones: number): Melody {
  return { ...melody, notes: melody.notes.map((note) => (note.pitch === null ? note : { ...note, pitch: note.pitch + semitones })) }
}

function pitchRange(melodies: readonly Melody[]): { low: number; high: number } {
  let low = Infinity
  let high = -Infinity
  for (const melody of melodies) {
    for (const note of melody.notes) {
      if (note.pitch === null) continue
      low = Math.min(low, note.pitch)
      high = Math.max(high, note.pitch)
    }
  }
  return { low, high }
}

function windowsOf(songs: readonly NoteCode[][], vocabulary: Vocabulary, window: number, encoding: InputEncoding): WindowDataset {
  const parts = songs.filter((codes) => codes.length > window).map((codes) => buildWindowDataset(indexNotes(codes, vocabulary), window, encoding))
  return {
    window,
    rows: parts.flatMap((part) => part.rows),
    inputs: parts.flatMap((part) => part.inputs),
    labels: parts.flatMap((part) => part.labels)
  }
}

/**
 * Stateful training over many songs: the songs are dealt into `streams` parallel streams (the
 * batch rows), longest first to the shortest stream, and their windows interleaved so that
 * batch k holds window k of every stream. A window that starts a song is marked, and the trainer
 * zeroes that row's state before it. Streams are cut to the shortest one's length.
 * @throws OptionError when there are fewer songs than streams
 */
export function streamWindows(songs: readonly NoteCode[][], vocabulary: Vocabulary, window: number, encoding: InputEncoding, streams: number): WindowDataset {
  const perSong = songs
    .filter((codes) => codes.length > window)
    .map((codes) => buildWindowDataset(indexNotes(codes, vocabulary), window, encoding))
    .sort((a, b) => b.labels.length - a.labels.length)
  if (perSong.length < streams) throw new OptionError(`${streams} parallel streams need at least ${streams} songs, got ${perSong.length}`)
  const lanes: { rows: number[][]; inputs: number[][][]; labels: number[]; starts: boolean[] }[] = Array.from({ length: streams }, () => ({ rows: [], inputs: [], labels: [], starts: [] }))
  for (const song of perSong) {
    const lane = lanes.reduce((shortest, candidate) => (candidate.labels.length < shortest.labels.length ? candidate : shortest))
    song.labels.forEach((label, i) => {
      lane.rows.push(song.rows[i] ?? [])
      lane.inputs.push(song.inputs[i] ?? [])
      lane.labels.push(label)
      lane.starts.push(i === 0)
    })
  }
  const length = Math.min(...lanes.map((lane) => lane.labels.length))
  const dataset = { window, rows: [] as number[][], inputs: [] as number[][][], labels: [] as number[], starts: [] as boolean[] }
  for (let k = 0; k < length; k++) {
    for (const lane of lanes) {
      dataset.rows.push(lane.rows[k] ?? [])
      dataset.inputs.push(lane.inputs[k] ?? [])
      dataset.labels.push(lane.labels[k] ?? 0)
      dataset.starts.push(lane.starts[k] ?? false)
    }
  }
  return dataset
}

/**
 * Splits the songs by song into training and validation (seeded), augments the training songs
 * by transposition if asked, builds one vocabulary over all of them and the windows of each song.
 * A window never spans two songs; a stateful model walks the songs as parallel streams (see
 * `streamWindows`), its state zeroed where each song starts.
 * @throws OptionError for options out of range; SongError when too few songs have notes
 */
export function prepareCorpusTraining(songs: readonly CorpusSong[], kind: ModelKind, options: CorpusTrainingOptions = {}): CorpusTrainingSetup {
  const window = options.window ?? SEED_DEFAULTS.window
  const share = options.validationShare ?? 0.1
  if (!(share > 0 && share < 1)) throw new OptionError(`validation share must be between 0 and 1, got ${share}`)
  const transpose = options.transpose ?? 0
  if (!Number.isInteger(transpose) || transpose < 0 || transpose > 12) throw new OptionError(`transposition must be a whole number of semitones from 0 to 12, got ${transpose}`)
  const usable = songs.filter((song) => song.melody.notes.some((note) => note.pitch !== null) && melodyToNoteCodes(song.melody).length > window)
  if (usable.length < 2) throw new SongError(`a corpus needs at least 2 songs longer than the window of ${window} notes, got ${usable.length}`)
  const split = splitTunesForValidation(usable, share, seededRandom(options.splitSeed ?? options.seed ?? SEED_DEFAULTS.seed))
  if (split.validation.length === 0) throw new OptionError(`a validation share of ${share} leaves no song of ${usable.length} for validation`)
  const range = pitchRange(split.training.map((song) => song.melody))
  const augmented: Melody[] = []
  for (const song of split.training) {
    for (let shift = -transpose; shift <= transpose; shift++) {
      if (shift === 0) continue
      const { low, high } = pitchRange([song.melody])
      if (low + shift >= range.low && high + shift <= range.high) augmented.push(transposed(song.melody, shift))
    }
  }
  const trainingCodes = [...split.training.map((song) => song.melody), ...augmented].map(melodyToNoteCodes)
  const validationCodes = split.validation.map((song) => melodyToNoteCodes(song.melody))
  const vocabulary = vocabularyFromNotes([...trainingCodes.flat(), ...validationCodes.flat()])
  const encoding = makeInputEncoding(modelEncoding(kind, options), vocabulary)
  const scheme = options.scheme ?? defaultCorpusScheme(kind, options.layers, options.graph !== undefined)
  if (!(CORPUS_SCHEMES as readonly string[]).includes(scheme)) throw new OptionError(`scheme must be one of ${CORPUS_SCHEMES.join(', ')}, got '${String(scheme)}'`)
  if (scheme === 'sequence') {
    if (kind === 'mlp' && !options.layers) throw new OptionError('sequence training needs a recurrent model: an MLP sees one window at a time, train it with windows')
    // the state is carried from window to window: stateful, one lane per batch row; fewer songs
    // than the batch asks for make as many lanes as there are songs, not an error
    const songsToDeal = trainingCodes.filter((codes) => codes.length >= 2).length
    const streams = Math.min(options.batchSize ?? SEQUENCE_DEFAULT_STREAMS, songsToDeal)
    const spec = resolveModelSpec(kind, { ...options, stateful: true, batchSize: streams }, vocabulary.codes.length, vocabulary)
    sequenceLayers(spec)
    const tokens = (songs: NoteCode[][]) => songs.map((codes) => indexNotes(codes, vocabulary))
    const empty: WindowDataset = { window, rows: [], inputs: [], labels: [] }
    return {
      vocabulary,
      encoding,
      spec,
      dataset: empty,
      validation: empty,
      trainingTitles: split.training.map((song) => song.title),
      validationTitles: split.validation.map((song) => song.title),
      validationSongs: split.validation,
      transposed: augmented.length,
      scheme,
      sequences: buildSequenceDataset(tokens(trainingCodes), window, spec.batchSize),
      validationSequences: buildSequenceDataset(tokens(validationCodes), window, spec.batchSize, { emptyLanes: true })
    }
  }
  const spec = resolveModelSpec(kind, options, vocabulary.codes.length, vocabulary)
  const build = (songs: NoteCode[][]) =>
    spec.stateful ? streamWindows(songs, vocabulary, window, encoding, spec.batchSize) : windowsOf(songs, vocabulary, window, encoding)
  return {
    vocabulary,
    encoding,
    spec,
    dataset: build(trainingCodes),
    validation: build(validationCodes),
    trainingTitles: split.training.map((song) => song.title),
    validationTitles: split.validation.map((song) => song.title),
    validationSongs: split.validation,
    transposed: augmented.length,
    scheme
  }
}
