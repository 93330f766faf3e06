import { describe, expect, it } from 'vitest'
import { plainError } from './actionError'

describe('an error beside its button', () => {
  it('keeps a short message whole', () => {
    expect(plainError('The continuation was stopped.')).toEqual({ summary: 'The continuation was stopped.' })
  })

  it('says the first clause and folds the detail away', () => {
    const message = "the song has notes the model does not know: d'8, e'4, f'8 and 117 more; continue a song in the model's notes"
    expect(plainError(message)).toEqual({ summary: 'the song has notes the model does not know.', details: message })
  })

  it('cuts a long message without a clause at 140 characters', () => {
    const long = 'x'.repeat(300)
    const plain = plainError(long)
    expect(plain.summary).toHaveLength(138)
    expect(plain.details).toBe(long)
  })
})
