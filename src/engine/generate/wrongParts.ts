// Which part of a wrong prediction is wrong, for every model (the data is class indices): kept
// apart from predict.ts so that what only draws predictions loads no TensorFlow.js.
import type { NoteParts } from '../notation/vocabulary'
import type { SongPrediction } from './predict'

/** What is wrong in a wrong prediction: its pitch (whatever its length), or only its length. */
export type WrongPart = 'pitch' | 'length'

/**
 * For each of `prediction.wrong`, in its order, which part of the note is wrong: the predicted
 * code and the song's compared through the vocabulary's parts (a rest is a pitch of its own, a
 * tied piece a length of its own). A class outside the vocabulary counts as a wrong pitch.
 */
export function wrongParts(prediction: Pick<SongPrediction, 'indices' | 'truth' | 'wrong'>, parts: NoteParts): WrongPart[] {
  return prediction.wrong.map((position) => {
    const pitch = parts.pitchOf[prediction.indices[position] ?? -1]
    return pitch === undefined || pitch !== parts.pitchOf[prediction.truth[position] ?? -1] ? 'pitch' : 'length'
  })
}
