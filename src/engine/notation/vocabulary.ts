import { saying, type EngineSaying } from '../../shared/engineMessages'
import { SongError } from '../errors'
import { TICKS_PER_WHOLE, type Melody } from './melody'
import { melodyToNoteCodes, melodyToWholeNoteCodes, noteCodeMidiPitch, noteCodeToString, readNoteCode, type NoteCode, type PlacedNoteCode } from './noteCodes'

/**
 * A vocabulary maps note codes to class indices. The seed's 14-code table (`c4`…`b4` = 0…6,
 * `c8`…`b8` = 7…13) reproduces the tutorial exactly; any other song gets a table built from
 * its own codes.
 */
export interface Vocabulary {
  readonly kind: 'seed' | 'song'
  /** index → code */
  readonly codes: readonly string[]
}

export type VocabularyChoice = 'auto' | 'seed' | 'song'

export const SEED_VOCABULARY: Vocabulary = {
  kind: 'seed',
  codes: ['c4', 'd4', 'e4', 'f4', 'g4', 'a4', 'b4', 'c8', 'd8', 'e8', 'f8', 'g8', 'a8', 'b8']
}

/** Length in whole notes: a quarter is 0.25, a dotted quarter 0.375. */
export function noteDuration(note: NoteCode): number {
  return note.ticks / TICKS_PER_WHOLE
}

/** Sort key for pitches: low to high, rests after every pitch. */
function pitchRank(note: NoteCode): number {
  return noteCodeMidiPitch(note) ?? Number.MAX_SAFE_INTEGER
}

function parseVocabularyCode(code: string): NoteCode {
  const note = readNoteCode(code)
  if (!note) throw new Error(`vocabulary holds '${code}', which is not a note code`)
  return note
}

/** Sort key for lengths: longest first, a tied piece right after the untied code of its length. */
function lengthRank(note: NoteCode): number {
  return -2 * note.ticks + (note.tied ? 1 : 0)
}

/**
 * Codes ordered as the seed orders them: longer notes first, then pitch low to high, rests last
 * (a tied piece after the untied codes of its length).
 */
export function vocabularyFromNotes(notes: readonly NoteCode[]): Vocabulary {
  const distinct = new Map<string, NoteCode>()
  for (const note of notes) distinct.set(noteCodeToString(note), note)
  const ordered = [...distinct.entries()].sort(([, a], [, b]) => {
    const byLength = lengthRank(a) - lengthRank(b)
    return byLength !== 0 ? byLength : pitchRank(a) - pitchRank(b)
  })
  return { kind: 'song', codes: ordered.map(([code]) => code) }
}

/** The distinct codes of `notes` that the vocabulary has not got, in the order they first come. */
export function codesOutside(notes: readonly NoteCode[], vocabulary: Vocabulary): string[] {
  const known = new Set(vocabulary.codes)
  return [...new Set(notes.map(noteCodeToString))].filter((code) => !known.has(code))
}

/**
 * A few codes named and the rest counted, for messages: `c:1200, f2-, g:96 and 4 more`. A
 * vocabulary runs to a hundred codes or more, too many to read in a message.
 */
export function nameSomeCodes(codes: readonly string[], most = 5): string {
  const named = codes.slice(0, most)
  const more = codes.length - named.length
  if (more > 0) return `${named.join(', ')} and ${more} more`
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : (named[0] ?? '')
}

/**
 * `auto` takes the seed's table when every code of the song is in it (so 나비야 trains exactly as
 * in the tutorial), else a table built from the song.
 * @throws SongError when `seed` is asked for and the song uses a code outside the seed's table
 */
export function chooseVocabulary(notes: readonly PlacedNoteCode[], choice: VocabularyChoice = 'auto'): Vocabulary {
  if (choice === 'song') return vocabularyFromNotes(notes)
  const outside = notes.find((note) => !SEED_VOCABULARY.codes.includes(noteCodeToString(note)))
  if (!outside) return SEED_VOCABULARY
  if (choice === 'seed') {
    throw new SongError(
      `${outside.line > 0 ? `line ${outside.line}, column ${outside.column}` : `note ${outside.column}`}: '${noteCodeToString(outside)}' is not in the seed's 14-code vocabulary (c4…b4, c8…b8); use the song's own vocabulary`
    )
  }
  return vocabularyFromNotes(notes)
}

/**
 * Says which notes of a song (its codes outside a model's vocabulary, as `codesOutside` gives
 * them) the model does not know, the first few by name and the rest counted; never the
 * vocabulary itself, which runs to a hundred codes or more.
 */
export function unknownNotesMessage(outside: readonly string[]): EngineSaying {
  return outside.length === 1 ? saying('noteNotKnown', { note: outside[0] ?? '' }) : saying('notesNotKnown', { count: outside.length, notes: nameSomeCodes(outside) })
}

/**
 * A melody as a model's class indices, to prime a continuation: as tied pieces of standard
 * lengths, or, for a model saved before odd lengths were split (its vocabulary holds `:N`
 * codes), each note whole, as that model learnt its song.
 * @throws SongError naming (some of) the notes the model does not know
 */
export function primeIndices(melody: Melody, vocabulary: Vocabulary): number[] {
  const pieces = melodyToNoteCodes(melody)
  const outside = codesOutside(pieces, vocabulary)
  if (outside.length === 0) return indexNotes(pieces, vocabulary)
  if (vocabulary.codes.some((code) => code.includes(':'))) {
    const whole = melodyToWholeNoteCodes(melody)
    if (codesOutside(whole, vocabulary).length === 0) return indexNotes(whole, vocabulary)
  }
  throw new SongError(unknownNotesMessage(outside))
}

export function indexNotes(notes: readonly NoteCode[], vocabulary: Vocabulary): number[] {
  return notes.map((note) => {
    const code = noteCodeToString(note)
    const index = vocabulary.codes.indexOf(code)
    if (index < 0) throw new SongError(`'${code}' is not in the vocabulary`)
    return index
  })
}

/**
 * Number of output classes. The seed one-hot encodes labels with Keras's `to_categorical`,
 * which makes (highest label present + 1) classes: 12 for 나비야, not 14. We keep that for the
 * seed's table so parameter counts and results match the tutorial.
 */
export function outputClassCount(vocabulary: Vocabulary, labels: readonly number[]): number {
  if (vocabulary.kind === 'seed') return Math.max(...labels) + 1
  return vocabulary.codes.length
}

export type InputEncodingKind = 'index' | 'pitch-length' | 'token'

/** How one note becomes the numbers a model sees at one time step. */
export interface InputEncoding {
  readonly kind: InputEncodingKind
  readonly featureCount: 1 | 2
  encode(index: number): number[]
}

/**
 * `index`: class index / highest index (the seed's `/ 13`).
 * `pitch-length`: pitch rank / (pitches − 1) and length rank / (lengths − 1), ranks taken over the
 * vocabulary (lowest pitch first, rests last; longest length first). For the seed's table this is the seed's
 * two features exactly: pitch c…b / 6, and 4 → 0, 8 → 1. A tied piece's length ranks on its own,
 * after the untied length: `c2-` and `c2` are different notes (the first goes on), and the model sees that.
 */
export function makeInputEncoding(kind: InputEncodingKind, vocabulary: Vocabulary): InputEncoding {
  // token ids as they are, for a model whose first layer is an Embedding
  if (kind === 'token') return { kind, featureCount: 1, encode: (index) => [index] }
  const features = codeFeatures(notePartsOf(vocabulary), kind)
  return {
    kind,
    featureCount: kind === 'index' ? 1 : 2,
    encode: (index) => {
      const feature = features[index]
      if (!feature) throw new RangeError(`class ${index} is outside the vocabulary of ${vocabulary.codes.length} codes`)
      return feature
    }
  }
}

/**
 * Each code's numbers as the seed feeds them (see `makeInputEncoding`): `index`, code / highest code;
 * `pitch-length`, its pitch rank and length rank each scaled to 0…1.
 */
export function codeFeatures(parts: NoteParts, kind: 'index' | 'pitch-length'): number[][] {
  const maxIndex = Math.max(parts.pitchOf.length - 1, 1)
  const scale = (rank: number, count: number): number => (count > 1 ? rank / (count - 1) : 0)
  return parts.pitchOf.map((pitch, code) => (kind === 'index' ? [code / maxIndex] : [scale(pitch, parts.pitches), scale(parts.lengthOf[code] ?? 0, parts.lengths)]))
}

/**
 * Each code of a vocabulary as its pitch and its length, each an index into the vocabulary's own
 * pitches (lowest first, rests last) and lengths (longest first, a tied piece after the untied
 * length): what a pitch-and-length model reads and predicts, and what marks a wrong prediction
 * as a wrong pitch or a wrong length.
 */
export interface NoteParts {
  readonly pitchOf: readonly number[]
  readonly lengthOf: readonly number[]
  readonly pitches: number
  readonly lengths: number
}

export function notePartsOf(vocabulary: Vocabulary): NoteParts {
  const notes = vocabulary.codes.map(parseVocabularyCode)
  const pitches = [...new Set(notes.map(pitchRank))].sort((a, b) => a - b)
  const lengths = [...new Set(notes.map(lengthRank))].sort((a, b) => a - b)
  return {
    pitchOf: notes.map((note) => pitches.indexOf(pitchRank(note))),
    lengthOf: notes.map((note) => lengths.indexOf(lengthRank(note))),
    pitches: pitches.length,
    lengths: lengths.length
  }
}
