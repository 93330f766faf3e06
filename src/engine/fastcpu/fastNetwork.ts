import * as tf from '@tensorflow/tfjs'
import { KernelArena, fastKernelsAvailable, type AdamStep } from './fastKernels'
import { DenseLayer, EmbeddingLayer, LstmLayer, type FastActivation, type FastLayer } from './fastLayers'

/**
 * A copy of a small tfjs Sequential model that trains and predicts on the CPU without tfjs:
 * the same layers, the same arithmetic (Keras's LSTM and Dense, softmax with categorical
 * cross-entropy as tfjs computes it, tfjs's Adam), but one WebAssembly call per matrix product
 * instead of dozens of tfjs operations per time step. For models this small, tfjs's time goes
 * to the operations' overhead, not to arithmetic. The weights go back into the tfjs model with
 * `writeWeightsTo`, so the model saves, loads and predicts as any other.
 */

const ACTIVATIONS: readonly FastActivation[] = ['linear', 'relu', 'tanh', 'sigmoid', 'hardSigmoid', 'softmax']

type LayerPlan =
  | { readonly kind: 'embedding'; readonly inputDim: number; readonly outputDim: number }
  | {
      readonly kind: 'lstm'
      readonly units: number
      readonly activation: FastActivation
      readonly recurrentActivation: FastActivation
      readonly returnSequences: boolean
      readonly stateful: boolean
    }
  | { readonly kind: 'dense'; readonly units: number; readonly activation: FastActivation }

/** The shape of a model the fast path can copy, read from its tfjs layers. */
export interface NetworkPlan {
  readonly layers: readonly LayerPlan[]
  /** Time steps of a sequence input (1 for a flat input). */
  readonly steps: number
  /** Values per time step of the input (token ids count as one). */
  readonly features: number
  /** Output classes of the final softmax. */
  readonly classes: number
  /** A stateful model's fixed batch size. */
  readonly fixedBatch: number | undefined
  /**
   * The last Dense softmax sits on a returnSequences LSTM: it applies at every time step (rows =
   * steps × batch, time-major) and the network trains with `trainSequenceBatch`.
   */
  readonly perStep?: boolean
}

export type PlanResult = { readonly ok: true; readonly plan: NetworkPlan } | { readonly ok: false; readonly reason: string }

function asActivation(value: unknown): FastActivation | undefined {
  return ACTIVATIONS.find((name) => name === value)
}

/**
 * Whether the fast path can run this model, and if not, why: it takes Sequential stacks of an
 * optional Embedding, LSTM layers and Dense layers ending in a softmax, without dropout.
 */
export function planFastNetwork(model: tf.LayersModel): PlanResult {
  const available = fastKernelsAvailable()
  if (!available.ok) return available
  const refuse = (reason: string): PlanResult => ({ ok: false, reason })
  const inputShape = model.inputs[0]?.shape ?? []
  if (!(model instanceof tf.Sequential)) return refuse('it is a functional model (named inputs and outputs, joins), and the fast path runs stacks of layers')
  const layers: LayerPlan[] = []
  let sequence = inputShape.length === 3 || model.layers[0]?.getClassName() === 'Embedding'
  let fixedBatch: number | undefined
  let perStep = false
  for (const [index, layer] of model.layers.entries()) {
    const config = layer.getConfig() as Record<string, unknown>
    const name = layer.getClassName()
    if (name === 'Embedding') {
      if (index !== 0) return refuse('an Embedding layer must come first')
      if (config['maskZero']) return refuse('Embedding with maskZero is not supported')
      layers.push({ kind: 'embedding', inputDim: Number(config['inputDim']), outputDim: Number(config['outputDim']) })
    } else if (name === 'LSTM') {
      if (!sequence) return refuse('an LSTM needs a sequence below it')
      const activation = asActivation(config['activation'])
      const recurrentActivation = asActivation(config['recurrentActivation'])
      if (!activation || !recurrentActivation || activation === 'softmax' || recurrentActivation === 'softmax') {
        return refuse(`LSTM activation ${String(config['activation'])}/${String(config['recurrentActivation'])} is not supported`)
      }
      if (Number(config['dropout']) > 0 || Number(config['recurrentDropout']) > 0) return refuse('LSTM dropout is not supported')
      if (config['goBackwards'] || config['returnState'] || config['useBias'] === false) {
        return refuse('LSTM with goBackwards, returnState or no bias is not supported')
      }
      const stateful = config['stateful'] === true
      if (stateful) fixedBatch = inputShape[0] ?? undefined
      const returnSequences = config['returnSequences'] === true
      layers.push({ kind: 'lstm', units: Number(config['units']), activation, recurrentActivation, returnSequences, stateful })
      sequence = returnSequences
    } else if (name === 'Dense') {
      if (sequence) {
        // every time step: only as the output layer on a returnSequences LSTM (sequence training)
        if (index !== model.layers.length - 1 || layers.at(-1)?.kind !== 'lstm') return refuse('a Dense layer on a sequence (every time step) is supported only as the last layer on an LSTM')
        perStep = true
      }
      const activation = asActivation(config['activation'])
      if (!activation || config['useBias'] === false) return refuse(`Dense with activation ${String(config['activation'])} or no bias is not supported`)
      layers.push({ kind: 'dense', units: Number(config['units']), activation })
    } else {
      return refuse(`layer ${name} is not supported by the fast path`)
    }
  }
  const last = layers.at(-1)
  if (!last || last.kind !== 'dense' || last.activation !== 'softmax') return refuse('the model must end in a Dense softmax layer')
  if (layers.slice(0, -1).some((layer) => layer.kind === 'dense' && layer.activation === 'softmax')) {
    return refuse('softmax is supported on the last layer only')
  }
  const first = layers[0]
  const steps = first?.kind === 'dense' ? 1 : Number(inputShape[1] ?? 0)
  const features = first?.kind === 'embedding' ? 1 : Number(inputShape.at(-1) ?? 0)
  if (!(steps > 0) || !(features > 0)) return refuse('the model must have a fixed input shape')
  return { ok: true, plan: { layers, steps, features, classes: last.units, fixedBatch, ...(perStep ? { perStep } : {}) } }
}

/** Adam's settings; tfjs's defaults. */
export interface AdamSettings {
  readonly learningRate: number
  readonly beta1?: number
  readonly beta2?: number
  readonly epsilon?: number
}

/** The loss and hits of one batch: summed cross-entropy over its rows, and how many were right. */
export interface BatchTotals {
  readonly lossSum: number
  readonly correct: number
}

/** A sequence batch's totals: summed weighted cross-entropy, steps right, and the unmasked steps (Σ weights). */
export interface SequenceBatchTotals extends BatchTotals {
  readonly steps: number
}

/** tfjs's epsilon for float32, used by its cross-entropy clip and Adam. */
const EPSILON = 1e-7

export class FastNetwork {
  readonly plan: NetworkPlan
  readonly maxRows: number
  private readonly arena: KernelArena
  private readonly layers: FastLayer[] = []
  private readonly input: number
  private readonly probabilities: number
  private readonly lossGradient: number
  private adamStepCount = 0

  /**
   * @param plan from `planFastNetwork`
   * @param maxRows the largest batch it will see (training batch and one-row predictions)
   * @param options.threads the kernel threads (see KernelArena); by default the arena's choice
   */
  constructor(plan: NetworkPlan, maxRows: number, options: { readonly threads?: number } = {}) {
    this.arena = new KernelArena(options.threads === undefined ? {} : { threads: options.threads })
    this.plan = plan
    this.maxRows = Math.max(1, maxRows)
    const rows = this.maxRows
    let width = plan.features
    for (const layer of plan.layers) {
      if (layer.kind === 'embedding') {
        this.layers.push(new EmbeddingLayer(this.arena, layer.inputDim, layer.outputDim, plan.steps, rows))
        width = layer.outputDim
      } else if (layer.kind === 'lstm') {
        this.layers.push(
          new LstmLayer(this.arena, width, layer.units, plan.steps, layer.activation, layer.recurrentActivation, layer.returnSequences, layer.stateful, rows)
        )
        width = layer.units
      } else {
        // A first Dense layer sees the whole window as one flat row.
        const inputs = this.layers.length === 0 ? plan.steps * plan.features : width
        // on a sequence (per-step plans) every time step of every row is a row of the Dense
        this.layers.push(new DenseLayer(this.arena, inputs, layer.units, layer.activation, plan.perStep ? rows * plan.steps : rows))
        width = layer.units
      }
    }
    this.input = this.arena.allocate(plan.steps * rows * plan.features).start
    const outputRows = plan.perStep ? rows * plan.steps : rows
    this.probabilities = this.arena.allocate(outputRows * plan.classes).start
    this.lossGradient = this.arena.allocate(outputRows * plan.classes).start
  }

  /** A fast copy of a tfjs model, or the reason there can be none. */
  static fromModel(model: tf.LayersModel, maxRows: number): { ok: true; network: FastNetwork } | { ok: false; reason: string } {
    const planned = planFastNetwork(model)
    if (!planned.ok) return planned
    const network = new FastNetwork(planned.plan, Math.max(maxRows, planned.plan.fixedBatch ?? 1))
    network.readWeightsFrom(model)
    return { ok: true, network }
  }

  /** Copies the tfjs model's weights in (its layers in order, each layer's weights in Keras's order). */
  readWeightsFrom(model: tf.LayersModel): void {
    const weights = model.getWeights()
    const parameters = this.layers.flatMap((layer) => layer.parameters)
    if (weights.length !== parameters.length) throw new Error(`expected ${parameters.length} weight arrays, the model has ${weights.length}`)
    const heap = this.arena.heap
    parameters.forEach((parameter, i) => {
      const values = weights[i]?.dataSync() ?? new Float32Array()
      if (values.length !== parameter.weights.length) throw new Error(`weight ${parameter.name} has ${values.length} values, expected ${parameter.weights.length}`)
      heap.set(values, parameter.weights.start)
    })
  }

  /** The weights as tfjs tensors, in the model's order (the caller disposes them). */
  weightTensors(): tf.Tensor[] {
    const heap = this.arena.heap
    return this.layers.flatMap((layer) =>
      layer.parameters.map((parameter) =>
        tf.tensor(heap.slice(parameter.weights.start, parameter.weights.start + parameter.weights.length), [...parameter.shape])
      )
    )
  }

  /** Puts the trained weights back into the tfjs model. */
  writeWeightsTo(model: tf.LayersModel): void {
    const tensors = this.weightTensors()
    try {
      model.setWeights(tensors)
    } finally {
      tf.dispose(tensors)
    }
  }

  /** Zeroes the state of stateful layers, as tfjs's `resetStates()`. */
  resetStates(): void {
    for (const layer of this.layers) layer.resetStates()
  }

  /** Zeroes the state of some batch rows of every stateful layer. */
  resetRows(rows: readonly number[]): void {
    for (const layer of this.layers) if (layer instanceof LstmLayer && layer.stateful) layer.resetRows(rows)
  }

  /** The kept h and c of each stateful LSTM layer (for tests comparing with tfjs's states). */
  lstmStates(): { h: Float32Array; c: Float32Array }[] {
    return this.layers.filter((layer): layer is LstmLayer => layer instanceof LstmLayer && layer.stateful).map((layer) => layer.readState())
  }

  /**
   * Stages rows of samples as the first layer wants them. `samples` holds every sample's
   * window (steps × features values each, sample after sample); `rows` picks which.
   */
  private stageInput(samples: ArrayLike<number>, rows: readonly number[]): void {
    const heap = this.arena.heap
    const { steps, features } = this.plan
    const perSample = steps * features
    const count = rows.length
    const flat = this.layers[0] instanceof DenseLayer
    for (let r = 0; r < count; r++) {
      const from = (rows[r] ?? 0) * perSample
      for (let t = 0; t < steps; t++) {
        // time-major for sequences (step t of every row together); a flat row stays whole
        const to = this.input + (flat ? r * perSample + t * features : (t * count + r) * features)
        for (let f = 0; f < features; f++) heap[to + f] = samples[from + t * features + f] ?? 0
      }
    }
  }

  private forward(rows: number): number {
    let at = this.input
    for (const layer of this.layers) at = layer.forward(at, this.layerRows(layer, rows))
    return at
  }

  /** Rows a layer works on: a per-step plan's Dense takes every time step of every row. */
  private layerRows(layer: FastLayer | undefined, rows: number): number {
    return this.plan.perStep && layer instanceof DenseLayer ? rows * this.plan.steps : rows
  }

  /**
   * The loss of a batch and its gradient at the logits: categorical cross-entropy of the softmax
   * output as tfjs computes it (rows normalised, clipped to [ε, 1 − ε]); the mean over rows.
   */
  private lossAndGradient(probabilities: number, labels: ArrayLike<number>, rows: readonly number[]): BatchTotals {
    const classes = this.plan.classes
    const count = rows.length
    let lossSum = 0
    let correct = 0
    for (let r = 0; r < count; r++) {
      // d(mean loss)/d(logits) = (p − onehot)/rows
      const { loss, right } = this.softmaxRowLoss(probabilities + r * classes, labels[rows[r] ?? 0] ?? 0, this.lossGradient + r * classes, 1, count)
      if (right) correct++
      lossSum += loss
    }
    return { lossSum, correct }
  }

  /**
   * The cross-entropy of one softmax row against its label, as tfjs computes it (the row
   * normalised, p clipped to [ε, 1 − ε]), and its gradient at the logits written to `gradientRow`:
   * (p − onehot)·multiplier/divisor, or nothing where the clip holds p still.
   */
  private softmaxRowLoss(row: number, label: number, gradientRow: number, multiplier: number, divisor: number): { loss: number; right: boolean } {
    const heap = this.arena.heap
    const classes = this.plan.classes
    let sum = 0
    let best = 0
    for (let j = 0; j < classes; j++) {
      const p = heap[row + j] ?? 0
      sum += p
      if (p > (heap[row + best] ?? 0)) best = j
    }
    const p = (heap[row + label] ?? 0) / sum
    const clipped = Math.min(Math.max(p, EPSILON), 1 - EPSILON)
    const passes = p >= EPSILON && p <= 1 - EPSILON
    for (let j = 0; j < classes; j++) {
      heap[gradientRow + j] = passes ? (((heap[row + j] ?? 0) / sum - (j === label ? 1 : 0)) * multiplier) / divisor : 0
    }
    return { loss: -Math.log(clipped), right: best === label }
  }

  private backward(rows: number): void {
    let gradient = this.lossGradient
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]
      gradient = layer?.backward(gradient, this.layerRows(layer, rows), i > 0) ?? -1
    }
  }

  /**
   * Loss and gradients of one batch without changing the weights (the gradients are left in
   * the gradient arrays: read them with `gradientArrays`, clear them with `clearGradients`).
   */
  computeGradients(samples: ArrayLike<number>, labels: ArrayLike<number>, rows: readonly number[]): BatchTotals {
    this.checkRows(rows.length)
    this.stageInput(samples, rows)
    const probabilities = this.forward(rows.length)
    const totals = this.lossAndGradient(probabilities, labels, rows)
    this.backward(rows.length)
    return totals
  }

  /** Loss and hits of a batch without touching the weights or their gradients' use. */
  evaluate(samples: ArrayLike<number>, labels: ArrayLike<number>, rows: readonly number[]): BatchTotals {
    this.checkRows(rows.length)
    this.stageInput(samples, rows)
    return this.lossAndGradient(this.forward(rows.length), labels, rows)
  }

  /** Copies of every weight array, in the model's order. */
  weightArrays(): Float32Array[] {
    const heap = this.arena.heap
    return this.layers.flatMap((layer) => layer.parameters.map((p) => heap.slice(p.weights.start, p.weights.start + p.weights.length)))
  }

  /** Puts back weight arrays taken with `weightArrays`. */
  setWeightArrays(arrays: readonly Float32Array[]): void {
    const parameters = this.layers.flatMap((layer) => layer.parameters)
    parameters.forEach((p, i) => {
      const values = arrays[i]
      if (values) this.arena.heap.set(values, p.weights.start)
    })
  }

  /** The gradient of every weight array, in the model's weight order. */
  gradientArrays(): Float32Array[] {
    const heap = this.arena.heap
    return this.layers.flatMap((layer) =>
      layer.parameters.map((parameter) => heap.slice(parameter.gradient.start, parameter.gradient.start + parameter.gradient.length))
    )
  }

  clearGradients(): void {
    const heap = this.arena.heap
    for (const layer of this.layers) {
      for (const parameter of layer.parameters) heap.fill(0, parameter.gradient.start, parameter.gradient.start + parameter.gradient.length)
    }
  }

  /** One optimiser step on one batch: forward, loss, backward, Adam. */
  trainBatch(samples: ArrayLike<number>, labels: ArrayLike<number>, rows: readonly number[], adam: AdamSettings): BatchTotals {
    const totals = this.computeGradients(samples, labels, rows)
    this.adamStep(adam)
    return totals
  }

  /**
   * The softmax output for the chosen rows (rows × classes, row after row). A stateful model
   * carries its state on from the previous call, as tfjs's `predict` does.
   */
  predict(samples: ArrayLike<number>, rows: readonly number[]): Float32Array {
    this.checkRows(rows.length)
    this.stageInput(samples, rows)
    const at = this.forward(rows.length)
    return this.arena.heap.slice(at, at + rows.length * this.plan.classes)
  }

  /**
   * Per-step loss of a sequence batch and its gradient at the logits: the cross-entropy (as
   * `lossAndGradient` takes it) of every step, weighted (0 masks a step), the mean over the
   * unmasked steps. Row r of the batch is sample `rows[r]`, whose step t is at
   * `rows[r]·steps + t` of `labels` and `weights`; the output is time-major (step t of every row).
   */
  private sequenceLossAndGradient(
    probabilities: number,
    labels: ArrayLike<number>,
    weights: ArrayLike<number>,
    rows: readonly number[],
    correctPerStep?: Uint8Array
  ): SequenceBatchTotals {
    const heap = this.arena.heap
    const { classes, steps: T } = this.plan
    const count = rows.length
    let weightSum = 0
    for (let r = 0; r < count; r++) {
      const from = (rows[r] ?? 0) * T
      for (let t = 0; t < T; t++) weightSum += weights[from + t] ?? 0
    }
    const scale = weightSum > 0 ? 1 / weightSum : 0
    let lossSum = 0
    let correct = 0
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < count; r++) {
        const sample = (rows[r] ?? 0) * T + t
        const weight = weights[sample] ?? 0
        const row = probabilities + (t * count + r) * classes
        const gradientRow = this.lossGradient + (t * count + r) * classes
        if (weight === 0) {
          heap.fill(0, gradientRow, gradientRow + classes)
          continue
        }
        const { loss, right } = this.softmaxRowLoss(row, labels[sample] ?? 0, gradientRow, weight * scale, 1)
        if (right) {
          correct += weight
          if (correctPerStep) correctPerStep[sample] = 1
        }
        lossSum += weight * loss
      }
    }
    return { lossSum, correct, steps: weightSum }
  }

  private checkSequenceRows(count: number): void {
    if (!this.plan.perStep) throw new Error('this network has no per-step output: sequence batches need a Dense softmax on a returnSequences LSTM')
    this.checkRows(count)
  }

  /**
   * Loss and gradients of one sequence batch (the gradients are added to the gradient arrays, as
   * `computeGradients` does). `samples` holds each sample's steps × features inputs, sample after
   * sample; `labels` and `weights` one value per step of each sample; `rows` picks the samples.
   */
  computeSequenceGradients(samples: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>, rows: readonly number[]): SequenceBatchTotals {
    this.checkSequenceRows(rows.length)
    this.stageInput(samples, rows)
    const probabilities = this.forward(rows.length)
    const totals = this.sequenceLossAndGradient(probabilities, labels, weights, rows)
    this.backward(rows.length)
    return totals
  }

  /** Loss and hits of a sequence batch without training; `correctPerStep` (if given) gets 1 at each step predicted right. */
  evaluateSequence(
    samples: ArrayLike<number>,
    labels: ArrayLike<number>,
    weights: ArrayLike<number>,
    rows: readonly number[],
    correctPerStep?: Uint8Array
  ): SequenceBatchTotals {
    this.checkSequenceRows(rows.length)
    this.stageInput(samples, rows)
    return this.sequenceLossAndGradient(this.forward(rows.length), labels, weights, rows, correctPerStep)
  }

  /** One optimiser step on one sequence batch: forward, per-step loss, backward, Adam. */
  trainSequenceBatch(samples: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>, rows: readonly number[], adam: AdamSettings): SequenceBatchTotals {
    const totals = this.computeSequenceGradients(samples, labels, weights, rows)
    this.adamStep(adam)
    return totals
  }

  private adamStep(adam: AdamSettings): void {
    this.adamStepCount++
    const beta1 = adam.beta1 ?? 0.9
    const beta2 = adam.beta2 ?? 0.999
    const step: AdamStep = {
      learningRate: adam.learningRate,
      beta1,
      beta2,
      epsilon: adam.epsilon ?? EPSILON,
      firstCorrection: 1 / (1 - beta1 ** this.adamStepCount),
      secondCorrection: 1 / (1 - beta2 ** this.adamStepCount)
    }
    for (const layer of this.layers) {
      for (const p of layer.parameters) this.arena.adam(p.weights, p.gradient, p.firstMoment, p.secondMoment, step)
    }
  }

  /** Ends the arena's kernel worker threads (the network still works afterwards, on one thread). */
  dispose(): void {
    this.arena.dispose()
  }

  private checkRows(count: number): void {
    if (count < 1 || count > this.maxRows) throw new RangeError(`a batch of ${count} rows; this network holds 1…${this.maxRows}`)
  }
}
