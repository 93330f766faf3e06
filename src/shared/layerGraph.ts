// The shape of a model's graph from its rows (Keras's summary and plot_model): which inputs the
// layers read, and whether the model is more than a stack. Pure, for the engine and the UI.

/** What of a layer's row its graph needs (LAYER_ROW_SCHEMA, the engine's LayerRow). */
export interface GraphRow {
  readonly name: string
  /** Keras's class name: a functional model has `InputLayer` rows. */
  readonly type?: string
  readonly inputShapes: readonly (readonly (number | null)[])[]
  readonly connectedTo: readonly string[]
}

/** An input a model's rows read that is not itself a row (a stack's `input`), with the shape its first reader gets. */
export interface GraphInput {
  readonly name: string
  readonly shape: (number | null)[]
}

/** The inputs of a model's rows, in the order they are first read (Keras's InputLayers). */
export function graphInputs(rows: readonly GraphRow[]): GraphInput[] {
  const names = new Set(rows.map((row) => row.name))
  const inputs = new Map<string, GraphInput>()
  for (const row of rows) {
    row.connectedTo.forEach((from, slot) => {
      if (names.has(from) || inputs.has(from)) return
      inputs.set(from, { name: from, shape: [...(row.inputShapes[slot] ?? row.inputShapes[0] ?? [])] })
    })
  }
  return [...inputs.values()]
}

/** Whether a model is more than a stack: more than one input, or a layer that reads several (Keras then prints "Connected to"). */
export function isGraphModel(rows: readonly GraphRow[]): boolean {
  return graphInputs(rows).length > 1 || rows.some((row) => row.connectedTo.length > 1 || row.type === 'InputLayer')
}

/** How Keras's summary names the tensor a layer reads: `embedding[0][0]` (the layer's first call, its first output). */
export const kerasTensorName = (layer: string) => `${layer}[0][0]`
