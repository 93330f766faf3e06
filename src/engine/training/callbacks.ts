/**
 * The books' Keras callbacks, for our training loop, as objects with hooks the trainer calls
 * (`TrainingCallback`, as Keras's and tfjs's callbacks): EarlyStopping, ReduceLrOnPlateau and
 * ModelCheckpoint watch one metric of the epoch ("monitor") and act when it stops improving
 * (losses improve downwards, accuracies upwards); UntilPerfect checks the model against its
 * song every few epochs; LambdaCallback wraps plain functions. The metrics log exports as CSV.
 */
import type * as tf from '@tensorflow/tfjs'
import type { MetricsRow } from '../../shared/metricsCsv'
import type { TrainingPath } from '../fastcpu/choosePath'
import type { ModelSpec } from '../models/spec'
import type { EpochProgress, SongPredictions, TrainingOutcome } from './trainer'

export { MONITOR_NAMES as MONITORS, type MonitorName as Monitor } from '../../shared/studioNames'
import type { MonitorName as Monitor } from '../../shared/studioNames'

export interface EarlyStoppingOptions {
  readonly monitor: Monitor
  /** Epochs without improvement before stopping. */
  readonly patience: number
  /** Smaller changes do not count as improvement (default 0). */
  readonly minDelta?: number
  /** Put back the weights of the best epoch when stopping (and at the end). */
  readonly restoreBestWeights?: boolean
}

export interface ReduceLrOnPlateauOptions {
  readonly monitor: Monitor
  /** The learning rate is multiplied by this (0 < factor < 1). */
  readonly factor: number
  readonly patience: number
  readonly minLearningRate?: number
  readonly minDelta?: number
}

export interface CheckpointOptions {
  readonly monitor: Monitor
  /** Called with the model holding the weights of a new best epoch (best only, as save_best_only). */
  save(epoch: number): Promise<void>
}

/** The figures of one epoch a callback can watch (one row of the metrics log). */
export type EpochMetrics = MetricsRow

export function monitoredValue(metrics: EpochMetrics, monitor: Monitor): number | undefined {
  switch (monitor) {
    case 'loss':
      return metrics.loss
    case 'accuracy':
      return metrics.accuracy
    case 'val_loss':
      return metrics.valLoss
    case 'val_accuracy':
      return metrics.valAccuracy
  }
}

/** Follows one metric: its best value, the epoch of it, and epochs waited since. */
export class MetricWatch {
  best: number | undefined
  bestEpoch = 0
  waited = 0

  constructor(
    readonly monitor: Monitor,
    private readonly minDelta = 0
  ) {}

  /** Takes an epoch's metrics; true when the monitored value is a new best. */
  update(metrics: EpochMetrics): boolean {
    const value = monitoredValue(metrics, this.monitor)
    if (value === undefined || Number.isNaN(value)) throw new Error(`the monitored metric ${this.monitor} is not measured (is there validation data?)`)
    const lowerIsBetter = this.monitor.endsWith('loss')
    const improved =
      this.best === undefined || (lowerIsBetter ? value < this.best - this.minDelta : value > this.best + this.minDelta)
    if (improved) {
      this.best = value
      this.bestEpoch = metrics.epoch
      this.waited = 0
    } else {
      this.waited++
    }
    return improved
  }
}


/** Why a callback asks the training to stop; the outcome reports each in its own field. */
export type StopRequest =
  /** Early stopping: `stoppedEarly` with the monitor's best epoch. */
  | { readonly reason: 'early-stopping'; readonly bestEpoch: number }
  /** One-step and full-song predictions are both right: `perfectAtEpoch`. */
  | { readonly reason: 'perfect' }
  /** Any other reason a callback has: `stoppedByCallback` with its message. */
  | { readonly reason: 'callback'; readonly message: string }

/** A copy of the weights being trained, taken at the end of an epoch. */
export interface WeightsSnapshot {
  /** The epoch whose weights it holds. */
  readonly epoch: number
  /** Puts these weights back into the network being trained. */
  restore(): void
  /** Frees the copy; snapshots still held are freed when training ends. */
  dispose(): void
}

/**
 * What a callback can see of a training run and ask of it. The weights live in the trainer's own
 * network while training (the fast CPU path trains a copy of the tfjs model): `syncModel` puts
 * them into `model`, as a checkpoint needs before saving. After the run (in `onTrainEnd`) the
 * model holds the final weights and the methods that act on training throw.
 */
export interface TrainingContext {
  readonly model: tf.LayersModel
  readonly spec: ModelSpec
  readonly path: TrainingPath
  /** The epoch in progress, or the one just ended. */
  readonly epoch: number
  /** The learning rate the next batch trains with. */
  readonly learningRate: number
  setLearningRate(learningRate: number): void
  /** The stop asked for so far in this run (the first request wins), if any. */
  readonly stopRequest: StopRequest | undefined
  /**
   * Ends the run once the current epoch's callbacks have all run (from `onTrainBegin` or
   * `onEpochBegin`, before the epoch trains); to stop in the middle of an epoch, abort the signal.
   */
  stop(request: StopRequest): void
  /** A copy of the current weights, labelled with the current epoch. */
  snapshotWeights(): WeightsSnapshot
  /**
   * The weights to end on: restored when the run ends however it ends (short of an error), and
   * reported as the outcome's `weightsEpoch`. Undefined ends on the last weights.
   */
  endWith(snapshot: WeightsSnapshot | undefined): void
  /** Puts the current weights into `model`. */
  syncModel(): void
  /** The one-step and full-song predictions of the current weights against the song. */
  checkAgainstSong(): SongPredictions
  /** The best epoch of a watched metric, reported as the outcome's `bestEpoch`. */
  setBestEpoch(epoch: number): void
}

/**
 * Hooks the trainer calls, in the order the callbacks were given; every hook may be async and
 * is awaited before the next one runs. `onBatchEnd` runs inside the epoch (and its timing):
 * leave it out unless needed, as the trainer skips the per-batch calls when no callback has one.
 * A run that throws (a cancel without `keepOnStop`) calls no `onTrainEnd`.
 */
export interface TrainingCallback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>
  /** `batch` counts the batches of the epoch from 0. */
  onBatchEnd?(batch: number, context: TrainingContext): void | Promise<void>
  onEpochEnd?(progress: EpochProgress, context: TrainingContext): void | Promise<void>
  /** The run is over and `model` holds the weights it ended on. */
  onTrainEnd?(outcome: TrainingOutcome, context: TrainingContext): void | Promise<void>
}

/** A callback made of functions, as Keras's LambdaCallback: only the hooks given are set. */
export class LambdaCallback implements TrainingCallback {
  readonly onTrainBegin: TrainingCallback['onTrainBegin']
  readonly onEpochBegin: TrainingCallback['onEpochBegin']
  readonly onBatchEnd: TrainingCallback['onBatchEnd']
  readonly onEpochEnd: TrainingCallback['onEpochEnd']
  readonly onTrainEnd: TrainingCallback['onTrainEnd']

  constructor(hooks: TrainingCallback) {
    this.onTrainBegin = hooks.onTrainBegin
    this.onEpochBegin = hooks.onEpochBegin
    this.onBatchEnd = hooks.onBatchEnd
    this.onEpochEnd = hooks.onEpochEnd
    this.onTrainEnd = hooks.onTrainEnd
  }
}

/**
 * Keras's EarlyStopping: stops after `patience` epochs without improvement of the monitor, and
 * with `restoreBestWeights` ends on the best epoch's weights (also when the run ends otherwise).
 */
export class EarlyStopping implements TrainingCallback {
  private watch: MetricWatch
  private best: WeightsSnapshot | undefined

  constructor(readonly options: EarlyStoppingOptions) {
    this.watch = new MetricWatch(options.monitor, options.minDelta)
  }

  /** The best epoch of the last run (0 before any epoch). */
  get bestEpoch(): number {
    return this.watch.bestEpoch
  }

  onTrainBegin(context: TrainingContext): void {
    // a fresh watch, so one instance can serve several runs
    this.watch = new MetricWatch(this.options.monitor, this.options.minDelta)
    this.best = undefined
    context.setBestEpoch(0)
  }

  onEpochEnd(progress: EpochProgress, context: TrainingContext): void {
    if (this.watch.update(progress)) {
      context.setBestEpoch(progress.epoch)
      if (this.options.restoreBestWeights) {
        const previous = this.best
        this.best = context.snapshotWeights()
        context.endWith(this.best)
        previous?.dispose()
      }
    }
    if (this.watch.waited >= this.options.patience) context.stop({ reason: 'early-stopping', bestEpoch: this.watch.bestEpoch })
  }
}

/**
 * Keras's ReduceLROnPlateau: after `patience` epochs without improvement the learning rate is
 * multiplied by `factor`, not below `minLearningRate`. It does nothing at an epoch a callback
 * before it has ended the run: there is no next epoch to train slower.
 */
export class ReduceLrOnPlateau implements TrainingCallback {
  private watch: MetricWatch

  constructor(readonly options: ReduceLrOnPlateauOptions) {
    this.watch = new MetricWatch(options.monitor, options.minDelta)
  }

  onTrainBegin(): void {
    this.watch = new MetricWatch(this.options.monitor, this.options.minDelta)
  }

  onEpochEnd(progress: EpochProgress, context: TrainingContext): void {
    if (context.stopRequest) return
    this.watch.update(progress)
    if (this.watch.waited < this.options.patience) return
    const lowered = Math.max(context.learningRate * this.options.factor, this.options.minLearningRate ?? 0)
    if (lowered < context.learningRate) context.setLearningRate(lowered)
    this.watch.waited = 0
  }
}

/** Keras's ModelCheckpoint with save_best_only: saves whenever the monitor reaches a new best. */
export class ModelCheckpoint implements TrainingCallback {
  private watch: MetricWatch

  constructor(readonly options: CheckpointOptions) {
    this.watch = new MetricWatch(options.monitor)
  }

  onTrainBegin(): void {
    this.watch = new MetricWatch(this.options.monitor)
  }

  onEpochEnd(progress: EpochProgress, context: TrainingContext): Promise<void> | undefined {
    if (!this.watch.update(progress)) return undefined
    context.syncModel()
    return this.options.save(progress.epoch)
  }
}

export interface UntilPerfectOptions {
  /** Epochs between checks (default 10); the last epoch is always checked. */
  readonly checkEvery?: number
  readonly onCheck?: (check: SongPredictions) => void
}

/**
 * The seed's "train until perfect": every `checkEvery` epochs predicts the song one step at a
 * time and in full, and stops the run when both are right throughout. It does not check at an
 * epoch a callback before it has already ended the run.
 */
export class UntilPerfect implements TrainingCallback {
  readonly checkEvery: number

  constructor(readonly options: UntilPerfectOptions = {}) {
    this.checkEvery = Math.max(1, options.checkEvery ?? 10)
  }

  onEpochEnd(progress: EpochProgress, context: TrainingContext): void {
    if (context.stopRequest) return
    if (progress.epoch % this.checkEvery !== 0 && progress.epoch !== progress.epochs) return
    const check = context.checkAgainstSong()
    this.options.onCheck?.(check)
    if (check.oneStep.accuracy === 1 && check.fullSong.accuracy === 1) context.stop({ reason: 'perfect' })
  }
}

export { metricsToCsv } from '../../shared/metricsCsv'
