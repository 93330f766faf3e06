import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SongError } from '../errors'
import { sharedPath } from '../testing/seedSong'
import { seededRandom } from '../training/random'
import { abcCorpusTokens, corpusWindows, splitTunesForValidation } from './corpus'

describe('token corpus of many tunes', () => {
  const corpus = abcCorpusTokens(readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'), 'utf8'))

  it('reads every jig over one vocabulary', () => {
    expect(corpus.tunes).toHaveLength(340)
    expect(corpus.tunes[0]!.title).toBe('A and D')
    const used = new Set(corpus.tunes.flatMap((tune) => tune.tokens))
    expect(used.size).toBe(corpus.vocabulary.codes.length)
  })

  it('makes windows inside each tune only', () => {
    const tunes = [{ tokens: [1, 2, 3, 4] }, { tokens: [5, 6] }, { tokens: [7, 8, 9] }]
    const windows = corpusWindows(tunes, 2)
    expect(Array.from(windows.inputs)).toEqual([1, 2, 2, 3, 7, 8])
    expect(Array.from(windows.labels)).toEqual([3, 4, 9])
    const all = corpusWindows(corpus.tunes, 32)
    expect(all.labels.length).toBe(corpus.tunes.reduce((sum, tune) => sum + Math.max(0, tune.tokens.length - 32), 0))
  })

  it('splits by tune, the same way for the same seed', () => {
    const split = splitTunesForValidation(corpus.tunes, 0.1, seededRandom(5))
    expect(split.validation).toHaveLength(34)
    expect(split.training).toHaveLength(306)
    expect(split.training.some((tune) => split.validation.includes(tune))).toBe(false)
    expect(splitTunesForValidation(corpus.tunes, 0.1, seededRandom(5)).validation.map((t) => t.title)).toEqual(split.validation.map((t) => t.title))
  })

  it('refuses a text without tunes', () => {
    expect(() => abcCorpusTokens('X:1\nT:Empty\nK:C\n')).toThrow(SongError)
    expect(() => abcCorpusTokens('')).toThrow('the text holds no tune with notes')
  })
})
