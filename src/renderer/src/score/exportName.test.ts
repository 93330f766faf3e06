import { describe, expect, it } from 'vitest'
import { predictionFileName } from './exportName'

describe('the name of a saved prediction', () => {
  it('names the song, the model, the day and which prediction', () => {
    expect(predictionFileName('나비야 (Butterfly)', 'stateful-lstm-2f', 'one-step', new Date(2026, 11, 1))).toBe('나비야 (Butterfly) - stateful-lstm-2f - 2026-12-01 - one-step')
    expect(predictionFileName('  ', 'lstm', 'seed 3', new Date(2027, 0, 9))).toBe('melody - lstm - 2027-01-09 - seed 3')
  })
})
