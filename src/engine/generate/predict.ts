import * as tf from '@tensorflow/tfjs'
import { buildModel, disposeModel, inputShape } from '../models/build'
import type { ModelSpec } from '../models/spec'
import type { InputEncoding } from '../notation/vocabulary'

/** How a prediction of the song compares with the song itself. */
export interface SongPrediction {
  /** The whole predicted song as class indices: the first `window` true notes, then one per prediction. */
  readonly indices: number[]
  /** Share of predicted notes equal to the song's, 0…1 (the first window is given, not counted). */
  readonly accuracy: number
  /** Positions in the song (0-based note index) where the prediction differs. */
  readonly wrong: number[]
}

export function scorePrediction(truth: readonly number[], predicted: readonly number[], window: number): SongPrediction {
  const indices = [...truth.slice(0, window), ...predicted]
  const wrong: number[] = []
  predicted.forEach((index, i) => {
    if (index !== truth[window + i]) wrong.push(window + i)
  })
  return { indices, accuracy: predicted.length === 0 ? 0 : 1 - wrong.length / predicted.length, wrong }
}

/**
 * A stateful model is built for a fixed batch; predictions follow one stream, so a model trained
 * with several parallel streams is copied into a batch-of-one twin first.
 */
function withSingleStream(model: tf.LayersModel, spec: ModelSpec): { model: tf.LayersModel; dispose(): void } {
  if (!spec.stateful || spec.batchSize === 1) return { model, dispose: () => undefined }
  const twin = buildModel({ ...spec, batchSize: 1 })
  twin.setWeights(model.getWeights())
  return { model: twin, dispose: () => disposeModel(twin) }
}

function predictClass(model: tf.LayersModel, spec: ModelSpec, features: number[][]): number {
  const probabilities = tf.tidy(() => {
    const x = tf.tensor(features.flat(), inputShape(spec, 1))
    return (model.predictOnBatch(x) as tf.Tensor).argMax(-1)
  })
  const [index] = probabilities.dataSync()
  probabilities.dispose()
  return index ?? 0
}

function resetIfStateful(model: tf.LayersModel, spec: ModelSpec): void {
  if (spec.stateful) model.resetStates()
}

/**
 * Walks the song one prediction at a time. `feedBack` off: every window is the song's true notes
 * (one-step). On: only the first window is true and each prediction joins the input (full song).
 * A stateful model starts from a zero state and carries it through the walk, as in training.
 */
function predictAlongSong(
  model: tf.LayersModel,
  spec: ModelSpec,
  song: readonly number[],
  encoding: InputEncoding,
  feedBack: boolean
): SongPrediction {
  const single = withSingleStream(model, spec)
  const heard = song.slice(0, spec.window)
  const predicted: number[] = []
  resetIfStateful(single.model, spec)
  for (let step = spec.window; step < song.length; step++) {
    const notesIn = (feedBack ? heard : song).slice(step - spec.window, step)
    const next = predictClass(
      single.model,
      spec,
      notesIn.map((index) => encoding.encode(index))
    )
    predicted.push(next)
    heard.push(next)
  }
  resetIfStateful(single.model, spec)
  single.dispose()
  return scorePrediction(song, predicted, spec.window)
}

/** One-step prediction: every window of true notes in, one note out (the seed's first test). */
export function predictOneStep(
  model: tf.LayersModel,
  spec: ModelSpec,
  song: readonly number[],
  encoding: InputEncoding
): SongPrediction {
  return predictAlongSong(model, spec, song, encoding, false)
}

/** Full-song prediction: the first `window` true notes in, then every prediction fed back. */
export function predictFullSong(
  model: tf.LayersModel,
  spec: ModelSpec,
  song: readonly number[],
  encoding: InputEncoding
): SongPrediction {
  return predictAlongSong(model, spec, song, encoding, true)
}
