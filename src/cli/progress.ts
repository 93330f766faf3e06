import type { EpochProgress } from '../engine'

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`
}

/** One terminal line: a bar, the epoch, loss and accuracy, time left and speed. */
export function renderProgressBar(progress: EpochProgress, columns: number): string {
  const text = ` epoch ${progress.epoch}/${progress.epochs}  loss ${progress.loss.toFixed(4)}  acc ${(progress.accuracy * 100).toFixed(1)}%  ${formatDuration(progress.etaMs)} left  ${Math.round(progress.samplesPerSecond)} samples/s`
  const width = Math.max(10, Math.min(40, columns - text.length - 3))
  const filled = Math.round((progress.epoch / progress.epochs) * width)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`.slice(0, Math.max(columns - 1, 20))
}

/**
 * Epochs as a terminal shows them: a redrawn bar on a TTY (at most every 100 ms), else a log line
 * every 100 epochs; nothing with --json, whose one line is the result.
 */
export function terminalProgress(json: boolean, log: (line: string) => void) {
  const terminal = process.stderr.isTTY === true
  let lastDrawn = 0
  return {
    epochEnded(progress: EpochProgress) {
      const now = performance.now()
      if (terminal) {
        if (now - lastDrawn > 100 || progress.epoch === progress.epochs) {
          process.stderr.write(`\r${renderProgressBar(progress, process.stderr.columns ?? 100)}`)
          lastDrawn = now
        }
      } else if (!json && (progress.epoch % 100 === 0 || progress.epoch === progress.epochs)) {
        log(`epoch ${progress.epoch}/${progress.epochs} - loss: ${progress.loss.toFixed(4)} - acc: ${progress.accuracy.toFixed(4)} - ${formatDuration(progress.elapsedMs)}`)
      }
    },
    end() {
      if (terminal) process.stderr.write('\n')
    }
  }
}

/** What a saved run tells of its TensorBoard logs: where they are, and a warning if they stopped. */
export function tensorBoardLines(run: { readonly logsFolder?: string; readonly logsProblem?: string }): string[] {
  return [
    ...(run.logsFolder !== undefined ? [`TensorBoard logs: ${run.logsFolder}  (tensorboard --logdir ${run.logsFolder})`] : []),
    ...(run.logsProblem !== undefined ? [`warning: ${run.logsProblem}`] : [])
  ]
}
