// How a run's epochs reach whoever watches it: batched, so a run of a thousand epochs a second
// does not flood the UI, yet every epoch reaches the curves.
import type { EpochProgress } from '../engine/training/trainer'
import type { EpochPoint, TrainingProgress } from '../shared/studioApi'
import { epochPointOf } from './runRecords'

/** At most this often a progress event leaves the training process: what a chart can draw. */
export const PROGRESS_EVERY_MS = 100

/**
 * Sends the epochs' figures at most every PROGRESS_EVERY_MS, each event carrying every epoch
 * since the one before (the last epoch is always sent at once); `flush` sends what a run that
 * ended early held back. `now` is the clock (a test passes its own).
 */
export function progressThrottle(runId: string, onProgress: (progress: TrainingProgress) => void, now: () => number = () => performance.now()) {
  let lastSent = Number.NEGATIVE_INFINITY
  let pending: EpochPoint[] = []
  let latest: EpochProgress | undefined
  return {
    epochEnded(progress: EpochProgress) {
      latest = progress
      pending.push(epochPointOf(progress))
      const time = now()
      if (time - lastSent < PROGRESS_EVERY_MS && progress.epoch !== progress.epochs) return
      lastSent = time
      onProgress({ runId, ...progress, points: pending })
      pending = []
    },
    flush() {
      if (latest && pending.length > 0) onProgress({ runId, ...latest, points: pending })
      pending = []
    }
  }
}
