import { splitTunesForValidation } from './dataset/corpus'
import { buildWindowDataset, type WindowDataset } from './dataset/windows'
import { OptionError, SongError } from './errors'
import { modelEncoding, resolveModelSpec, SEED_DEFAULTS, type ModelKind, type ModelOptions, type ModelSpec } from './models/spec'
import type { Melody } from './notation/melody'
import { melodyToNoteCodes, type NoteCode } from './notation/noteCodes'
import { indexNotes, makeInputEncoding, vocabularyFromNotes, type InputEncoding, type Vocabulary } from './notation/vocabulary'
import { seededRandom } from './training/random'

/** One song of a corpus: a tune of an ABC book, a MIDI file, … */
export interface CorpusSong {
  readonly title: string
  readonly melody: Melody
}

export interface CorpusTrainingOptions extends ModelOptions {
  /** Share of the songs held out for validation, split by song (default 0.1). */
  readonly validationShare?: number
  /** Seed of the split (default the model's seed). */
  readonly splitSeed?: number
  /** Add each training song transposed by ±1…±N semitones where it stays within the corpus's range. */
  readonly transpose?: number
}

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
  /** Training songs added by transposition. */
  readonly transposed: number
  /** The trainer's song checks do not apply to a corpus: no song. */
  readonly song: number[]
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
 * Splits the songs by song into training and validation (seeded), augments the training songs
 * by transposition if asked, builds one vocabulary over all of them and the windows of each song.
 * Stateless training only: a window never spans two songs.
 * @throws OptionError for options out of range or a stateful model; SongError when too few songs have notes
 */
export function prepareCorpusTraining(songs: readonly CorpusSong[], kind: ModelKind, options: CorpusTrainingOptions = {}): CorpusTrainingSetup {
  const window = options.window ?? SEED_DEFAULTS.window
  const share = options.validationShare ?? 0.1
  if (!(share > 0 && share < 1)) throw new OptionError(`validation share must be between 0 and 1, got ${share}`)
  const transpose = options.transpose ?? 0
  if (!Number.isInteger(transpose) || transpose < 0 || transpose > 12) throw new OptionError(`transposition must be a whole number of semitones from 0 to 12, got ${transpose}`)
  if (options.stateful ?? kind.startsWith('stateful')) {
    throw new OptionError('corpus training takes stateless windows; choose a stateless model (stateful streams over many songs are not supported yet)')
  }
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
  const spec = resolveModelSpec(kind, { ...options, stateful: false }, vocabulary.codes.length)
  return {
    vocabulary,
    encoding,
    spec,
    dataset: windowsOf(trainingCodes, vocabulary, window, encoding),
    validation: windowsOf(validationCodes, vocabulary, window, encoding),
    trainingTitles: split.training.map((song) => song.title),
    validationTitles: split.validation.map((song) => song.title),
    transposed: augmented.length,
    song: []
  }
}
