import type * as tf from '@tensorflow/tfjs'

/** One line of Keras's `model.summary()`. */
export interface SummaryRow {
  readonly name: string
  readonly type: string
  readonly outputShape: (number | null)[]
  readonly params: number
}

export interface ModelSummary {
  readonly inputShape: (number | null)[]
  readonly rows: SummaryRow[]
  readonly totalParams: number
  readonly trainableParams: number
}

function firstShape(shape: tf.Shape | tf.Shape[]): (number | null)[] {
  const single = Array.isArray(shape[0]) || shape.length === 0 ? ((shape as tf.Shape[])[0] ?? []) : (shape as tf.Shape)
  return [...single]
}

/** What Keras's `summary()` shows, read from a built model. */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const rows = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: firstShape(layer.outputShape),
    params: layer.countParams()
  }))
  const trainableParams = model.trainableWeights.reduce((sum, weight) => sum + weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0)
  return {
    inputShape: [...(model.inputs[0]?.shape ?? [])],
    rows,
    totalParams: rows.reduce((sum, row) => sum + row.params, 0),
    trainableParams
  }
}

const shapeText = (shape: (number | null)[]) => `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`
const count = (n: number) => n.toLocaleString('en')

/** The summary as Keras prints it. */
export function formatSummary(summary: ModelSummary, title = 'sequential'): string {
  const rule = '_'.repeat(72)
  const cell = (text: string, width: number) => (text.length < width ? text.padEnd(width) : `${text} `)
  const line = (a: string, b: string, c: string) => ` ${cell(a, 32)}${cell(b, 26)}${c}`
  return [
    `Model: "${title}"`,
    rule,
    line('Layer (type)', 'Output Shape', 'Param #'),
    '='.repeat(72),
    ...summary.rows.map((row) => line(`${row.name} (${row.type})`, shapeText(row.outputShape), String(row.params))),
    '='.repeat(72),
    `Total params: ${count(summary.totalParams)}`,
    `Trainable params: ${count(summary.trainableParams)}`,
    `Non-trainable params: ${count(summary.totalParams - summary.trainableParams)}`,
    rule
  ].join('\n')
}

/** The books' `plot_model(show_shapes=True)` as text: one box per layer, input at the top. */
export function formatDiagram(summary: ModelSummary): string {
  const boxes = [
    { title: 'input', detail: shapeText(summary.inputShape) },
    ...summary.rows.map((row) => ({ title: `${row.name}: ${row.type}`, detail: `${shapeText(row.outputShape)} · ${count(row.params)} params` }))
  ]
  const width = Math.max(...boxes.flatMap((box) => [box.title.length, box.detail.length])) + 2
  const middle = Math.floor((width + 2) / 2)
  const lines: string[] = []
  boxes.forEach((box, index) => {
    if (index > 0) lines.push(`${' '.repeat(middle)}│`, `${' '.repeat(middle)}▼`)
    lines.push(`┌${'─'.repeat(width)}┐`, `│ ${box.title.padEnd(width - 1)}│`, `│ ${box.detail.padEnd(width - 1)}│`, `└${'─'.repeat(width)}┘`)
  })
  return lines.join('\n')
}
