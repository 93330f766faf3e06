import type { EpochPoint } from './studioApi'

/** One epoch's row of a metrics log: what the trainer measured, and when. */
export interface MetricsRow extends EpochPoint {
  readonly elapsedMs?: number
}

/**
 * The metrics log as CSV, as Keras's CSVLogger writes it (one row per epoch). Shared by the
 * engine (the CLI's --csv) and the studio's "metrics CSV" button.
 */
export function metricsToCsv(history: readonly MetricsRow[]): string {
  const hasValidation = history.some((row) => row.valLoss !== undefined)
  const header = ['epoch', 'loss', 'accuracy', ...(hasValidation ? ['val_loss', 'val_accuracy'] : []), 'learning_rate', 'elapsed_ms']
  const cell = (value: number | undefined) => (value === undefined ? '' : String(value))
  const rows = history.map((row) =>
    [
      String(row.epoch),
      cell(row.loss),
      cell(row.accuracy),
      ...(hasValidation ? [cell(row.valLoss), cell(row.valAccuracy)] : []),
      cell(row.learningRate),
      cell(row.elapsedMs === undefined ? undefined : Math.round(row.elapsedMs))
    ].join(',')
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}
