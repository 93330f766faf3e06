/**
 * Keras's TensorBoard callback for our trainer: every epoch's figures as TensorBoard scalars, laid
 * out as Keras lays them out, so `tensorboard --logdir <logs>` shows a studio run beside Keras runs:
 *   <logs>/train/       epoch_loss, epoch_accuracy, epoch_learning_rate, epoch_<head>_loss, epoch_<head>_accuracy
 *   <logs>/validation/  epoch_loss, epoch_accuracy, epoch_<head>_loss, epoch_<head>_accuracy (when there is held-out data)
 * The step is the epoch's number, so a resumed run goes on where its first part ended.
 * Logs are a by-product: a write that fails stops the logging, never the training (see `problem`).
 */
import { join } from 'node:path'
import { TENSORBOARD_MAX_FILE_BYTES } from '../../shared/limits'
import type { TrainingCallback } from './callbacks'
import { TensorBoardWriter, type Scalar } from './tensorboardEvents'
import type { EpochProgress } from './trainer'

export interface TensorBoardLoggerOptions {
  /** Told once, when logging stops (a write failed, or a file reached its size limit). */
  readonly onProblem?: (message: string) => void
  /** The largest events file written (default TENSORBOARD_MAX_FILE_BYTES). */
  readonly maxFileBytes?: number
  /** Wall clock in milliseconds since 1970 (default Date.now). */
  readonly now?: () => number
}

type Split = 'train' | 'validation'

/** An epoch's figures for one folder, with Keras's tags. */
export function epochScalars(progress: EpochProgress, split: Split): Scalar[] {
  const scalars: Scalar[] = []
  if (split === 'train') {
    scalars.push({ tag: 'epoch_loss', value: progress.loss }, { tag: 'epoch_accuracy', value: progress.accuracy })
    if (progress.learningRate !== undefined) scalars.push({ tag: 'epoch_learning_rate', value: progress.learningRate })
    for (const head of progress.heads ?? []) {
      scalars.push({ tag: `epoch_${head.name}_loss`, value: head.loss }, { tag: `epoch_${head.name}_accuracy`, value: head.accuracy })
    }
    return scalars
  }
  if (progress.valLoss !== undefined) scalars.push({ tag: 'epoch_loss', value: progress.valLoss })
  if (progress.valAccuracy !== undefined) scalars.push({ tag: 'epoch_accuracy', value: progress.valAccuracy })
  for (const head of progress.heads ?? []) {
    if (head.valLoss !== undefined) scalars.push({ tag: `epoch_${head.name}_loss`, value: head.valLoss })
    if (head.valAccuracy !== undefined) scalars.push({ tag: `epoch_${head.name}_accuracy`, value: head.valAccuracy })
  }
  return scalars
}

export class TensorBoardLogger implements TrainingCallback {
  /** Why logging stopped, if it did: the run's later epochs are not in the logs. */
  problem: string | undefined
  /** One events file per folder for the run, opened at the first epoch that has figures for it. */
  private readonly writers = new Map<Split, Promise<TensorBoardWriter>>()

  constructor(
    /** The run's logs folder: `train/` and `validation/` go in it. */
    readonly logsFolder: string,
    private readonly options: TensorBoardLoggerOptions = {}
  ) {}

  async onEpochEnd(progress: EpochProgress): Promise<void> {
    if (this.problem !== undefined) return
    try {
      for (const split of ['train', 'validation'] as const) {
        const scalars = epochScalars(progress, split)
        if (scalars.length === 0) continue
        const writer = await this.writer(split)
        await writer.writeScalars(progress.epoch, scalars)
      }
    } catch (error) {
      this.stop(`TensorBoard logs in ${this.logsFolder} stopped at epoch ${progress.epoch}: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  onTrainEnd(): Promise<void> {
    return this.close()
  }

  /** Closes the run's files (again is harmless): for a run that threw, which calls no onTrainEnd. */
  async close(): Promise<void> {
    const writers = [...this.writers.values()]
    this.writers.clear()
    for (const settled of await Promise.allSettled(writers.map(async (pending) => (await pending).close()))) {
      // a file that never opened has already been reported
      if (settled.status === 'rejected' && this.problem === undefined) this.stop(`TensorBoard logs in ${this.logsFolder}: ${String(settled.reason)}`)
    }
  }

  private writer(split: Split): Promise<TensorBoardWriter> {
    let writer = this.writers.get(split)
    if (!writer) {
      writer = TensorBoardWriter.create(join(this.logsFolder, split), {
        maxFileBytes: this.options.maxFileBytes ?? TENSORBOARD_MAX_FILE_BYTES,
        ...(this.options.now ? { now: this.options.now } : {})
      })
      this.writers.set(split, writer)
    }
    return writer
  }

  private stop(message: string): void {
    this.problem = message
    this.options.onProblem?.(message)
  }
}
