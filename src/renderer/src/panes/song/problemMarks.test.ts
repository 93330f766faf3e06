import { describe, expect, it } from 'vitest'
import { markedPieces, problemMarks, problemOffset } from './problemMarks'

const text = 'X:1\nK:C\nCDEF G[2 Bc|cBAG FExC|\n'

describe('problems marked in the editor', () => {
  it('finds a problem’s place from its line and column, and underlines its word', () => {
    // The columns the ABC reader gives for these two (abcjs places the B at the space before it).
    expect(problemOffset(text, { line: 3, column: 9 })).toBe(text.indexOf(' Bc|'))
    expect(problemOffset(text, { line: 3, column: 20 })).toBe(text.indexOf('xC|'))
    const marks = problemMarks(text, [
      { severity: 'warning', line: 3, column: 9, message: 'never played' },
      { severity: 'warning', line: 3, column: 20, message: 'invisible rest' }
    ])
    expect(marks.map((mark) => text.slice(mark.start, mark.end))).toEqual(['Bc', 'xC'])
    expect(markedPieces(text, marks).map((piece) => [piece.text, piece.mark?.message])).toEqual([
      ['X:1\nK:C\nCDEF G[2 ', undefined],
      ['Bc', 'never played'],
      ['|cBAG FE', undefined],
      ['xC', 'invisible rest'],
      ['|\n', undefined]
    ])
  })

  it('skips problems with no column or past the text, and never overlaps two marks', () => {
    expect(problemMarks(text, [{ severity: 'error', line: 1, column: 0, message: 'whole tune' }])).toEqual([])
    expect(problemMarks(text, [{ severity: 'error', line: 40, column: 2, message: 'gone' }])).toEqual([])
    const overlapping = problemMarks(text, [
      { severity: 'warning', line: 3, column: 1, message: 'a' },
      { severity: 'error', line: 3, column: 2, message: 'b' }
    ])
    expect(overlapping.map((mark) => mark.message)).toEqual(['a'])
  })
})
