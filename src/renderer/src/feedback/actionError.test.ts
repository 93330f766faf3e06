import { describe, expect, it } from 'vitest'
import { ERROR_SUMMARY_MAX_CHARS, plainError } from './actionError'

describe('an error beside its button', () => {
  it('shows a message that fits on a line whole, its reason and its fix included', () => {
    const message = 'Training failed: the training process was killed (SIGKILL); start the run again'
    expect(plainError(message)).toEqual({ summary: message })
  })

  it('shows a long message’s opening clauses and folds the whole away', () => {
    const notes = Array.from({ length: 60 }, (_, i) => `c'${i}`).join(', ')
    const message = `the song has notes the model does not know: ${notes}; continue a song in the model's notes`
    const plain = plainError(message)
    expect(plain.summary).toBe('the song has notes the model does not know…')
    expect(plain.details).toBe(message)
  })

  it('cuts a long message without clauses at a word, within the limit', () => {
    const long = 'word '.repeat(80).trim()
    const plain = plainError(long)
    expect(plain.summary.length).toBeLessThanOrEqual(ERROR_SUMMARY_MAX_CHARS)
    expect(plain.summary).toMatch(/^(word )+word…$/)
    expect(plain.details).toBe(long)
  })
})
