import { SongError, SongSyntaxError } from '../errors'
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
}

/** A note code with where it stood in the text (1-based), for error messages and editors. */
export interface PlacedNoteCode extends NoteCode {
  readonly line: number
  readonly column: number
}

const NOTE_CODE_PATTERN = /^([\^_]?)([a-gr])('*|,*)(?:(32|16|1|2|4|8)(\.|t)?|:(\d+))$/

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
  return `${accidental}${note.pitch}${octave}${lengthText(note.ticks)}`
}

/** Reads one code (`e8`, `c4.`, `r2`, `^f'8t`); undefined when the text is not a code. */
export function readNoteCode(text: string): NoteCode | undefined {
  const match = NOTE_CODE_PATTERN.exec(text)
  if (!match) return undefined
  const [, accidental = '', pitch, octaveMarks = '', length, modifier, rawTicks] = match
  if (pitch === 'r' && (accidental !== '' || octaveMarks !== '')) return undefined
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
    ticks
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
          `unknown note code '${token}' (expected a pitch c–b or r, a length 1, 2, 4, 8 or 16, and an optional '.', as in 'g8' or 'c4.')`
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

/** Note codes played one after another, at a tempo and meter of the caller's choosing. */
export function noteCodesToMelody(
  notes: readonly NoteCode[],
  options: { title?: string; tempo?: number; meter?: Melody['meter'] } = {}
): Melody {
  let start = 0
  const melodyNotes: MelodyNote[] = notes.map((note) => {
    const placed = { pitch: noteCodeMidiPitch(note), startTicks: start, durationTicks: note.ticks }
    start += note.ticks
    return placed
  })
  const melody: Melody = {
    title: options.title ?? '',
    tempo: options.tempo ?? DEFAULT_TEMPO,
    meter: options.meter ?? DEFAULT_METER,
    key: C_MAJOR,
    notes: melodyNotes
  }
  checkMelodyLimits(melody)
  return melody
}

/** A melody as note codes: gaps between notes become rests. */
export function melodyToNoteCodes(melody: Melody): NoteCode[] {
  const codes: NoteCode[] = []
  let cursor = 0
  for (const note of melody.notes) {
    if (note.startTicks > cursor) codes.push(noteCodeFor(null, note.startTicks - cursor))
    codes.push(noteCodeFor(note.pitch, note.durationTicks))
    cursor = note.startTicks + note.durationTicks
  }
  return codes
}

/**
 * A melody's codes placed for training: line 0 says they come from no text, and the column is
 * the note's number, so messages can name "note N".
 */
export function melodyToPlacedCodes(melody: Melody): PlacedNoteCode[] {
  return melodyToNoteCodes(melody).map((code, index) => ({ ...code, line: 0, column: index + 1 }))
}
