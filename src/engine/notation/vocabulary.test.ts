import { englishOf } from '../../shared/engineMessages'
import { describe, expect, it } from 'vitest'
import { SongError } from '../errors'
import { nabiyaNotes } from '../testing/seedSong'
import { melodyToNoteCodes, noteCodesToMelody, parseNoteCodes } from './noteCodes'
import {
  chooseVocabulary,
  primeIndices,
  codesOutside,
  nameSomeCodes,
  unknownNotesMessage,
  indexNotes,
  makeInputEncoding,
  outputClassCount,
  SEED_VOCABULARY,
  vocabularyFromNotes,
  type Vocabulary
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

  it('puts a tied piece right after the untied code of its length, and gives it a length feature of its own', () => {
    const vocabulary = vocabularyFromNotes(parseNoteCodes('c2- c8 e2 c2 r8 c4 c2- c8'))
    expect(vocabulary.codes).toEqual(['c2', 'e2', 'c2-', 'c4', 'c8', 'r8'])
    const encoding = makeInputEncoding('pitch-length', vocabulary)
    // lengths: 2, 2-, 4, 8 → 0, 1/3, 2/3, 1; pitches c e r → 0, 1/2, 1
    expect(vocabulary.codes.map((_, index) => encoding.encode(index))).toEqual([
      [0, 0],
      [0.5, 0],
      [0, 1 / 3],
      [0, 2 / 3],
      [0, 1],
      [1, 1]
    ])
  })

  it('names a few codes a model lacks and counts the rest, never listing the vocabulary', () => {
    const vocabulary = vocabularyFromNotes(parseNoteCodes('c4 d4 e8 r8'))
    const song = parseNoteCodes("c4 f4 g2- g8 c4 a4 b4 c'4 d'4 e'4 f4")
    const outside = codesOutside(song, vocabulary)
    expect(outside).toEqual(['f4', 'g2-', 'g8', 'a4', 'b4', "c'4", "d'4", "e'4"])
    expect(nameSomeCodes(outside)).toBe('f4, g2-, g8, a4, b4 and 3 more')
    expect(nameSomeCodes(['f4', 'g8'])).toBe('f4 and g8')
    const message = englishOf(unknownNotesMessage(outside))
    expect(message).toBe("8 of the song's notes are not among the notes the model knows: f4, g2-, g8, a4, b4 and 3 more; change them or train on songs that have them")
    expect(message).not.toContain('e8')
    expect(englishOf(unknownNotesMessage(['f4']))).toBe("the song's note f4 is not among the notes the model knows; change it or train on songs that have it")
    expect(codesOutside(parseNoteCodes('c4 e8 r8'), vocabulary)).toEqual([])
  })

  it('primes a model with tied pieces, or a model saved before pieces (its vocabulary holds :N) with whole notes', () => {
    const melody = noteCodesToMelody(parseNoteCodes('c:1200 d8 e4'))
    const pieces = vocabularyFromNotes(melodyToNoteCodes(melody))
    expect(primeIndices(melody, pieces).map((i) => pieces.codes[i])).toEqual(['c2-', 'c8', 'd8', 'e4'])
    const older: Vocabulary = { kind: 'song', codes: ['c:1200', 'e4', 'd8'] }
    expect(primeIndices(melody, older).map((i) => older.codes[i])).toEqual(['c:1200', 'd8', 'e4'])
    expect(() => primeIndices(melody, { kind: 'song', codes: ['e4', 'd8'] })).toThrow(/2 of the song's notes are not among the notes the model knows: c2- and c8;/)
  })
})
