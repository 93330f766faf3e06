import { describe, expect, it } from 'vitest'
import { SongError } from '../errors'
import { nabiyaNotes } from '../testing/seedSong'
import { parseNoteCodes } from './noteCodes'
import {
  chooseVocabulary,
  indexNotes,
  makeInputEncoding,
  outputClassCount,
  SEED_VOCABULARY,
  vocabularyFromNotes
} from './vocabulary'

describe('vocabulary', () => {
  it('uses the seed\'s 14-code table for 나비야, with 12 classes as Keras\'s to_categorical gives', () => {
    const vocabulary = chooseVocabulary(nabiyaNotes())
    expect(vocabulary).toBe(SEED_VOCABULARY)
    expect(vocabulary.codes.indexOf('c4')).toBe(0)
    expect(vocabulary.codes.indexOf('b4')).toBe(6)
    expect(vocabulary.codes.indexOf('c8')).toBe(7)
    expect(vocabulary.codes.indexOf('b8')).toBe(13)
    const labels = indexNotes(nabiyaNotes(), vocabulary).slice(4)
    expect(outputClassCount(vocabulary, labels)).toBe(12)
  })

  it('builds a vocabulary from any other song: longer notes first, then pitch, rests last', () => {
    const notes = parseNoteCodes('c4. a8 r8 c2 a8 b16 r8 c4.')
    const vocabulary = chooseVocabulary(notes)
    expect(vocabulary.kind).toBe('song')
    expect(vocabulary.codes).toEqual(['c2', 'c4.', 'a8', 'r8', 'b16'])
    expect(outputClassCount(vocabulary, [0])).toBe(5)
    expect(indexNotes(notes, vocabulary)).toEqual([1, 2, 3, 0, 2, 4, 3, 1])
  })

  it('refuses the seed table for a song outside it, naming where', () => {
    expect(() => chooseVocabulary(parseNoteCodes('c4 d4\ne4 c2'), 'seed')).toThrow(SongError)
    expect(() => chooseVocabulary(parseNoteCodes('c4 d4\ne4 c2'), 'seed')).toThrow(/line 2, column 4: 'c2'/)
    expect(chooseVocabulary(nabiyaNotes(), 'song').codes).toEqual(vocabularyFromNotes(nabiyaNotes()).codes)
  })

  it('encodes one feature as index / 13, as the seed normalises', () => {
    const encoding = makeInputEncoding('index', SEED_VOCABULARY)
    expect(encoding.featureCount).toBe(1)
    expect(encoding.encode(11)).toEqual([11 / 13])
    expect(encoding.encode(0)).toEqual([0])
  })

  it('encodes two features as the seed does: pitch / 6 and length 4 → 0, 8 → 1', () => {
    const encoding = makeInputEncoding('pitch-length', SEED_VOCABULARY)
    const pitch = { c: 0, d: 1, e: 2, f: 3, g: 4, a: 5, b: 6 } as const
    SEED_VOCABULARY.codes.forEach((code, index) => {
      const letter = code[0] as keyof typeof pitch
      expect(encoding.encode(index)).toEqual([pitch[letter] / 6, code[1] === '4' ? 0 : 1])
    })
  })

  it('generalises the two features to a song\'s own vocabulary', () => {
    const vocabulary = vocabularyFromNotes(parseNoteCodes('c2 e4 g8 r8 e4'))
    // codes: c2 e4 g8 r8 → pitches c e g r, durations ½ ¼ ⅛
    const encoding = makeInputEncoding('pitch-length', vocabulary)
    expect(vocabulary.codes.map((_, index) => encoding.encode(index))).toEqual([
      [0, 0],
      [1 / 3, 0.5],
      [2 / 3, 1],
      [1, 1]
    ])
  })
})
