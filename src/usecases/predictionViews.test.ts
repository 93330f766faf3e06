// A prediction's wrong notes told apart: a wrong pitch (whatever its length) and a right pitch of
// the wrong length, on 나비야 with one note's pitch and another's length changed by hand.
import { describe, expect, it } from 'vitest'
import { scorePrediction } from '../engine/generate/predict'
import { wrongParts } from '../engine/generate/wrongParts'
import { abcToMelodies } from '../engine/notation/abcIn'
import { parseNoteCodes } from '../engine/notation/noteCodes'
import { chooseVocabulary, indexNotes, notePartsOf, vocabularyFromNotes, type Vocabulary } from '../engine/notation/vocabulary'
import { nabiyaNotes } from '../engine/testing/seedSong'
import { DEFAULT_HEADER, predictionView } from './predictionViews'

const WINDOW = 4
const header = { ...DEFAULT_HEADER, title: '나비야', meter: { numerator: 2, denominator: 4 } }

/** The song's class indices, and a prediction of it with the codes at some positions replaced. */
function predictionWith(truth: readonly number[], vocabulary: Vocabulary, replaced: Record<number, string>) {
  const predicted = truth.slice(WINDOW).map((index, i) => {
    const code = replaced[WINDOW + i]
    return code === undefined ? index : vocabulary.codes.indexOf(code)
  })
  expect(predicted).not.toContain(-1)
  return scorePrediction(truth, predicted, WINDOW)
}

describe('a wrong pitch and a wrong length', () => {
  const vocabulary = chooseVocabulary(nabiyaNotes())
  const truth = indexNotes(nabiyaNotes(), vocabulary)

  it('are told apart on 나비야: the wrong pitch red, the wrong length in its own list and marked "L"', () => {
    // 나비야: g8 e8 e4 | f8 d8 d4 | c8 d8 e8 f8 | … — note 6 (c8) sung as e8, note 8 (e8) held as e4.
    expect([6, 8].map((i) => vocabulary.codes[truth[i] ?? -1])).toEqual(['c8', 'e8'])
    const prediction = predictionWith(truth, vocabulary, { 6: 'e8', 8: 'e4' })
    expect(prediction.wrong).toEqual([6, 8])
    expect(wrongParts(prediction, notePartsOf(vocabulary))).toEqual(['pitch', 'length'])
    const view = predictionView(prediction, vocabulary, header)
    // No rest and no note across a bar line before them: note n is head n.
    expect(view.wrong).toEqual([6, 8])
    expect(view.wrongLength).toEqual([8])
    expect(view.wrongLengthRests).toBeUndefined()
    expect(view.melody.notes[8]).toMatchObject({ pitch: 64, durationTicks: 480 })
    // The "L" stands above the one wrong length, in the score and in the prediction's voice of the comparison.
    expect(view.abc.match(/"\^L"/g)).toHaveLength(1)
    expect(view.abc).toContain('"^L"E2')
    const voices = (view.compare ?? '').split('\n').filter((line) => line.startsWith('[V:'))
    expect(voices.filter((line) => line.startsWith('[V:1]')).join('').includes('"^L"')).toBe(false)
    expect(voices.filter((line) => line.startsWith('[V:2]')).join('').match(/"\^L"/g)).toHaveLength(1)
    // The annotation changes no note: the drawn ABC reads back to the prediction's melody.
    expect(abcToMelodies(view.abc).tunes[0]?.melody?.notes).toEqual(view.melody.notes)
  })

  it('counts a note whose pitch and length are both wrong as a wrong pitch', () => {
    const view = predictionView(predictionWith(truth, vocabulary, { 6: 'e4', 9: 'f4' }), vocabulary, header)
    expect(view.wrong).toEqual([6, 9])
    expect(view.wrongLength).toEqual([9])
  })

  it('marks nothing where the prediction is right', () => {
    const view = predictionView(predictionWith(truth, vocabulary, {}), vocabulary, header)
    expect(view).toMatchObject({ accuracy: 1, wrong: [], wrongLength: [] })
    expect(view.abc).not.toContain('"^')
  })

  it('counts a rest of the wrong length, which has no head to mark', () => {
    const notes = parseNoteCodes('c4 r4 d8 r8 e4 | r4 c4 d8 e8 r8 f8 | g4 r8 a8 g2')
    const restVocabulary = vocabularyFromNotes(notes)
    const song = indexNotes(notes, restVocabulary)
    // note 5 (r4) predicted r8: a wrong length; note 9 (r8) predicted f8: a wrong pitch with a head.
    const prediction = predictionWith(song, restVocabulary, { 5: 'r8', 9: 'f8' })
    expect(wrongParts(prediction, notePartsOf(restVocabulary))).toEqual(['length', 'pitch'])
    const view = predictionView(prediction, restVocabulary, header)
    expect(view.wrongLengthRests).toBe(1)
    expect(view.wrong).toHaveLength(1)
    expect(view.wrongLength).toEqual([])
  })
})
