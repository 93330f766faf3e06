import type { EpochPoint } from './studioApi'

/** One output head's figures, as the trainer reports them. */
export interface HeadMetrics {
  readonly name: string
  readonly loss: number
  readonly accuracy: number
  readonly valLoss?: number | undefined
  readonly valAccuracy?: number | undefined
}

/** One epoch's row of a metrics log: what the trainer measured, and when. */
export interface MetricsRow extends Omit<EpochPoint, 'heads'> {
  readonly elapsedMs?: number
  readonly heads?: readonly HeadMetrics[] | undefined
}

/**
 * The metrics log as CSV, as Keras's CSVLogger writes it (one row per epoch). Shared by the
 * engine (the CLI's --csv) and the studio's "metrics CSV" button.
 */
export function metricsToCsv(history: readonly MetricsRow[]): string {
  const hasValidation = history.some((row) => row.valLoss !== undefined)
  // a model with several outputs has Keras's per-output columns: next_pitch_loss, val_next_pitch_accuracy…
  const heads = history[0]?.heads?.map((head) => head.name) ?? []
  const headColumns = (prefix: string) => heads.flatMap((head) => [`${prefix}${head}_loss`, `${prefix}${head}_accuracy`])
  const header = ['epoch', 'loss', 'accuracy', ...headColumns(''), ...(hasValidation ? ['val_loss', 'val_accuracy', ...headColumns('val_')] : []), 'learning_rate', 'elapsed_ms']
  const cell = (value: number | undefined) => (value === undefined ? '' : String(value))
  const headCells = (row: MetricsRow, validation: boolean) =>
    heads.flatMap((name) => {
      const head = row.heads?.find((candidate) => candidate.name === name)
      return validation ? [cell(head?.valLoss), cell(head?.valAccuracy)] : [cell(head?.loss), cell(head?.accuracy)]
    })
  const rows = history.map((row) =>
    [
      String(row.epoch),
      cell(row.loss),
      cell(row.accuracy),
      ...headCells(row, false),
      ...(hasValidation ? [cell(row.valLoss), cell(row.valAccuracy), ...headCells(row, true)] : []),
      cell(row.learningRate),
      cell(row.elapsedMs === undefined ? undefined : Math.round(row.elapsedMs))
    ].join(',')
  )
  return [header.join(','), ...rows].join('\n') + '\n'
}
