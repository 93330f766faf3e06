import { SongError, SongSyntaxError } from '../errors'

/**
 * The seed tutorial's note codes: a pitch letter c–b in the octave from middle C (or `r` for a
 * rest), a length 1/2/4/8/16 (whole … sixteenth), and an optional `.` for dotted: `g8 e4 c4. r8`.
 * `|` (bar lines) is ignored, `#` starts a comment that runs to the end of the line.
 */
export const PITCH_LETTERS = ['c', 'd', 'e', 'f', 'g', 'a', 'b'] as const
export type PitchLetter = (typeof PITCH_LETTERS)[number]
export const NOTE_LENGTHS = [1, 2, 4, 8, 16] as const
export type NoteLength = (typeof NOTE_LENGTHS)[number]

export interface NoteCode {
  pitch: PitchLetter | 'r'
  length: NoteLength
  dotted: boolean
}

/** A note code with where it stood in the text (1-based), for error messages and editors. */
export interface PlacedNoteCode extends NoteCode {
  line: number
  column: number
}

const NOTE_CODE_PATTERN = /^([a-gr])(16|1|2|4|8)(\.?)$/

export function noteCodeToString(note: NoteCode): string {
  return `${note.pitch}${note.length}${note.dotted ? '.' : ''}`
}

/** Reads one code (`e8`, `c4.`, `r2`); undefined when the text is not a code. */
export function readNoteCode(text: string): NoteCode | undefined {
  const match = NOTE_CODE_PATTERN.exec(text)
  if (!match) return undefined
  const [, pitch, length, dot] = match
  return {
    pitch: pitch as PitchLetter | 'r',
    length: Number(length) as NoteLength,
    dotted: dot === '.'
  }
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
