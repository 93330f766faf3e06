import * as tf from '@tensorflow/tfjs'
import type { WindowDataset } from '../dataset/windows'
import { TrainingCancelledError } from '../errors'
import { predictFullSong, predictOneStep, type SongPrediction } from '../generate/predict'
import { inputShape } from '../models/build'
import type { ModelSpec } from '../models/spec'
import type { InputEncoding } from '../notation/vocabulary'
import { epochBatches } from './batches'
import { seededRandom } from './random'

/** Reported after every epoch. Times are training time only: checks are not counted. */
export interface EpochProgress {
  readonly epoch: number
  readonly epochs: number
  readonly loss: number
  readonly accuracy: number
  readonly elapsedMs: number
  readonly etaMs: number
  readonly samplesPerSecond: number
}

/** A one-step and full-song check of the model against the song, made every few epochs. */
export interface SongCheck {
  readonly epoch: number
  readonly oneStep: SongPrediction
  readonly fullSong: SongPrediction
}

export interface TrainOptions {
  /** Stop as soon as a check finds one-step and full-song both at 100 %. */
  readonly untilPerfect?: boolean
  /** Epochs between checks when `untilPerfect` is set (default 10). */
  readonly checkEvery?: number
  /** Abort between batches: the trainer then throws TrainingCancelledError. */
  readonly signal?: AbortSignal
  readonly onEpochEnd?: (progress: EpochProgress) => void
  readonly onCheck?: (check: SongCheck) => void
}

export interface TrainingOutcome {
  readonly epochsRun: number
  readonly trainMs: number
  readonly history: EpochProgress[]
  /** The first epoch whose check was perfect, when `untilPerfect` found one. */
  readonly perfectAtEpoch: number | undefined
}

/** What the trainer needs about the song: its dataset, its notes as indices and how to encode them. */
export interface TrainingData {
  readonly dataset: WindowDataset
  readonly song: readonly number[]
  readonly encoding: InputEncoding
}

/** Milliseconds of work between yields to the event loop, so an abort signal can arrive. */
const YIELD_EVERY_MS = 50

export function checkAgainstSong(model: tf.LayersModel, spec: ModelSpec, data: TrainingData, epoch: number): SongCheck {
  return {
    epoch,
    oneStep: predictOneStep(model, spec, data.song, data.encoding),
    fullSong: predictFullSong(model, spec, data.song, data.encoding)
  }
}

/**
 * Trains with our own loop rather than `model.fit`: batches are shuffled from the spec's seed (fit
 * shuffles with Math.random), a stateful model's state is reset at every epoch start as the seed
 * does with `reset_states()`, and cancellation works between batches.
 * @throws TrainingCancelledError when `signal` is aborted
 */
export async function trainModel(
  model: tf.LayersModel,
  spec: ModelSpec,
  data: TrainingData,
  options: TrainOptions = {}
): Promise<TrainingOutcome> {
  const { dataset } = data
  const samples = dataset.labels.length
  const checkEvery = Math.max(1, options.checkEvery ?? 10)
  const random = seededRandom(spec.seed)
  const optimizer = tf.train.adam(spec.learningRate)
  const xs = tf.tensor(dataset.inputs.flat(2), inputShape(spec, samples))
  const labels = tf.tensor1d(dataset.labels, 'int32')
  const ys = tf.oneHot(labels, spec.classes).toFloat()
  const history: EpochProgress[] = []
  let trainMs = 0
  let perfectAtEpoch: number | undefined
  let lastYield = performance.now()
  const epochLosses: tf.Tensor[] = []
  const epochCorrect: tf.Tensor[] = []
  try {
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      const started = performance.now()
      if (spec.stateful) model.resetStates()
      for (const batch of epochBatches(spec, samples, random)) {
        if (options.signal?.aborted) throw new TrainingCancelledError(epoch - 1)
        const batchIndices = tf.tensor1d(batch, 'int32')
        const x = tf.gather(xs, batchIndices)
        const y = tf.gather(ys, batchIndices)
        const batchLabels = tf.gather(labels, batchIndices)
        optimizer.minimize(() => {
          const probabilities = model.apply(x, { training: true }) as tf.Tensor2D
          const sampleLosses = tf.metrics.categoricalCrossentropy(y, probabilities)
          // Sums, not means, so the epoch figure is the mean over samples as Keras reports it.
          epochLosses.push(tf.keep(sampleLosses.sum()))
          epochCorrect.push(tf.keep(tf.equal(probabilities.argMax(-1), batchLabels).sum()))
          return sampleLosses.mean() as tf.Scalar
        })
        tf.dispose([batchIndices, x, y, batchLabels])
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve))
          lastYield = performance.now()
        }
      }
      const [lossSum = 0, correctSum = 0] = tf.tidy(() =>
        [tf.addN(epochLosses), tf.addN(epochCorrect)].map((sum) => sum.dataSync()[0] ?? 0)
      )
      disposeAll(epochLosses, epochCorrect)
      if (spec.stateful) model.resetStates()
      const epochMs = performance.now() - started
      trainMs += epochMs
      const progress: EpochProgress = {
        epoch,
        epochs: spec.epochs,
        loss: lossSum / samples,
        accuracy: correctSum / samples,
        elapsedMs: trainMs,
        etaMs: (trainMs / epoch) * (spec.epochs - epoch),
        samplesPerSecond: samples / (epochMs / 1000)
      }
      history.push(progress)
      options.onEpochEnd?.(progress)
      if (options.untilPerfect && (epoch % checkEvery === 0 || epoch === spec.epochs)) {
        const check = checkAgainstSong(model, spec, data, epoch)
        options.onCheck?.(check)
        if (check.oneStep.accuracy === 1 && check.fullSong.accuracy === 1) {
          perfectAtEpoch = epoch
          break
        }
      }
    }
  } finally {
    disposeAll(epochLosses, epochCorrect)
    tf.dispose([xs, labels, ys])
    optimizer.dispose()
    if (spec.stateful) model.resetStates()
  }
  return { epochsRun: history.length, trainMs, history, perfectAtEpoch }
}

function disposeAll(...lists: tf.Tensor[][]): void {
  for (const list of lists) tf.dispose(list.splice(0))
}
