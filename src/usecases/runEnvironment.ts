// What a run takes from where it runs rather than from its request: the backend, the fast CPU
// path, the stop signal and who watches its epochs.
import { join } from 'node:path'
import { chooseBackend, type BackendChoice } from '../engine/backend/chooseBackend'
import { OptionError } from '../engine/errors'
import type { ModelSpec } from '../engine/models/spec'
import { resolveFastPathSetting, type FastPathSetting } from '../engine/fastcpu/choosePath'
import { EarlyStopping, LambdaCallback, ReduceLrOnPlateau, type TrainingCallback } from '../engine/training/callbacks'
import { TensorBoardLogger } from '../engine/training/tensorboardLogger'
import type { EpochProgress, TrainOptions } from '../engine/training/trainer'
import type { CallbacksView, CorpusSummary, TrainingProgress } from '../shared/studioApi'
import { progressThrottle } from './runProgress'

export interface RunEnvironment {
  /** The process's environment: MELODY_STUDIO_BACKEND and MELODY_STUDIO_FAST_PATH are read from it. */
  readonly env?: Record<string, string | undefined>
  /** A backend asked for by name (the command line's --backend), else the best the machine has. */
  readonly backend?: string
  /** The command line's --fast-path (else the environment's, else auto). */
  readonly fastPath?: string
  /** Stop between batches; a run stopped after its first epoch ends as a finished run with its work kept. */
  readonly signal?: AbortSignal
  /** Every epoch, as the trainer reports it (a terminal's progress bar). */
  readonly onEpochEnd?: (progress: EpochProgress) => void
  /** Batched epochs for a UI (see progressThrottle). */
  readonly onProgress?: (progress: TrainingProgress) => void
  /** Told once the backend is chosen and the data and model are set up, before the first epoch. */
  readonly onStart?: (start: RunStart) => void
}

/** What a run is about to train: for a log's first lines. */
export interface RunStart {
  readonly backend: BackendChoice
  readonly spec: ModelSpec
  /** Training windows (samples). */
  readonly samples: number
  /** Set when going on from a saved run. */
  readonly resumedAfterEpoch?: number
  /** A run on many songs: how they were split (its best epoch not known yet). */
  readonly corpus?: CorpusSummary
}

export interface PreparedEnvironment {
  readonly backend: BackendChoice
  readonly fastPath: FastPathSetting
  /** The trainer's options for stopping the run and the path to train on; `finish` sends what the throttle held back. */
  readonly watch: Pick<TrainOptions, 'signal' | 'keepOnStop' | 'fastPath'>
  /** The callback that reports every epoch to whoever watches (first, as Keras's progress logger is). */
  readonly reporter: TrainingCallback
  finish(): void
}

export async function prepareEnvironment(runId: string, environment: RunEnvironment): Promise<PreparedEnvironment> {
  const env = environment.env ?? {}
  const backend = await chooseBackend({ force: environment.backend, env })
  const fastPath = resolveFastPathSetting(environment.fastPath, env)
  const throttle = environment.onProgress ? progressThrottle(runId, environment.onProgress) : undefined
  return {
    backend,
    fastPath,
    watch: { fastPath, keepOnStop: true, ...(environment.signal ? { signal: environment.signal } : {}) },
    reporter: new LambdaCallback({
      onEpochEnd: (progress) => {
        environment.onEpochEnd?.(progress)
        throttle?.epochEnded(progress)
      }
    }),
    finish: () => throttle?.flush()
  }
}

/**
 * The request's callbacks as the trainer's instances, in the order they act at an epoch's end
 * (early stopping before the learning rate, as Keras lists them).
 * @throws OptionError when a callback watches validation figures a run without held-out songs has not got
 */
export function requestCallbacks(callbacks: CallbacksView | undefined, hasValidation: boolean): TrainingCallback[] {
  const early = callbacks?.earlyStopping
  const plateau = callbacks?.reduceLrOnPlateau
  for (const monitor of [early?.monitor, plateau?.monitor]) {
    if (!hasValidation && monitor?.startsWith('val_')) {
      throw new OptionError(`${monitor} is measured on held-out songs: train on many songs to watch it, or watch loss or accuracy`)
    }
  }
  return [...(early ? [new EarlyStopping(early)] : []), ...(plateau ? [new ReduceLrOnPlateau(plateau)] : [])]
}

/** A saved run's TensorBoard logs (`train/`, `validation/`) go in this folder of its own. */
export function runLogsFolder(saveTo: string): string {
  return join(saveTo, 'logs')
}

/** The TensorBoard callback of a run saved to a folder; a run not saved keeps no logs. */
export function runTensorBoardLogger(saveTo: string | undefined): TensorBoardLogger | undefined {
  return saveTo === undefined ? undefined : new TensorBoardLogger(runLogsFolder(saveTo))
}

/** What a run's outcome says of its logs: where they are, and why they stopped if they did. */
export function logsOf(logger: TensorBoardLogger | undefined): { logsFolder?: string; logsProblem?: string } {
  if (!logger) return {}
  return { logsFolder: logger.logsFolder, ...(logger.problem !== undefined ? { logsProblem: logger.problem } : {}) }
}
