// Predictions as the UI draws them: the notes as ABC (with the song's bar lines), the wrong ones
// as note heads to colour, those whose pitch is right and length wrong apart (and marked "L").
import { melodiesAboveEachOther, melodyToAbcWithHeads } from '../engine/notation/abcOut'
import { withPickup, type Melody } from '../engine/notation/melody'
import { joinNoteCodes, noteCodesToMelody, readNoteCode, type NoteCode } from '../engine/notation/noteCodes'
import { notePartsOf, type Vocabulary } from '../engine/notation/vocabulary'
import type { SongPrediction } from '../engine/generate/predict'
import { wrongParts } from '../engine/generate/wrongParts'
import { wrongLengthAnnotations } from '../shared/scoreMarks'
import { ABC_MAX_CHARS } from '../shared/limits'
import type { PredictionView } from '../shared/studioApi'

export type MelodyHeader = Omit<Melody, 'notes'>

export const DEFAULT_HEADER: MelodyHeader = { title: '', tempo: 120, meter: { numerator: 4, denominator: 4 }, key: { tonic: 'C', mode: 'major', fifths: 0 } }

/** A melody with no notes: what a prediction not made, or not kept by an old record, stands as. */
export const EMPTY_MELODY: Melody = { ...DEFAULT_HEADER, notes: [] }

/** The vocabulary's codes for class indices (a rest where an index is not a code). */
export function codesOfIndices(indices: readonly number[], vocabulary: Vocabulary): NoteCode[] {
  const rest = { pitch: 'r', accidental: 0, octave: 0, ticks: 480 } as const
  return indices.map((index) => readNoteCode(vocabulary.codes[index] ?? '') ?? rest)
}

/** Note codes as a melody in the song's meter, key and tempo, with its pickup bar. */
export function melodyOfCodes(codes: readonly NoteCode[], header: MelodyHeader, title = header.title): Melody {
  return withPickup({ ...noteCodesToMelody([...codes]), title, tempo: header.tempo, meter: header.meter, key: header.key }, header.pickupTicks ?? 0)
}

export function predictionView(prediction: SongPrediction, vocabulary: Vocabulary, song: MelodyHeader): PredictionView {
  const codes = codesOfIndices(prediction.indices, vocabulary)
  // Tied pieces join into one note, so a wrong code is marked on the note it became part of.
  const { noteOfCode } = joinNoteCodes(codes)
  const melody = melodyOfCodes(codes, song)
  const { abc: plainAbc, firstHead } = melodyToAbcWithHeads(melody)
  // The view marks note heads, so wrong notes are given as heads, each once; a head with a wrong
  // pitch in any of its pieces is a wrong pitch. A rest has no head: a rest of the wrong length is counted.
  const parts = wrongParts(prediction, notePartsOf(vocabulary))
  const wrongHeads: number[] = []
  const pitchHeads = new Set<number>()
  const lengthHeads: number[] = []
  let wrongLengthRests = 0
  prediction.wrong.forEach((i, n) => {
    const head = firstHead[noteOfCode[i] ?? -1] ?? -1
    const part = parts[n]
    if (codes[i]?.pitch === 'r' || head < 0) {
      if (codes[i]?.pitch === 'r' && part === 'length') wrongLengthRests++
      return
    }
    wrongHeads.push(head)
    if (part === 'length') lengthHeads.push(head)
    else pitchHeads.add(head)
  })
  const wrongLength = [...new Set(lengthHeads)].filter((head) => !pitchHeads.has(head))
  const annotations = wrongLengthAnnotations(wrongLength)
  const abc = wrongLength.length > 0 ? melodyToAbcWithHeads(melody, { annotations }).abc : plainAbc
  // The song as the model reads it (its codes), above the prediction: both from the same codes'
  // grid, so each bar of the prediction stands under the same bar of the song.
  const compare = melodiesAboveEachOther(melodyOfCodes(codesOfIndices(prediction.truth, vocabulary), song), melody, annotations)
  return {
    accuracy: prediction.accuracy,
    abc,
    melody,
    wrong: [...new Set(wrongHeads)],
    wrongLength,
    ...(wrongLengthRests > 0 ? { wrongLengthRests } : {}),
    ...(compare.length <= ABC_MAX_CHARS ? { compare } : {})
  }
}
