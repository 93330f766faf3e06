import * as tf from '@tensorflow/tfjs'
import { buildModel, disposeModel, inputShape } from '../models/build'
import { modelScoring } from '../models/modelOutputs'
import type { ModelSpec } from '../models/spec'
import type { InputEncoding } from '../notation/vocabulary'
import { chooseTrainingPath, type FastPathSetting } from '../fastcpu/choosePath'
import { FastNetwork } from '../fastcpu/fastNetwork'

/** How a prediction of the song compares with the song itself. */
export interface SongPrediction {
  /** The whole predicted song as class indices: the first `window` true notes, then one per prediction. */
  readonly indices: number[]
  /** Share of predicted notes equal to the song's, 0…1 (the first window is given, not counted). */
  readonly accuracy: number
  /** Positions in the song (0-based note index) where the prediction differs. */
  readonly wrong: number[]
  /** The song itself as class indices, note for note with `indices`: what the prediction is compared with. */
  readonly truth: readonly number[]
}

export function scorePrediction(truth: readonly number[], predicted: readonly number[], window: number): SongPrediction {
  const indices = [...truth.slice(0, window), ...predicted]
  const wrong: number[] = []
  predicted.forEach((index, i) => {
    if (index !== truth[window + i]) wrong.push(window + i)
  })
  return { indices, accuracy: predicted.length === 0 ? 0 : 1 - wrong.length / predicted.length, wrong, truth: truth.slice(0, indices.length) }
}

/** The first index of the largest value (tfjs's argMax picks the first of equal ones too). */
export function argMax(values: ArrayLike<number>): number {
  let best = 0
  for (let j = 1; j < values.length; j++) if ((values[j] ?? 0) > (values[best] ?? 0)) best = j
  return best
}

/** Predicts the next note from a window's features, one window at a time. */
export interface NotePredictor {
  next(features: readonly (readonly number[])[]): number
  /** The model's probability for every class after this window (a stateful model's state moves on). */
  probabilities(features: readonly (readonly number[])[]): Float32Array
  resetStates(): void
  dispose(): void
}

/**
 * tfjs's own predictions. A stateful model is built for a fixed batch; predictions follow one
 * stream, so a model trained with several parallel streams is copied into a batch-of-one twin.
 */
export function tfjsPredictor(model: tf.LayersModel, spec: ModelSpec): NotePredictor {
  const twin = spec.stateful && spec.batchSize !== 1 ? buildModel({ ...spec, batchSize: 1 }) : undefined
  if (twin) twin.setWeights(model.getWeights())
  const single = twin ?? model
  // a functional model's heads give one probability per code, as a stack's softmax does
  const scoring = modelScoring(spec)
  const probabilities = (features: readonly (readonly number[])[]) => {
    const output = tf.tidy(() => scoring.codeProbabilities(single.predictOnBatch(scoring.inputs(tf.tensor(features.flat(), inputShape(spec, 1))))))
    const values = output.dataSync() as Float32Array
    output.dispose()
    return values
  }
  return {
    next: (features) => argMax(probabilities(features)),
    probabilities,
    resetStates() {
      if (spec.stateful) single.resetStates()
    },
    dispose() {
      if (twin) disposeModel(twin)
    }
  }
}

/** Predictions by the fast CPU path's copy of the network (one row; a stateful one starts from zero). */
export function fastPredictor(network: FastNetwork): NotePredictor {
  const probabilities = (features: readonly (readonly number[])[]) => network.predict(features.flat(), [0])
  return {
    next: (features) => argMax(probabilities(features)),
    probabilities,
    resetStates: () => network.resetStates(),
    dispose: () => undefined
  }
}

/** The fast path's predictor where the setting and the model allow it, else tfjs's. */
export function notePredictor(model: tf.LayersModel, spec: ModelSpec, fastPath: FastPathSetting = 'auto'): NotePredictor {
  if (chooseTrainingPath(model, fastPath).path.name === 'fast-cpu') {
    const fast = FastNetwork.fromModel(model, 1)
    if (fast.ok) return { ...fastPredictor(fast.network), dispose: () => fast.network.dispose() }
  }
  return tfjsPredictor(model, spec)
}

/**
 * Walks the song one prediction at a time. `feedBack` off: every window is the song's true notes
 * (one-step). On: only the first window is true and each prediction joins the input (full song).
 * A stateful model starts from a zero state and carries it through the walk, as in training.
 */
export function predictAlongSong(
  predictor: NotePredictor,
  window: number,
  song: readonly number[],
  encoding: InputEncoding,
  feedBack: boolean
): SongPrediction {
  predictor.resetStates()
  const predicted = walkAlongSong(window, song, feedBack, song.length - window, (notesIn) => predictor.next(notesIn.map((index) => encoding.encode(index))))
  predictor.resetStates()
  return scorePrediction(song, predicted, window)
}

/**
 * The song's first `steps` predictions in order: `predict` gets each window of notes in (the song's
 * own, or with `feedBack` the first window then its own predictions) and the position it predicts,
 * and returns the note it predicts.
 */
export function walkAlongSong(window: number, song: readonly number[], feedBack: boolean, steps: number, predict: (notesIn: number[], at: number) => number): number[] {
  const heard = song.slice(0, window)
  const predicted: number[] = []
  for (let at = window; at < window + steps && at < song.length; at++) {
    const next = predict((feedBack ? heard : song).slice(at - window, at), at)
    predicted.push(next)
    heard.push(next)
  }
  return predicted
}

function predictWith(
  model: tf.LayersModel,
  spec: ModelSpec,
  song: readonly number[],
  encoding: InputEncoding,
  feedBack: boolean,
  fastPath: FastPathSetting
): SongPrediction {
  const predictor = notePredictor(model, spec, fastPath)
  try {
    return predictAlongSong(predictor, spec.window, song, encoding, feedBack)
  } finally {
    predictor.dispose()
  }
}

/** One-step prediction: every window of true notes in, one note out (the seed's first test). */
export function predictOneStep(
  model: tf.LayersModel,
  spec: ModelSpec,
  song: readonly number[],
  encoding: InputEncoding,
  fastPath: FastPathSetting = 'auto'
): SongPrediction {
  return predictWith(model, spec, song, encoding, false, fastPath)
}

/** Full-song prediction: the first `window` true notes in, then every prediction fed back. */
export function predictFullSong(
  model: tf.LayersModel,
  spec: ModelSpec,
  song: readonly number[],
  encoding: InputEncoding,
  fastPath: FastPathSetting = 'auto'
): SongPrediction {
  return predictWith(model, spec, song, encoding, true, fastPath)
}
