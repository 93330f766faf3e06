/**
 * The books' Keras callbacks, for our training loop: EarlyStopping, ReduceLROnPlateau and
 * ModelCheckpoint watch one metric of the epoch ("monitor") and act when it stops improving
 * (losses improve downwards, accuracies upwards), and the metrics log exports as CSV.
 */
import type { MetricsRow } from '../../shared/metricsCsv'

export const MONITORS = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const
export type Monitor = (typeof MONITORS)[number]

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

export { metricsToCsv } from '../../shared/metricsCsv'
