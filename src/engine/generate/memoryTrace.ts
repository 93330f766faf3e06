// The network's memory along the song: at each prediction, what went in, what the model gave each
// class, and the state of its (first) LSTM after the step. The state is worked out here, in plain
// TypeScript, from the layer's weights (Keras's LSTM cell, gate order i, f, c, o), step by step as
// the model runs its window: from zero for a stateless model, carried from one prediction to the
// next for a stateful one. memoryTrace.test.ts holds it to tfjs's own output and states.
import * as tf from '@tensorflow/tfjs'
import type { FastPathSetting } from '../fastcpu/choosePath'
import { activate, type FastActivation } from '../fastcpu/fastLayers'
import type { ModelSpec } from '../models/spec'
import type { InputEncoding } from '../notation/vocabulary'
import { sameWindowDifferentNext } from '../dataset/windows'
import { argMax, notePredictor, walkAlongSong } from './predict'

export { sameWindowDifferentNext } from '../dataset/windows'

/** The activations an LSTM may have, as tfjs names them (computed as the fast path computes them). */
type CellActivation = Exclude<FastActivation, 'softmax'>
const CELL_ACTIVATIONS: readonly CellActivation[] = ['linear', 'relu', 'tanh', 'sigmoid', 'hardSigmoid']

/** What the traced LSTM layer is. */
export interface LstmDescription {
  /** The layer's name in the model (`lstm`, `lstm_1`…). */
  readonly layer: string
  readonly units: number
  readonly activation: CellActivation
  readonly recurrentActivation: CellActivation
  /** It carries its state from one call to the next (until reset). */
  readonly stateful: boolean
}

/**
 * An LSTM layer's cell run by hand: one input vector a time step, the state (h, c) kept here.
 * Inputs are the notes' features, or token ids looked up in the Embedding below the LSTM.
 */
export class LstmCell {
  readonly h: Float64Array
  readonly c: Float64Array
  private readonly gates: Float64Array

  constructor(
    readonly description: LstmDescription,
    /** [features, 4·units], row-major. */
    private readonly kernel: Float32Array,
    /** [units, 4·units], row-major. */
    private readonly recurrentKernel: Float32Array,
    /** [4·units]. */
    private readonly bias: Float32Array,
    /** Values per time step going into the cell. */
    readonly features: number,
    /** The Embedding's table [tokens, features], where one sits below the LSTM. */
    private readonly embedding?: Float32Array
  ) {
    this.h = new Float64Array(description.units)
    this.c = new Float64Array(description.units)
    this.gates = new Float64Array(4 * description.units)
  }

  reset(): void {
    this.h.fill(0)
    this.c.fill(0)
  }

  /** One time step: `input` is a step's features (or, with an Embedding, its token id). */
  step(input: readonly number[]): void {
    const units = this.description.units
    const width = 4 * units
    const token = Math.trunc(input[0] ?? 0)
    const x: ArrayLike<number> = this.embedding ? this.embedding.subarray(token * this.features, (token + 1) * this.features) : input
    const z = this.gates
    for (let j = 0; j < width; j++) {
      let sum = this.bias[j] ?? 0
      for (let k = 0; k < this.features; k++) sum += (x[k] ?? 0) * (this.kernel[k * width + j] ?? 0)
      for (let k = 0; k < units; k++) sum += (this.h[k] ?? 0) * (this.recurrentKernel[k * width + j] ?? 0)
      z[j] = sum
    }
    const { activation, recurrentActivation } = this.description
    for (let u = 0; u < units; u++) {
      const i = activate(recurrentActivation, z[u] ?? 0)
      const f = activate(recurrentActivation, z[units + u] ?? 0)
      const candidate = activate(activation, z[2 * units + u] ?? 0)
      const o = activate(recurrentActivation, z[3 * units + u] ?? 0)
      const c = f * (this.c[u] ?? 0) + i * candidate
      this.c[u] = c
      this.h[u] = o * activate(activation, c)
    }
  }

  /** A whole window, step by step, from the state the cell holds. */
  run(window: readonly (readonly number[])[]): void {
    for (const input of window) this.step(input)
  }
}

export type LstmFound = { readonly ok: true; readonly cell: LstmCell } | { readonly ok: false; readonly reason: string }

/**
 * The model's first LSTM layer as a cell to run by hand, where the notes go straight into it (or
 * through an Embedding first): a stack of layers whose first LSTM is its first layer, or second
 * after an Embedding. Otherwise, why not (an MLP has no LSTM; a functional model's LSTM is fed
 * by its joins).
 */
export function firstLstmCell(model: tf.LayersModel): LstmFound {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer')
  const at = layers.findIndex((layer) => layer.getClassName() === 'LSTM')
  if (at < 0) {
    const recurrent = layers.find((layer) => ['GRU', 'SimpleRNN', 'Bidirectional'].includes(layer.getClassName()))
    if (recurrent) return { ok: false, reason: `its recurrent layer is ${recurrent.getClassName() === 'Bidirectional' ? 'bidirectional' : `a ${recurrent.getClassName()}`}: only an LSTM's state is traced` }
    return { ok: false, reason: 'the model has no LSTM layer: it keeps no state' }
  }
  if (!(model instanceof tf.Sequential)) return { ok: false, reason: 'a functional model: its LSTM is fed by other layers, not by the notes alone' }
  const below = layers.slice(0, at)
  const embeddingBelow = below.length === 1 && below[0]?.getClassName() === 'Embedding'
  if (below.length > 0 && !embeddingBelow) return { ok: false, reason: `the first LSTM sits on ${below.map((layer) => layer.getClassName()).join(', ')}, not on the notes` }
  const layer = layers[at]
  if (!layer) return { ok: false, reason: 'the model has no LSTM layer: it keeps no state' }
  const config = layer.getConfig() as Record<string, unknown>
  const activation = CELL_ACTIVATIONS.find((name) => name === config['activation'])
  const recurrentActivation = CELL_ACTIVATIONS.find((name) => name === config['recurrentActivation'])
  if (!activation || !recurrentActivation) return { ok: false, reason: `LSTM activations ${String(config['activation'])}/${String(config['recurrentActivation'])} are not traced` }
  if (config['useBias'] === false || config['goBackwards']) return { ok: false, reason: 'an LSTM without bias or going backwards is not traced' }
  const [kernel, recurrentKernel, bias] = layer.getWeights().map((weight) => weight.dataSync() as Float32Array)
  const units = Number(config['units'])
  if (!kernel || !recurrentKernel || !bias || kernel.length % (4 * units) !== 0) return { ok: false, reason: 'the LSTM layer has no weights to read' }
  const features = kernel.length / (4 * units)
  let table: Float32Array | undefined
  const embedding = embeddingBelow ? below[0] : undefined
  if (embedding) {
    if ((embedding.getConfig() as Record<string, unknown>)['maskZero']) return { ok: false, reason: 'an Embedding with maskZero is not traced' }
    table = embedding.getWeights()[0]?.dataSync() as Float32Array | undefined
    if (!table) return { ok: false, reason: 'the Embedding has no weights to read' }
  }
  const description: LstmDescription = { layer: layer.name, units, activation, recurrentActivation, stateful: config['stateful'] === true }
  return { ok: true, cell: new LstmCell(description, kernel, recurrentKernel, bias, features, table) }
}

/** One prediction of the walk. */
export interface MemoryStep {
  /** The window of notes that went in, as class indices. */
  readonly inputs: readonly number[]
  /** The song's note after the window, and the model's choice. */
  readonly truth: number
  readonly predicted: number
  /** The model's probability for every class. */
  readonly probabilities: Float32Array
  /** The traced LSTM's hidden and cell state after the window (all units); absent without one. */
  readonly h?: Float64Array
  readonly c?: Float64Array
  /** Other steps (0-based) with the same window in and a different true note next. */
  readonly ambiguousWith: readonly number[]
}

export interface MemoryTrace {
  readonly window: number
  readonly feedBack: boolean
  /** The model carries its state from one prediction to the next (the spec's statefulness). */
  readonly stateful: boolean
  /** The traced LSTM, or null with why there is none. */
  readonly lstm: LstmDescription | null
  readonly noState?: string
  readonly steps: readonly MemoryStep[]
  /** Predictions the whole song would take (`steps` stops at `maxSteps`). */
  readonly totalSteps: number
}

export interface MemoryTraceOptions {
  /** Full song: each prediction is fed back as input; else every window is the song's own (one-step). */
  readonly feedBack: boolean
  /** Stop after this many predictions. */
  readonly maxSteps?: number
  readonly fastPath?: FastPathSetting
}

/**
 * Walks the song as `predictAlongSong` does (the same predictor, the same resets), recording at
 * each prediction the window in, the probabilities out and the first LSTM's state after the
 * window, then marks the windows that came twice with different notes next.
 */
export function traceAlongSong(model: tf.LayersModel, spec: ModelSpec, song: readonly number[], encoding: InputEncoding, options: MemoryTraceOptions): MemoryTrace {
  const window = spec.window
  const found = firstLstmCell(model)
  const cell = found.ok ? found.cell : undefined
  const totalSteps = Math.max(0, song.length - window)
  const count = Math.min(totalSteps, options.maxSteps ?? totalSteps)
  const predictor = notePredictor(model, spec, options.fastPath)
  const walked: Omit<MemoryStep, 'ambiguousWith'>[] = []
  try {
    predictor.resetStates()
    cell?.reset()
    walkAlongSong(window, song, options.feedBack, count, (inputs, at) => {
      const features = inputs.map((index) => encoding.encode(index))
      const probabilities = predictor.probabilities(features)
      const predicted = argMax(probabilities)
      let state: { h: Float64Array; c: Float64Array } | undefined
      if (cell) {
        if (!cell.description.stateful) cell.reset()
        cell.run(features)
        state = { h: Float64Array.from(cell.h), c: Float64Array.from(cell.c) }
      }
      walked.push({ inputs, truth: song[at] ?? -1, predicted, probabilities: Float32Array.from(probabilities), ...state })
      return predicted
    })
    predictor.resetStates()
  } finally {
    predictor.dispose()
  }
  const ambiguous = sameWindowDifferentNext(walked)
  return {
    window,
    feedBack: options.feedBack,
    stateful: spec.stateful,
    lstm: cell ? cell.description : null,
    ...(found.ok ? {} : { noState: found.reason }),
    steps: walked.map((step, index) => ({ ...step, ambiguousWith: ambiguous[index] ?? [] })),
    totalSteps
  }
}

