import * as tf from '@tensorflow/tfjs'
import type { SequenceDataset } from '../dataset/sequences'
import type { WindowDataset } from '../dataset/windows'
import { OptionError, TrainingCancelledError } from '../errors'
import { chooseTrainingPath, type FastPathSetting, type TrainingPath } from '../fastcpu/choosePath'
import { loadSystemBlas } from '../fastcpu/systemBlas'
import { FastNetwork, type NetworkPlan } from '../fastcpu/fastNetwork'
import { fastPredictor, notePredictor, predictAlongSong, type NotePredictor, type SongPrediction } from '../generate/predict'
import { inputShape } from '../models/build'
import { modelScoring, type ModelScoring } from '../models/modelOutputs'
import type { ModelSpec } from '../models/spec'
import type { InputEncoding } from '../notation/vocabulary'
import { epochBatches } from './batches'
import {
  EarlyStopping,
  LambdaCallback,
  ModelCheckpoint,
  ReduceLrOnPlateau,
  UntilPerfect,
  type CheckpointOptions,
  type EarlyStoppingOptions,
  type ReduceLrOnPlateauOptions,
  type StopRequest,
  type TrainingCallback,
  type TrainingContext,
  type WeightsSnapshot
} from './callbacks'
import { seededRandom } from './random'
import { sequenceRunner } from './sequenceRunner'
import { fastWeightSnapshot, setAdamLearningRate, weightSnapshot } from './runnerParts'

/** Reported after every epoch. Times are training time only: checks are not counted. */
export interface EpochProgress {
  readonly epoch: number
  readonly epochs: number
  readonly loss: number
  readonly accuracy: number
  readonly elapsedMs: number
  readonly etaMs: number
  readonly samplesPerSecond: number
  /** Set when the run has validation data. */
  readonly valLoss?: number
  readonly valAccuracy?: number
  /**
   * Validation accuracy on the tokens at position ≥ window of their tune only: the tokens a
   * windowed run predicts (for one, the same as valAccuracy), so the schemes compare on them.
   */
  readonly valAccuracyFromWindow?: number
  /** The learning rate this epoch trained with (ReduceLROnPlateau lowers it). */
  readonly learningRate?: number
  /**
   * A model with several outputs (a functional model's heads, e.g. `next_pitch` and `next_length`):
   * each output's own loss and accuracy, as Keras reports `next_pitch_loss`, `val_next_pitch_accuracy`.
   * `loss` is then their weighted sum and `accuracy` the share of notes with every head right.
   */
  readonly heads?: readonly HeadProgress[]
}

/** One output's figures for an epoch. */
export interface HeadProgress {
  readonly name: string
  readonly loss: number
  readonly accuracy: number
  readonly valLoss?: number
  readonly valAccuracy?: number
}

/** A one-step and full-song check of the model against the song, made every few epochs. */
export interface SongPredictions {
  readonly epoch: number
  readonly oneStep: SongPrediction
  readonly fullSong: SongPrediction
}

/**
 * How to train. `callbacks` are the general form; `onEpochEnd`, `checkpoint`, `earlyStopping`,
 * `reduceLrOnPlateau` and `untilPerfect` (with `checkEvery` and `onCheck`) are shorthands for the
 * built-in callbacks, which run first, in that order (see `callbacksFromOptions`), then `callbacks`.
 */
export interface TrainOptions {
  /** Stop as soon as a check finds one-step and full-song both at 100 % (the UntilPerfect callback). */
  readonly untilPerfect?: boolean
  /** Epochs between checks when `untilPerfect` is set (default 10). */
  readonly checkEvery?: number
  /** Abort between batches: the trainer then throws TrainingCancelledError (but see keepOnStop). */
  readonly signal?: AbortSignal
  /**
   * An abort after at least one whole epoch ends the training as early stopping does, with the
   * weights as they were at the stop and `stoppedByUser` set, so the work so far is kept.
   */
  readonly keepOnStop?: boolean
  readonly onEpochEnd?: (progress: EpochProgress) => void
  readonly onCheck?: (check: SongPredictions) => void
  /** Train with the fast CPU path where it applies (`auto`, the default), always, or never. */
  readonly fastPath?: FastPathSetting
  /** Windows held out (songs not trained on, same encoding): val_loss and val_accuracy each epoch. */
  readonly validation?: WindowDataset
  /** Held-out tunes for sequence training (`TrainingData.sequences`): every step of each counts. */
  readonly validationSequences?: SequenceDataset
  readonly earlyStopping?: EarlyStoppingOptions
  readonly reduceLrOnPlateau?: ReduceLrOnPlateauOptions
  readonly checkpoint?: CheckpointOptions
  /** Go on from a checkpoint of this epoch: epochs are numbered on from it (Adam starts afresh). */
  readonly resumeAfterEpoch?: number
  /** Called in order after the shorthands' callbacks. */
  readonly callbacks?: readonly TrainingCallback[]
  /** The clock epochs are timed with, in milliseconds (default `performance.now`; tests pass their own). */
  readonly clock?: () => number
}

export interface TrainingOutcome {
  readonly epochsRun: number
  readonly trainMs: number
  readonly history: EpochProgress[]
  /** The first epoch whose check was perfect, when `untilPerfect` found one. */
  readonly perfectAtEpoch: number | undefined
  /** Which implementation trained the model, and why. */
  readonly path: TrainingPath
  /** Set when early stopping ended the run: the epoch it stopped at and the best one. */
  readonly stoppedEarly?: { readonly epoch: number; readonly bestEpoch: number }
  /** Set when the signal stopped a run that keeps its work: the last whole epoch. */
  readonly stoppedByUser?: { readonly epoch: number }
  /**
   * The epoch whose weights the model holds at the end: the best one where early stopping
   * restored it, else the last (after a stop, the weights of the batches done since count too).
   */
  readonly weightsEpoch: number
  /** The best epoch of the early-stopping monitor (its weights are the model's when restoring). */
  readonly bestEpoch?: number
  /** Set when a callback of the caller's stopped the run: the last epoch and the callback's message. */
  readonly stoppedByCallback?: { readonly epoch: number; readonly message: string }
}

/**
 * What the trainer needs: the windows, how to encode them, and the song as class indices where
 * there is one song to check the model against (a run on many songs has none: it is checked on
 * a held-out song after training).
 */
export interface TrainingData {
  readonly dataset: WindowDataset
  readonly song?: readonly number[]
  readonly encoding: InputEncoding
  /**
   * Train on sequences instead (truncated backpropagation through time: the loss at every step,
   * the state carried across a tune's windows); `dataset` is then not used. The model stays the
   * windowed one: a per-step twin trains and its weights go back into it.
   */
  readonly sequences?: SequenceDataset
}

/** Milliseconds of work between yields to the event loop, so an abort signal can arrive. */
const YIELD_EVERY_MS = 50

/**
 * Lets the event loop run once `YIELD_EVERY_MS` of work has passed since the last time, however
 * many batches or epochs that took (a fast-path epoch can take under a millisecond).
 */
export function eventLoopYielder(): () => Promise<void> {
  let lastYield = performance.now()
  return async () => {
    if (performance.now() - lastYield < YIELD_EVERY_MS) return
    await new Promise((resolve) => setImmediate(resolve))
    lastYield = performance.now()
  }
}

export function checkAgainstSong(
  model: tf.LayersModel,
  spec: ModelSpec,
  data: TrainingData,
  epoch: number,
  fastPath: FastPathSetting = 'auto'
): SongPredictions {
  const predictor = notePredictor(model, spec, fastPath)
  try {
    return checkWithPredictor(predictor, spec, data, epoch)
  } finally {
    predictor.dispose()
  }
}

function checkWithPredictor(predictor: NotePredictor, spec: ModelSpec, data: TrainingData, epoch: number): SongPredictions {
  const song = data.song
  if (!song) throw new OptionError('there is no song to check the model against: a run on many songs is checked on a held-out song after training')
  return {
    epoch,
    oneStep: predictAlongSong(predictor, spec.window, song, data.encoding, false),
    fullSong: predictAlongSong(predictor, spec.window, song, data.encoding, true)
  }
}

/** The song's samples as tensors, made once per training run, and how the model's outputs on them are scored. */
export interface SampleTensors {
  readonly xs: tf.Tensor
  readonly labels: tf.Tensor1D
  readonly scoring: ModelScoring
}

export function sampleTensors(spec: ModelSpec, dataset: WindowDataset): SampleTensors {
  return { xs: tf.tensor(dataset.inputs.flat(2), inputShape(spec, dataset.labels.length)), labels: tf.tensor1d(dataset.labels, 'int32'), scoring: modelScoring(spec) }
}

export interface EpochTotals {
  /** Sum over samples of the cross-entropy, and of the samples predicted right. */
  readonly lossSum: number
  readonly correct: number
  /** What the sums are over when not the samples (sequence training: the unmasked steps). */
  readonly count?: number
  /** Hits and steps at label positions ≥ window (sequence validation). */
  readonly lateCorrect?: number
  readonly lateCount?: number
  /** Each output head's summed loss and hits (a functional model). */
  readonly heads?: readonly { readonly lossSum: number; readonly correct: number }[]
}

/** Adds a batch's figures (read back from their tensors) to an epoch's. */
class EpochSums {
  private readonly parts: tf.Tensor[][] = []
  add(scores: { lossSum: tf.Scalar; correct: tf.Scalar; heads: readonly { lossSum: tf.Scalar; correct: tf.Scalar }[] }): void {
    this.parts.push([scores.lossSum, scores.correct, ...scores.heads.flatMap((head) => [head.lossSum, head.correct])].map((t) => tf.keep(t)))
  }
  /** The sums, read in one go at the end of the epoch (reading each batch's would wait on it). */
  totals(scale = 1): EpochTotals {
    if (this.parts.length === 0) return { lossSum: 0, correct: 0 }
    const columns = this.parts[0]?.length ?? 0
    const sums = tf.tidy(() => Array.from({ length: columns }, (_, column) => tf.addN(this.parts.map((row) => row[column] as tf.Tensor)).dataSync()[0] ?? 0))
    const [lossSum = 0, correct = 0, ...heads] = sums.map((sum) => sum * scale)
    return { lossSum, correct, ...(heads.length > 0 ? { heads: Array.from({ length: heads.length / 2 }, (_, h) => ({ lossSum: heads[2 * h] ?? 0, correct: heads[2 * h + 1] ?? 0 })) } : {}) }
  }
  dispose(): void {
    tf.dispose(this.parts.flat())
  }
}

/** Zeroes some batch rows of every stateful recurrent layer's state: a new song starts in those streams. */
export function resetStateRows(model: tf.LayersModel, rows: readonly number[]): void {
  if (rows.length === 0) return
  for (const layer of model.layers) {
    const recurrent = layer as unknown as { stateful?: boolean; states?: (tf.Tensor | null)[] | null; resetStates(states?: tf.Tensor[]): void }
    const states = recurrent.states
    if (!recurrent.stateful || !states || states.some((state) => !state)) continue
    const batch = states[0]?.shape[0] ?? 0
    const masked = tf.tidy(() => {
      const keep = tf.tensor2d(Array.from({ length: batch }, (_, row) => (rows.includes(row) ? 0 : 1)), [batch, 1])
      return states.map((state) => tf.mul(state as tf.Tensor, keep))
    })
    // resetStates disposes the old states and keeps copies of these
    recurrent.resetStates(masked)
    tf.dispose(masked)
  }
}

/** The batch rows whose sample starts a song (stateful training over many songs). */
export function songStartRows(batch: readonly number[], starts: readonly boolean[] | undefined): number[] {
  if (!starts) return []
  return batch.flatMap((sample, row) => (starts[sample] ? [row] : []))
}

/** Called after each batch of an epoch with its index from 0 (the callbacks' onBatchEnd). */
export type AfterBatch = (batch: number) => void | Promise<void>

/**
 * One pass over the batches, one optimiser step each. The state of a stateful model is neither
 * reset before nor after: it flows from each batch into the next, and the caller decides when
 * a new sequence starts (the seed's `reset_states()` after every epoch).
 * @throws TrainingCancelledError when `signal` is aborted before a batch
 */
export async function trainEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  tensors: SampleTensors,
  batches: readonly number[][],
  signal?: AbortSignal,
  epochsDone = 0,
  yieldNow = eventLoopYielder(),
  starts?: readonly boolean[],
  afterBatch?: AfterBatch
): Promise<EpochTotals> {
  const { scoring } = tensors
  const sums = new EpochSums()
  try {
    for (const [index, batch] of batches.entries()) {
      if (signal?.aborted) throw new TrainingCancelledError(epochsDone)
      resetStateRows(model, songStartRows(batch, starts))
      const batchIndices = tf.tensor1d(batch, 'int32')
      const x = tf.gather(tensors.xs, batchIndices)
      const batchLabels = tf.gather(tensors.labels, batchIndices) as tf.Tensor1D
      optimizer.minimize(() => {
        const scores = scoring.score(model.apply(scoring.inputs(x), { training: true }) as tf.Tensor | tf.Tensor[], batchLabels)
        sums.add(scores)
        return scores.loss
      })
      tf.dispose([batchIndices, x, batchLabels])
      await afterBatch?.(index)
      await yieldNow()
    }
    return sums.totals()
  } finally {
    sums.dispose()
  }
}

/**
 * Summed cross-entropy and hits of a model over windows, with tfjs, without training. A stateful
 * model walks them as one stream (in batches of its fixed size) from a zero state.
 */
export function evaluateModel(model: tf.LayersModel, spec: ModelSpec, dataset: WindowDataset): EpochTotals {
  const rows = spec.stateful ? spec.batchSize : 256
  const count = dataset.labels.length - (spec.stateful ? dataset.labels.length % rows : 0)
  const scoring = modelScoring(spec)
  const sums = new EpochSums()
  try {
    if (spec.stateful) model.resetStates()
    for (let start = 0; start < count; start += rows) {
      const end = Math.min(start + rows, count)
      if (spec.stateful) resetStateRows(model, songStartRows(Array.from({ length: end - start }, (_, i) => start + i), dataset.starts))
      tf.tidy(() => {
        const x = tf.tensor(dataset.inputs.slice(start, end).flat(2), inputShape(spec, end - start))
        const labels = tf.tensor1d(dataset.labels.slice(start, end), 'int32')
        sums.add(scoring.score(model.predictOnBatch(scoring.inputs(x)), labels))
      })
    }
    if (spec.stateful) model.resetStates()
    // windows left over by a stateful batch count at the mean of the rest
    return sums.totals(dataset.labels.length / Math.max(count, 1))
  } finally {
    sums.dispose()
  }
}

/** Each output head's figures for an epoch, where the model has heads. */
function headProgress(names: readonly string[], totals: EpochTotals, trained: number, validation: EpochTotals | undefined, validationCount: number): Pick<EpochProgress, 'heads'> {
  if (names.length === 0 || !totals.heads) return {}
  return {
    heads: names.map((name, index) => {
      const head = totals.heads?.[index]
      const held = validation?.heads?.[index]
      return {
        name,
        loss: (head?.lossSum ?? 0) / trained,
        accuracy: (head?.correct ?? 0) / trained,
        ...(held ? { valLoss: held.lossSum / validationCount, valAccuracy: held.correct / validationCount } : {})
      }
    })
  }
}

/** One implementation of training: tfjs's operations or the fast CPU path. */
interface EpochRunner {
  readonly path: TrainingPath
  /** The model's output heads (a functional model's; empty for a stack). */
  readonly heads: readonly string[]
  resetStates(): void
  runEpoch(
    batches: readonly number[][],
    signal: AbortSignal | undefined,
    epochsDone: number,
    yieldNow: () => Promise<void>,
    afterBatch: AfterBatch | undefined
  ): Promise<EpochTotals>
  /** Loss and hits over a dataset without training (a stateful model walks it as one stream). */
  evaluate(dataset: WindowDataset): EpochTotals
  /** The same over held-out sequences (sequence runners only). */
  evaluateSequences?(dataset: SequenceDataset): EpochTotals
  check(epoch: number): SongPredictions
  setLearningRate(learningRate: number): void
  /** A copy of the weights, to go back to (restore_best_weights). */
  snapshot(): { restore(): void; dispose(): void }
  /** Puts the current weights into the tfjs model (before a checkpoint is saved). */
  syncModel(): void
  /** Leaves the trained weights in the tfjs model and frees what the runner made. */
  finish(): void
}

function tfjsRunner(model: tf.LayersModel, spec: ModelSpec, data: TrainingData, path: TrainingPath): EpochRunner {
  const optimizer = tf.train.adam(spec.learningRate)
  const tensors = sampleTensors(spec, data.dataset)
  const snapshots = new Set<tf.Tensor[]>()
  return {
    path,
    heads: tensors.scoring.heads,
    resetStates: () => {
      if (spec.stateful) model.resetStates()
    },
    runEpoch: (batches, signal, epochsDone, yieldNow, afterBatch) =>
      trainEpoch(model, optimizer, tensors, batches, signal, epochsDone, yieldNow, spec.stateful ? data.dataset.starts : undefined, afterBatch),
    evaluate: (dataset) => evaluateModel(model, spec, dataset),
    check: (epoch) => checkAgainstSong(model, spec, data, epoch, 'off'),
    setLearningRate: (learningRate) => setAdamLearningRate(optimizer, learningRate),
    snapshot: () => weightSnapshot(model, snapshots),
    syncModel: () => undefined,
    finish: () => {
      tf.dispose([tensors.xs, tensors.labels, ...[...snapshots].flat()])
      optimizer.dispose()
      if (spec.stateful) model.resetStates()
    }
  }
}

function fastRunner(model: tf.LayersModel, spec: ModelSpec, data: TrainingData, plan: NetworkPlan, path: TrainingPath): EpochRunner {
  const network = new FastNetwork(plan, Math.max(spec.batchSize, spec.stateful ? 1 : 64))
  network.readWeightsFrom(model)
  const samples = Float32Array.from(data.dataset.inputs.flat(2))
  const labels = Int32Array.from(data.dataset.labels)
  const predictor = fastPredictor(network)
  const adam = { learningRate: spec.learningRate }
  return {
    path,
    heads: [],
    resetStates: () => network.resetStates(),
    async runEpoch(batches, signal, epochsDone, yieldNow, afterBatch) {
      let lossSum = 0
      let correct = 0
      for (const [index, batch] of batches.entries()) {
        if (signal?.aborted) throw new TrainingCancelledError(epochsDone)
        if (spec.stateful) network.resetRows(songStartRows(batch, data.dataset.starts))
        const totals = network.trainBatch(samples, labels, batch, adam)
        lossSum += totals.lossSum
        correct += totals.correct
        await afterBatch?.(index)
        await yieldNow()
      }
      return { lossSum, correct }
    },
    evaluate(dataset) {
      const inputs = Float32Array.from(dataset.inputs.flat(2))
      const targets = Int32Array.from(dataset.labels)
      const rows = spec.stateful ? spec.batchSize : network.maxRows
      const count = dataset.labels.length - (spec.stateful ? dataset.labels.length % rows : 0)
      let lossSum = 0
      let correct = 0
      network.resetStates()
      for (let start = 0; start < count; start += rows) {
        const batch = Array.from({ length: Math.min(rows, count - start) }, (_, i) => start + i)
        if (spec.stateful) network.resetRows(songStartRows(batch, dataset.starts))
        const totals = network.evaluate(inputs, targets, batch)
        lossSum += totals.lossSum
        correct += totals.correct
      }
      network.resetStates()
      return { lossSum: (lossSum / Math.max(count, 1)) * dataset.labels.length, correct: (correct / Math.max(count, 1)) * dataset.labels.length }
    },
    check: (epoch) => checkWithPredictor(predictor, spec, data, epoch),
    setLearningRate: (learningRate) => {
      adam.learningRate = learningRate
    },
    snapshot: () => fastWeightSnapshot(network),
    syncModel: () => network.writeWeightsTo(model),
    finish: () => {
      try {
        network.writeWeightsTo(model)
      } finally {
        network.dispose()
      }
      if (spec.stateful) model.resetStates()
    }
  }
}

function sequenceEpochRunner(model: tf.LayersModel, spec: ModelSpec, data: TrainingData, sequences: SequenceDataset, chosen: { path: TrainingPath; plan?: NetworkPlan }): EpochRunner {
  const runner = sequenceRunner(model, spec, sequences, data.encoding, chosen)
  return {
    path: runner.path,
    heads: [],
    resetStates: () => runner.resetStates(),
    runEpoch: (_batches, signal, epochsDone, yieldNow, afterBatch) => runner.runEpoch(signal, epochsDone, yieldNow, afterBatch),
    evaluate: () => {
      throw new OptionError('a sequence-trained run is validated on held-out sequences (validationSequences), not windows')
    },
    evaluateSequences: (dataset) => runner.evaluate(dataset),
    check: (epoch) => {
      runner.syncModel()
      return checkAgainstSong(model, spec, data, epoch, 'off')
    },
    setLearningRate: (learningRate) => runner.setLearningRate(learningRate),
    snapshot: () => runner.snapshot(),
    syncModel: () => runner.syncModel(),
    finish: () => runner.finish()
  }
}

/**
 * The built-in callbacks the shorthand options ask for, in the order they have always run:
 * onEpochEnd, checkpoint, early stopping, learning rate on plateau, until perfect.
 */
export function callbacksFromOptions(options: TrainOptions): TrainingCallback[] {
  const { onEpochEnd, checkpoint, earlyStopping, reduceLrOnPlateau } = options
  return [
    ...(onEpochEnd ? [new LambdaCallback({ onEpochEnd: (progress) => onEpochEnd(progress) })] : []),
    ...(checkpoint ? [new ModelCheckpoint(checkpoint)] : []),
    ...(earlyStopping ? [new EarlyStopping(earlyStopping)] : []),
    ...(reduceLrOnPlateau ? [new ReduceLrOnPlateau(reduceLrOnPlateau)] : []),
    ...(options.untilPerfect ? [new UntilPerfect({ checkEvery: options.checkEvery, onCheck: options.onCheck })] : [])
  ]
}

/** Calls one hook of every callback in turn, awaiting those that return a promise. */
async function callEach(callbacks: readonly TrainingCallback[], hook: (callback: TrainingCallback) => unknown): Promise<void> {
  for (const callback of callbacks) {
    const pending = hook(callback)
    if (pending instanceof Promise) await pending
  }
}

/** The context the callbacks of one run act through; it holds what they asked for. */
class TrainingRun implements TrainingContext {
  epoch: number
  learningRate: number
  stopRequest: StopRequest | undefined
  endSnapshot: WeightsSnapshot | undefined
  bestEpoch: number | undefined
  private ended = false

  constructor(
    readonly model: tf.LayersModel,
    readonly spec: ModelSpec,
    private readonly runner: EpochRunner,
    firstEpoch: number
  ) {
    this.epoch = firstEpoch - 1
    this.learningRate = spec.learningRate
  }

  get path(): TrainingPath {
    return this.runner.path
  }

  /** The runner, while the run lasts: after it, the weights are the model's and stay as they are. */
  private live(action: string): EpochRunner {
    if (this.ended) throw new Error(`cannot ${action}: the training has ended`)
    return this.runner
  }

  setLearningRate(learningRate: number): void {
    this.live('set the learning rate').setLearningRate(learningRate)
    this.learningRate = learningRate
  }

  stop(request: StopRequest): void {
    this.live('stop the training')
    this.stopRequest ??= request
  }

  snapshotWeights(): WeightsSnapshot {
    const copy = this.live('take a snapshot').snapshot()
    const epoch = this.epoch
    return {
      epoch,
      restore: () => {
        this.live('restore a snapshot')
        copy.restore()
      },
      dispose: () => copy.dispose()
    }
  }

  endWith(snapshot: WeightsSnapshot | undefined): void {
    this.live('choose the weights to end with')
    this.endSnapshot = snapshot
  }

  syncModel(): void {
    this.live('sync the model').syncModel()
  }

  checkAgainstSong(): SongPredictions {
    return this.live('check against the song').check(this.epoch)
  }

  setBestEpoch(epoch: number): void {
    this.bestEpoch = epoch
  }

  end(): void {
    this.ended = true
  }
}

/**
 * Trains with our own loop rather than `model.fit`: batches are shuffled from the spec's seed (fit
 * shuffles with Math.random), a stateful model's state is reset at every epoch start as the seed
 * does with `reset_states()`, and cancellation works between batches. Small models train on the
 * fast CPU path (see `chooseTrainingPath`); either way the trained weights end up in `model`.
 * With validation data every epoch also reports val_loss and val_accuracy, which the callbacks
 * (early stopping, learning rate on plateau, best-only checkpoints) may watch.
 * @throws TrainingCancelledError when `signal` is aborted
 */
/** The fast path's choice with the system BLAS loaded for it (once per process), named in its reason. */
async function withSystemBlas<T extends { path: TrainingPath; plan?: NetworkPlan }>(chosen: T): Promise<T> {
  if (!chosen.plan) return chosen
  const blas = await loadSystemBlas()
  return { ...chosen, path: { ...chosen.path, reason: `${chosen.path.reason}; ${blas.ok ? `large products through ${blas.blas.description}` : `no system BLAS: ${blas.reason}`}` } }
}

export async function trainModel(
  model: tf.LayersModel,
  spec: ModelSpec,
  data: TrainingData,
  options: TrainOptions = {}
): Promise<TrainingOutcome> {
  const sequences = data.sequences
  const samples = sequences ? sequences.steps : data.dataset.labels.length
  const random = seededRandom(spec.seed)
  const firstEpoch = (options.resumeAfterEpoch ?? 0) + 1
  // A resumed run shuffles its epochs as the uninterrupted run would have (sequences are not shuffled).
  if (!sequences) for (let epoch = 1; epoch < firstEpoch; epoch++) epochBatches(spec, samples, random)
  const chosen = await withSystemBlas(chooseTrainingPath(model, options.fastPath ?? 'auto'))
  const runner = sequences
    ? sequenceEpochRunner(model, spec, data, sequences, chosen)
    : chosen.plan
      ? fastRunner(model, spec, data, chosen.plan, chosen.path)
      : tfjsRunner(model, spec, data, chosen.path)
  const callbacks = [...callbacksFromOptions(options), ...(options.callbacks ?? [])]
  const batchCallbacks = callbacks.filter((callback) => callback.onBatchEnd)
  const run = new TrainingRun(model, spec, runner, firstEpoch)
  const afterBatch: AfterBatch | undefined =
    batchCallbacks.length > 0 ? (batch) => callEach(batchCallbacks, (callback) => callback.onBatchEnd?.(batch, run)) : undefined
  const clock = options.clock ?? (() => performance.now())
  const history: EpochProgress[] = []
  const yieldNow = eventLoopYielder()
  let trainMs = 0
  let stoppedByUser: TrainingOutcome['stoppedByUser']
  try {
    await callEach(callbacks, (callback) => callback.onTrainBegin?.(run))
    for (let epoch = firstEpoch; epoch <= spec.epochs && !run.stopRequest; epoch++) {
      run.epoch = epoch
      await callEach(callbacks, (callback) => callback.onEpochBegin?.(epoch, run))
      if (run.stopRequest) break
      const started = clock()
      runner.resetStates()
      const batches = sequences ? [] : epochBatches(spec, samples, random)
      let totals: EpochTotals
      try {
        totals = await runner.runEpoch(batches, options.signal, epoch - 1, yieldNow, afterBatch)
      } catch (error) {
        const last = history.at(-1)
        if (!(error instanceof TrainingCancelledError && options.keepOnStop && last)) throw error
        stoppedByUser = { epoch: last.epoch }
        break
      }
      runner.resetStates()
      const epochMs = clock() - started
      trainMs += epochMs
      const validation =
        options.validationSequences && runner.evaluateSequences
          ? runner.evaluateSequences(options.validationSequences)
          : options.validation
            ? runner.evaluate(options.validation)
            : undefined
      const validationCount = validation?.count ?? options.validation?.labels.length ?? 0
      const trained = totals.count ?? samples
      const progress: EpochProgress = {
        epoch,
        epochs: spec.epochs,
        loss: totals.lossSum / trained,
        accuracy: totals.correct / trained,
        ...(validation
          ? {
              valLoss: validation.lossSum / validationCount,
              valAccuracy: validation.correct / validationCount,
              valAccuracyFromWindow: validation.lateCount !== undefined ? (validation.lateCorrect ?? 0) / Math.max(validation.lateCount, 1) : validation.correct / validationCount
            }
          : {}),
        learningRate: run.learningRate,
        ...headProgress(runner.heads, totals, trained, validation, validationCount),
        elapsedMs: trainMs,
        etaMs: (trainMs / (epoch - firstEpoch + 1)) * (spec.epochs - epoch),
        samplesPerSecond: trained / (epochMs / 1000)
      }
      history.push(progress)
      await callEach(callbacks, (callback) => callback.onEpochEnd?.(progress, run))
    }
    // Keras restores the best weights when it stops early; we also do at the end of the epochs.
    run.endSnapshot?.restore()
  } finally {
    runner.finish()
    run.end()
  }
  const lastEpoch = history.at(-1)?.epoch ?? firstEpoch - 1
  const stop = run.stopRequest
  const outcome: TrainingOutcome = {
    epochsRun: history.length,
    trainMs,
    history,
    perfectAtEpoch: stop?.reason === 'perfect' ? lastEpoch : undefined,
    path: runner.path,
    stoppedEarly: stop?.reason === 'early-stopping' ? { epoch: lastEpoch, bestEpoch: stop.bestEpoch } : undefined,
    stoppedByUser,
    weightsEpoch: run.endSnapshot?.epoch ?? lastEpoch,
    bestEpoch: run.bestEpoch,
    ...(stop?.reason === 'callback' ? { stoppedByCallback: { epoch: lastEpoch, message: stop.message } } : {})
  }
  await callEach(callbacks, (callback) => callback.onTrainEnd?.(outcome, run))
  return outcome
}
