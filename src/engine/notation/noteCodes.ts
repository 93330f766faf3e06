import { SONG_MAX_NOTES } from '../../shared/limits'
import { LimitError, SongError, SongSyntaxError } from '../errors'
import { checkMelodyLimits } from './melodyLimits'
import { C_MAJOR, DEFAULT_METER, DEFAULT_TEMPO, TICKS_PER_WHOLE, type Melody, type MelodyNote } from './melody'

/**
 * The seed tutorial's note codes: a pitch letter c–b in the octave from middle C (or `r` for a
 * rest), a length 1/2/4/8/16 (whole … sixteenth), and an optional `.` for dotted: `g8 e4 c4. r8`.
 * `|` (bar lines) is ignored, `#` starts a comment that runs to the end of the line.
 *
 * Extended so that any melody can be written: `^` sharp or `_` flat before the letter, `'` (an
 * octave up) or `,` (down) after it as in ABC, 32 for a thirty-second, `t` after the length for a
 * triplet, and `:N` for any other length in ticks (480 a quarter): `^f'8 b,4 e8t c:600`.
 *
 * A trailing `-` ties a note to the next code when that has the same pitch, as in ABC: `c2- c8`
 * is one c lasting five eighths. Melodies are written with ties rather than `:N` (see
 * `inStandardLengths`), so a song's odd lengths come to the standard lengths every song has.
 */
export const PITCH_LETTERS = ['c', 'd', 'e', 'f', 'g', 'a', 'b'] as const
export type PitchLetter = (typeof PITCH_LETTERS)[number]
const SEMITONES: Record<PitchLetter, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 }
const LENGTHS = [1, 2, 4, 8, 16, 32] as const

export interface NoteCode {
  readonly pitch: PitchLetter | 'r'
  /** −1 flat, 0 none, +1 sharp. */
  readonly accidental: -1 | 0 | 1
  /** Octaves above (or below, < 0) the one from middle C. */
  readonly octave: number
  /** Length in ticks, 480 to a quarter note. */
  readonly ticks: number
  /** Tied to the next code: one note goes on through it when that code has the same pitch. Never on a rest. */
  readonly tied?: boolean
}

/** A note code with where it stood in the text (1-based), for error messages and editors. */
export interface PlacedNoteCode extends NoteCode {
  readonly line: number
  readonly column: number
}

const NOTE_CODE_PATTERN = /^([\^_]?)([a-gr])('*|,*)(?:(32|16|1|2|4|8)(\.|t)?|:(\d+))(-?)$/

function lengthText(ticks: number): string {
  for (const length of LENGTHS) {
    const plain = TICKS_PER_WHOLE / length
    if (ticks === plain) return String(length)
    if (ticks === plain * 1.5) return `${length}.`
    if (ticks * 3 === plain * 2) return `${length}t`
  }
  return `:${ticks}`
}

export function noteCodeToString(note: NoteCode): string {
  const accidental = note.accidental === 1 ? '^' : note.accidental === -1 ? '_' : ''
  const octave = note.octave > 0 ? "'".repeat(note.octave) : ','.repeat(-note.octave)
  return `${accidental}${note.pitch}${octave}${lengthText(note.ticks)}${note.tied ? '-' : ''}`
}

/** Reads one code (`e8`, `c4.`, `r2`, `^f'8t`); undefined when the text is not a code. */
export function readNoteCode(text: string): NoteCode | undefined {
  const match = NOTE_CODE_PATTERN.exec(text)
  if (!match) return undefined
  const [, accidental = '', pitch, octaveMarks = '', length, modifier, rawTicks, tie] = match
  if (pitch === 'r' && (accidental !== '' || octaveMarks !== '' || tie === '-')) return undefined
  let ticks: number
  if (rawTicks !== undefined) {
    ticks = Number(rawTicks)
    if (ticks <= 0) return undefined
  } else {
    ticks = TICKS_PER_WHOLE / Number(length)
    if (modifier === '.') ticks *= 1.5
    if (modifier === 't') ticks = (ticks * 2) / 3
  }
  return {
    pitch: pitch as PitchLetter | 'r',
    accidental: accidental === '^' ? 1 : accidental === '_' ? -1 : 0,
    octave: octaveMarks.startsWith("'") ? octaveMarks.length : -octaveMarks.length,
    ticks,
    ...(tie === '-' ? { tied: true } : {})
  }
}

/** MIDI note number of a code, null for a rest. */
export function noteCodeMidiPitch(note: NoteCode): number | null {
  if (note.pitch === 'r') return null
  return 60 + SEMITONES[note.pitch] + note.accidental + 12 * note.octave
}

const SHARP_SPELLING: readonly [PitchLetter, -1 | 0 | 1][] = [
  ['c', 0], ['c', 1], ['d', 0], ['d', 1], ['e', 0], ['f', 0], ['f', 1], ['g', 0], ['g', 1], ['a', 0], ['a', 1], ['b', 0]
]

/** The code of a MIDI pitch (black keys spelled with sharps) for a length in ticks. */
export function noteCodeFor(pitch: number | null, ticks: number): NoteCode {
  if (pitch === null) return { pitch: 'r', accidental: 0, octave: 0, ticks }
  const fromC = pitch - 60
  const octave = Math.floor(fromC / 12)
  const [letter, accidental] = SHARP_SPELLING[fromC - octave * 12] as [PitchLetter, -1 | 0 | 1]
  return { pitch: letter, accidental, octave, ticks }
}

/**
 * @throws SongSyntaxError naming the line, column and token of the first unknown code
 * @throws SongError when the text holds no notes at all
 */
export function parseNoteCodes(text: string): PlacedNoteCode[] {
  const notes: PlacedNoteCode[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((rawLine, lineIndex) => {
    const commentAt = rawLine.indexOf('#')
    const line = commentAt >= 0 ? rawLine.slice(0, commentAt) : rawLine
    for (const match of line.matchAll(/[^\s|]+/g)) {
      const token = match[0]
      const column = (match.index ?? 0) + 1
      const note = readNoteCode(token)
      if (!note) {
        throw new SongSyntaxError(
          lineIndex + 1,
          column,
          token,
          `unknown note code '${token}' (expected a pitch c–b or r, a length 1, 2, 4, 8 or 16, and an optional '.', as in 'g8' or 'c4.'; '-' after a note ties it to the next)`
        )
      }
      notes.push({ ...note, line: lineIndex + 1, column })
    }
  })
  if (notes.length === 0) throw new SongError('the song is empty: it has no note codes')
  return notes
}

export function noteCodesToText(notes: readonly NoteCode[], codesPerLine = 16): string {
  const lines: string[] = []
  for (let i = 0; i < notes.length; i += codesPerLine) {
    lines.push(notes.slice(i, i + codesPerLine).map(noteCodeToString).join(' '))
  }
  return lines.join('\n') + '\n'
}

/**
 * Note codes played one after another as melody notes. A tied code and the code after it are
 * one note when both have the same pitch (`c2- c8`: one c of five eighths); a tie before another
 * pitch or a rest only ends the note there. Rests in a row are one rest, as a melody holds them.
 * `noteOfCode[i]` is the melody note that code i became part of.
 */
export function joinNoteCodes(codes: readonly NoteCode[]): { notes: MelodyNote[]; noteOfCode: number[] } {
  const notes: MelodyNote[] = []
  const noteOfCode: number[] = []
  let start = 0
  let previous: NoteCode | undefined
  for (const code of codes) {
    const pitch = noteCodeMidiPitch(code)
    const last = notes.at(-1)
    const goesOn = last !== undefined && last.pitch === pitch && (pitch === null || previous?.tied === true)
    if (goesOn) notes[notes.length - 1] = { ...last, durationTicks: last.durationTicks + code.ticks }
    else notes.push({ pitch, startTicks: start, durationTicks: code.ticks })
    noteOfCode.push(notes.length - 1)
    start += code.ticks
    previous = code
  }
  return { notes, noteOfCode }
}

/** Note codes played one after another (ties joined), at a tempo and meter of the caller's choosing. */
export function noteCodesToMelody(
  notes: readonly NoteCode[],
  options: { title?: string; tempo?: number; meter?: Melody['meter'] } = {}
): Melody {
  const melody: Melody = {
    title: options.title ?? '',
    tempo: options.tempo ?? DEFAULT_TEMPO,
    meter: options.meter ?? DEFAULT_METER,
    key: C_MAJOR,
    notes: joinNoteCodes(notes).notes
  }
  checkMelodyLimits(melody)
  return melody
}

/** Plain and dotted lengths, 1 … 32, longest first. */
const STRAIGHT_TICKS = LENGTHS.flatMap((length) => [(TICKS_PER_WHOLE / length) * 1.5, TICKS_PER_WHOLE / length])
/** Triplet lengths, 1 … 32, longest first. */
const TRIPLET_TICKS = LENGTHS.map((length) => (TICKS_PER_WHOLE / length) * (2 / 3))

/** Every length a code has without `:N`, longest first: 1 … 32, plain, dotted and triplet. */
export const STANDARD_TICKS: readonly number[] = [...STRAIGHT_TICKS, ...TRIPLET_TICKS].sort((a, b) => b - a)

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** Every standard length is a multiple of this (10 ticks: 40, 60 and 90 share no more). */
const STANDARD_GRID = STANDARD_TICKS.reduce(gcd)
/** Every plain and dotted length is a multiple of this (30 ticks); no triplet length is. */
const STRAIGHT_GRID = STRAIGHT_TICKS.reduce(gcd)
const LONGEST_TICKS = STANDARD_TICKS[0] as number
const PIECES_TABLE_TICKS = 2 * LONGEST_TICKS
/** A piece costs this much; one of the other kind (a triplet in a straight length, or the reverse) one more. */
const PIECE_COST = 1000

/**
 * cost[n]: the least cost of standard lengths adding up to n grid steps (Infinity: none do),
 * for a straight length or a triplet one: the fewest pieces, then the fewest of the other kind.
 */
function piecesCostTable(straight: boolean): readonly number[] {
  const table = [0]
  for (let steps = 1; steps <= PIECES_TABLE_TICKS / STANDARD_GRID; steps++) {
    let least = Infinity
    for (const ticks of STANDARD_TICKS) least = Math.min(least, (table[steps - ticks / STANDARD_GRID] ?? Infinity) + pieceCost(ticks, straight))
    table.push(least)
  }
  return table
}

function pieceCost(ticks: number, straight: boolean): number {
  return PIECE_COST + ((ticks % STRAIGHT_GRID === 0) === straight ? 0 : 1)
}

const STRAIGHT_COSTS = piecesCostTable(true)
const TRIPLET_COSTS = piecesCostTable(false)

/**
 * The fewest standard lengths that add up to `ticks`, longest first (1680 → 1440 + 240, 1200 →
 * 960 + 240, 600 → 480 + 120), or undefined when no sum of them is exactly `ticks`: lengths off
 * the 10-tick grid (a quintuplet sixteenth, 96 ticks; anything from an odd tuplet or a MIDI file
 * off the grid) and 10, 20, 30, 50, 70 or 110 ticks keep their `:N` code.
 * Longest-first alone is not exact once triplet and straight lengths mix (200 would be 180 and a
 * 20 that no code has, where 160 + 40 is exact), so the pieces come from a table of least cost
 * (coin change): the fewest pieces, and among as few, pieces of the length's own kind (11
 * sixteenths, 1320, is 960 + 360 rather than a triplet whole and a triplet thirty-second, 1280 +
 * 40; 400 is 320 + 80), each piece the longest that still leaves the least. Past 2,990 ticks the
 * fewest pieces always include a dotted whole (checked for every length up to SONG_MAX_QUARTERS),
 * so a longer length takes dotted wholes until what is left is within the table.
 */
export function standardPieces(ticks: number): number[] | undefined {
  if (!Number.isSafeInteger(ticks) || ticks <= 0 || ticks % STANDARD_GRID !== 0) return undefined
  const straight = ticks % STRAIGHT_GRID === 0
  const costs = straight ? STRAIGHT_COSTS : TRIPLET_COSTS
  const cost = (left: number) => costs[left / STANDARD_GRID] ?? Infinity
  const pieces: number[] = []
  let left = ticks
  while (left > PIECES_TABLE_TICKS) {
    pieces.push(LONGEST_TICKS)
    left -= LONGEST_TICKS
  }
  if (cost(left) === Infinity) return undefined
  while (left > 0) {
    const least = cost(left)
    const piece = STANDARD_TICKS.find((length) => length <= left && cost(left - length) + pieceCost(length, straight) === least) as number
    pieces.push(piece)
    left -= piece
  }
  return pieces
}

/**
 * Codes of any length as codes of standard lengths: a note of an odd length becomes tied pieces
 * (`c:1200` → `c2- c8`), a rest rests in a row (`r:1200` → `r2 r8`); other fields (a code's
 * place in its text) go with every piece. A length no pieces give exactly stays as it is.
 *
 * Pieces rather than a class for each odd length (`c:1200`), measured for issue 13 on the
 * Nottingham jigs (ABC; a 5/8 note is their usual odd length), the same model and seeds each
 * way, accuracy counted on whole notes (every piece right):
 * - held out, embedding + LSTM 64, window 8: the 104 jigs with 5/8 notes, 20 epochs, 3 seeds,
 *   own classes 23.4 / 23.7 / 22.0 %, pieces 21.7 / 22.1 / 21.0 %; all 340 jigs, 12 epochs,
 *   2 seeds, 29.3 / 29.2 % against 29.0 / 30.0 %;
 * - one song at a time (12 jigs × 2 seeds, 300 epochs, one-step): stateful-lstm-2f 94.9 %
 *   against 93.2 %, lstm 92.7 % against 93.2 %.
 * Neither trains clearly better (the differences are within the seeds' spread; the note after
 * an odd one came out a little worse with pieces, on some 50 notes). Pieces are kept for what
 * they do to the vocabulary: only standard lengths (length forms over the Nottingham MIDI files
 * 17 → 14, ABC books 21 → 18; codes 257 → 253 and 313 → 306, those seen under 5 times 56 → 54
 * and 100 → 91), every odd length of a pitch sharing its pieces with the others, and
 * continuations that can put together lengths no song had as one code.
 */
export function inStandardLengths<T extends NoteCode>(codes: readonly T[]): T[] {
  return codes.flatMap((code) => {
    if (STANDARD_TICKS.includes(code.ticks)) return [code]
    const pieces = standardPieces(code.ticks)
    if (!pieces) return [code]
    return pieces.map((ticks, i) => {
      const tied = code.pitch !== 'r' && (i < pieces.length - 1 || code.tied === true)
      const { tied: _tied, ...untied } = code
      return { ...untied, ticks, ...(tied ? { tied: true } : {}) } as T
    })
  })
}

/**
 * Each code of a melody with the number (from 1) of the melody note it writes; a gap's rest takes
 * the next note's. `pieces` writes one note or rest as codes (tied pieces, or left whole).
 */
function melodyCodes<T>(melody: Melody, place: (code: NoteCode, noteNumber: number) => T, pieces: (codes: NoteCode[]) => NoteCode[] = inStandardLengths): T[] {
  const codes: T[] = []
  let cursor = 0
  melody.notes.forEach((note, index) => {
    const written = note.startTicks > cursor ? pieces([noteCodeFor(null, note.startTicks - cursor)]) : []
    written.push(...pieces([noteCodeFor(note.pitch, note.durationTicks)]))
    for (const piece of written) codes.push(place(piece, index + 1))
    cursor = note.startTicks + note.durationTicks
    if (codes.length > SONG_MAX_NOTES) {
      throw new LimitError('SONG_MAX_NOTES', `the song comes to more than ${SONG_MAX_NOTES.toLocaleString('en-US')} note codes once its lengths are written as tied pieces`)
    }
  })
  return codes
}

/**
 * A melody as note codes of standard lengths (gaps between notes become rests): a note or rest
 * of an odd length is written as tied pieces (see `inStandardLengths`), which `joinNoteCodes`
 * joins again. The one way a melody becomes codes for training, continuing and export.
 * @throws LimitError when the pieces come to more than SONG_MAX_NOTES codes
 */
export function melodyToNoteCodes(melody: Melody): NoteCode[] {
  return melodyCodes(melody, (code) => code)
}

/**
 * A melody as one code per note and per gap, an odd length as `:N`: how models saved before odd
 * lengths were split into tied pieces learnt their songs (see `primeIndices`).
 */
export function melodyToWholeNoteCodes(melody: Melody): NoteCode[] {
  return melodyCodes(melody, (code) => code, (codes) => codes)
}

/**
 * A melody's codes placed for training: line 0 says they come from no text, and the column is
 * the number of the melody note the code writes (all pieces of a tied note share it), so
 * messages can name "note N".
 */
export function melodyToPlacedCodes(melody: Melody): PlacedNoteCode[] {
  return melodyCodes(melody, (code, noteNumber) => ({ ...code, line: 0, column: noteNumber }))
}
