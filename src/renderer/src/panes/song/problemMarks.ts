import type { SongProblem } from '../../../../shared/studioApi'

/** A stretch of the editor's text to underline: where a problem starts, to the end of its word. */
export interface ProblemMark {
  readonly start: number
  readonly end: number
  readonly severity: SongProblem['severity']
  readonly message: string
}

/** Where each line of the text starts. */
function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

/** The text offset of a problem's line and column (1-based; column 0 means the whole line's start). */
export function problemOffset(text: string, problem: Pick<SongProblem, 'line' | 'column'>): number | undefined {
  const start = lineStarts(text)[problem.line - 1]
  if (start === undefined) return undefined
  const lineEnd = text.indexOf('\n', start)
  const length = (lineEnd < 0 ? text.length : lineEnd) - start
  return start + Math.min(Math.max(problem.column - 1, 0), length)
}

/**
 * The stretches to underline, in text order, not overlapping: each from its problem's column to
 * the end of the word there (a note, a chord, a decoration), at least one character.
 */
export function problemMarks(text: string, problems: readonly SongProblem[]): ProblemMark[] {
  const marks: ProblemMark[] = []
  for (const problem of problems) {
    if (problem.line < 1 || problem.column < 1) continue
    let start = problemOffset(text, problem)
    if (start === undefined) continue
    // abcjs may place an element at the space before it.
    while (text[start] === ' ' || text[start] === '\t') start++
    if (start >= text.length || text[start] === '\n') continue
    let end = start + 1
    while (end < text.length && !/[\s|]/.test(text[end] ?? ' ')) end++
    marks.push({ start, end, severity: problem.severity, message: problem.message })
  }
  marks.sort((a, b) => a.start - b.start)
  return marks.filter((mark, index) => index === 0 || mark.start >= (marks[index - 1]?.end ?? 0))
}

/** The text cut into pieces, each underlined or not, to draw behind the editor. */
export function markedPieces(text: string, marks: readonly ProblemMark[]): { text: string; mark?: ProblemMark }[] {
  const pieces: { text: string; mark?: ProblemMark }[] = []
  let at = 0
  for (const mark of marks) {
    if (mark.start > at) pieces.push({ text: text.slice(at, mark.start) })
    pieces.push({ text: text.slice(mark.start, mark.end), mark })
    at = mark.end
  }
  pieces.push({ text: text.slice(at) })
  return pieces
}
