import { kernelActivationCode, type KernelActivation, type KernelArena, type Region } from './fastKernels'

/**
 * The layers of the fast CPU path. Each holds its weights, their gradients and its activations
 * in one kernel arena, laid out for the largest batch once. Sequences are stored time-major
 * (step t of every row together) so that a time step is one contiguous matrix for the kernels.
 * Forward passes keep what their backward pass needs; backward passes ADD to the gradients, and
 * the optimiser step zeroes them.
 */

export type FastActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid' | 'hardSigmoid' | 'softmax'

/** A weight array with what training needs beside it: gradient and Adam's two moments. */
export interface Parameter {
  readonly name: string
  readonly shape: readonly number[]
  readonly weights: Region
  readonly gradient: Region
  readonly firstMoment: Region
  readonly secondMoment: Region
}

function parameter(arena: KernelArena, name: string, shape: readonly number[]): Parameter {
  const size = shape.reduce((a, b) => a * b, 1)
  return {
    name,
    shape,
    weights: arena.allocate(size),
    gradient: arena.allocate(size),
    firstMoment: arena.allocate(size),
    secondMoment: arena.allocate(size)
  }
}

/** tfjs's activations, elementwise. hardSigmoid is Keras's clip(0.2·x + 0.5, 0, 1). */
export function activate(kind: FastActivation, x: number): number {
  switch (kind) {
    case 'linear':
      return x
    case 'relu':
      return x > 0 ? x : 0
    case 'tanh':
      return Math.tanh(x)
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x))
    case 'hardSigmoid': {
      const y = 0.2 * x + 0.5
      return y < 0 ? 0 : y > 1 ? 1 : y
    }
    case 'softmax':
      throw new Error('softmax is applied per row, not elementwise')
  }
}

/**
 * The derivative of an activation at pre-activation x with output y, as tfjs's gradients give
 * it (relu's is 0 at 0; clipping passes the gradient at its bounds, inclusive).
 */
function activationSlope(kind: FastActivation, x: number, y: number): number {
  switch (kind) {
    case 'linear':
      return 1
    case 'relu':
      return x > 0 ? 1 : 0
    case 'tanh':
      return 1 - y * y
    case 'sigmoid':
      return y * (1 - y)
    case 'hardSigmoid': {
      const z = 0.2 * x + 0.5
      return z >= 0 && z <= 1 ? 0.2 : 0
    }
    case 'softmax':
      throw new Error('the softmax gradient is taken together with the loss')
  }
}

/** What flows between layers: the rows of one batch, flat or as a time-major sequence. */
export interface LayerOutput {
  /** Start of the values in the arena. */
  readonly start: number
  /** Values per row and time step. */
  readonly width: number
}

export interface FastLayer {
  readonly parameters: readonly Parameter[]
  /** Values per row (and time step) of the output. */
  readonly outputWidth: number
  /** True when the output keeps a time axis. */
  readonly outputIsSequence: boolean
  forward(input: number, rows: number): number
  /**
   * Takes the gradient of the loss at this layer's output (at `gradient`, overwritten freely)
   * and returns where the gradient at its input lies, or -1 when `inputGradient` is false.
   */
  backward(gradient: number, rows: number, inputGradient: boolean): number
  resetStates(): void
}

/** Keras's Dense on flat rows: y = act(x·K + b). The last layer's softmax leaves its gradient to the loss. */
export class DenseLayer implements FastLayer {
  readonly parameters: Parameter[]
  readonly outputIsSequence = false
  private readonly kernel: Parameter
  private readonly bias: Parameter
  private readonly pre: Region
  private readonly out: Region
  private readonly inputGrad: Region
  private readonly ones: Region
  private input = 0

  constructor(
    private readonly arena: KernelArena,
    readonly inputWidth: number,
    readonly outputWidth: number,
    readonly activation: FastActivation,
    maxRows: number
  ) {
    this.kernel = parameter(arena, 'kernel', [inputWidth, outputWidth])
    this.bias = parameter(arena, 'bias', [outputWidth])
    this.parameters = [this.kernel, this.bias]
    this.pre = arena.allocate(maxRows * outputWidth)
    this.out = arena.allocate(maxRows * outputWidth)
    this.inputGrad = arena.allocate(maxRows * inputWidth)
    this.ones = onesColumn(arena, maxRows)
  }

  forward(input: number, rows: number): number {
    this.input = input
    const heap = this.arena.heap
    const n = this.outputWidth
    const pre = this.pre.start
    const bias = this.bias.weights.start
    for (let r = 0; r < rows; r++) heap.copyWithin(pre + r * n, bias, bias + n)
    this.arena.gemm(rows, n, this.inputWidth, input, this.inputWidth, this.kernel.weights.start, n, pre, n)
    const out = this.out.start
    if (this.activation === 'softmax') {
      for (let r = 0; r < rows; r++) softmaxRow(heap, pre + r * n, out + r * n, n)
    } else {
      const kind = this.activation
      for (let i = 0; i < rows * n; i++) heap[out + i] = activate(kind, heap[pre + i] ?? 0)
    }
    return out
  }

  backward(gradient: number, rows: number, inputGradient: boolean): number {
    const heap = this.arena.heap
    const n = this.outputWidth
    if (this.activation !== 'softmax') {
      const kind = this.activation
      for (let i = 0; i < rows * n; i++) {
        heap[gradient + i] = (heap[gradient + i] ?? 0) * activationSlope(kind, heap[this.pre.start + i] ?? 0, heap[this.out.start + i] ?? 0)
      }
    }
    this.arena.gemmTransposedA(this.inputWidth, n, rows, this.input, this.inputWidth, gradient, n, this.kernel.gradient.start, n)
    addColumnSums(this.arena, this.ones, gradient, rows, n, this.bias.gradient.start)
    if (!inputGradient) return -1
    const inputGrad = this.inputGrad.start
    heap.fill(0, inputGrad, inputGrad + rows * this.inputWidth)
    this.arena.gemmTransposedB(rows, this.inputWidth, n, gradient, n, this.kernel.weights.start, n, inputGrad, this.inputWidth)
    return inputGrad
  }

  resetStates(): void {}
}

/** Softmax of one row, as tfjs computes it: exp(x − max) / Σ. */
function softmaxRow(heap: Float32Array, from: number, to: number, n: number): void {
  let max = -Infinity
  for (let j = 0; j < n; j++) max = Math.max(max, heap[from + j] ?? 0)
  let sum = 0
  for (let j = 0; j < n; j++) {
    const e = Math.exp((heap[from + j] ?? 0) - max)
    heap[to + j] = e
    sum += e
  }
  for (let j = 0; j < n; j++) heap[to + j] = (heap[to + j] ?? 0) / sum
}

/** A column of `length` ones: the bias gradients are (1…1)·dz, one product instead of a JavaScript loop. */
function onesColumn(arena: KernelArena, length: number): Region {
  const ones = arena.allocate(length)
  arena.heap.fill(1, ones.start, ones.start + length)
  return ones
}

/** into[n] += the sums of the columns of from[rows×n], as a product with a column of ones. */
function addColumnSums(arena: KernelArena, ones: Region, from: number, rows: number, n: number, into: number): void {
  arena.gemmTransposedA(1, n, rows, ones.start, 1, from, n, into, n)
}

/**
 * Keras's LSTM (gates in the order input, forget, cell, output):
 *   z = x·W + h·R + b;  i, f, o = σr(z…);  c = f·c₋₁ + i·σ(z_c);  h = o·σ(c)
 * over `steps` time steps, returning every h (returnSequences) or the last. A stateful layer
 * starts each batch from the h and c the previous batch ended with; gradients stop there, as
 * in Keras (truncated backpropagation through time).
 */
export class LstmLayer implements FastLayer {
  readonly parameters: Parameter[]
  private readonly kernel: Parameter
  private readonly recurrent: Parameter
  private readonly bias: Parameter
  /** Pre-activations z, then (in backward) their gradients, [steps × rows × 4U]. */
  private readonly z: Region
  private readonly gates: Region
  /** h and c for steps 0…T: index 0 is the state the batch started from. */
  private readonly hs: Region
  private readonly cs: Region
  private readonly cellOut: Region
  private readonly dz: Region
  private readonly dh: Region
  private readonly dc: Region
  private readonly inputGrad: Region
  private readonly stateH: Region
  private readonly stateC: Region
  private readonly ones: Region
  /**
   * Whether time steps run in the WebAssembly cell kernels (when both activations have one);
   * false runs the TypeScript loops, which the tests hold the kernels to.
   */
  useCellKernels = true
  /** Rows the kept state belongs to; a batch of another size starts from zero. */
  private stateRows = 0
  private input = 0

  constructor(
    private readonly arena: KernelArena,
    readonly inputWidth: number,
    readonly units: number,
    readonly steps: number,
    readonly activation: FastActivation,
    readonly recurrentActivation: FastActivation,
    readonly returnSequences: boolean,
    readonly stateful: boolean,
    maxRows: number
  ) {
    const gatesWidth = 4 * units
    this.kernel = parameter(arena, 'kernel', [inputWidth, gatesWidth])
    this.recurrent = parameter(arena, 'recurrent_kernel', [units, gatesWidth])
    this.bias = parameter(arena, 'bias', [gatesWidth])
    this.parameters = [this.kernel, this.recurrent, this.bias]
    this.z = arena.allocate(steps * maxRows * gatesWidth)
    this.gates = arena.allocate(steps * maxRows * gatesWidth)
    this.dz = arena.allocate(steps * maxRows * gatesWidth)
    this.hs = arena.allocate((steps + 1) * maxRows * units)
    this.cs = arena.allocate((steps + 1) * maxRows * units)
    this.cellOut = arena.allocate(steps * maxRows * units)
    this.dh = arena.allocate(maxRows * units)
    this.dc = arena.allocate(maxRows * units)
    this.inputGrad = arena.allocate(steps * maxRows * inputWidth)
    this.stateH = arena.allocate(maxRows * units)
    this.stateC = arena.allocate(maxRows * units)
    this.ones = onesColumn(arena, steps * maxRows)
  }

  get outputWidth(): number {
    return this.units
  }

  get outputIsSequence(): boolean {
    return this.returnSequences
  }

  resetStates(): void {
    this.stateRows = 0
  }

  /** Zeroes the kept state of some batch rows only (a new song starts in those streams). */
  resetRows(rows: readonly number[]): void {
    const heap = this.arena.heap
    for (const row of rows) {
      if (row >= this.stateRows) continue
      heap.fill(0, this.stateH.start + row * this.units, this.stateH.start + (row + 1) * this.units)
      heap.fill(0, this.stateC.start + row * this.units, this.stateC.start + (row + 1) * this.units)
    }
  }

  /** The kept state (h then c) of a stateful layer, rows × units each; zeros when there is none. */
  readState(): { h: Float32Array; c: Float32Array } {
    const size = this.stateRows * this.units
    const heap = this.arena.heap
    return {
      h: heap.slice(this.stateH.start, this.stateH.start + size),
      c: heap.slice(this.stateC.start, this.stateC.start + size)
    }
  }

  forward(input: number, rows: number): number {
    this.input = input
    const heap = this.arena.heap
    const U = this.units
    const G = 4 * U
    const T = this.steps
    const z = this.z.start
    const bias = this.bias.weights.start
    for (let r = 0; r < T * rows; r++) heap.copyWithin(z + r * G, bias, bias + G)
    // The input part of every step in one product; only h·R has to go step by step.
    this.arena.gemm(T * rows, G, this.inputWidth, input, this.inputWidth, this.kernel.weights.start, G, z, G)
    const hs = this.hs.start
    const cs = this.cs.start
    const stateSize = rows * U
    if (this.stateful && this.stateRows === rows) {
      heap.copyWithin(hs, this.stateH.start, this.stateH.start + stateSize)
      heap.copyWithin(cs, this.stateC.start, this.stateC.start + stateSize)
    } else {
      heap.fill(0, hs, hs + stateSize)
      heap.fill(0, cs, cs + stateSize)
    }
    const gates = this.gates.start
    const cellOut = this.cellOut.start
    const kernelKinds = this.kernelKinds()
    for (let t = 0; t < T; t++) {
      const zt = z + t * rows * G
      const hPrev = hs + t * stateSize
      this.arena.gemm(rows, G, U, hPrev, U, this.recurrent.weights.start, G, zt, G)
      const gt = gates + t * rows * G
      const cPrev = cs + t * stateSize
      const hNext = hPrev + stateSize
      const cNext = cPrev + stateSize
      const ct = cellOut + t * stateSize
      if (kernelKinds) {
        this.arena.lstmCellForward(rows, U, { z: zt, gates: gt, cPrev, cNext, cellOut: ct, hNext }, kernelKinds.rec, kernelKinds.act)
      } else {
        this.forwardStepLoops(rows, zt, gt, cPrev, ct, hNext)
      }
    }
    if (this.stateful) {
      heap.copyWithin(this.stateH.start, hs + T * stateSize, hs + (T + 1) * stateSize)
      heap.copyWithin(this.stateC.start, cs + T * stateSize, cs + (T + 1) * stateSize)
      this.stateRows = rows
    }
    // Steps 1…T of hs are the time-major output sequence; the last of them is the last output.
    return this.returnSequences ? hs + stateSize : hs + T * stateSize
  }

  backward(gradient: number, rows: number, inputGradient: boolean): number {
    const heap = this.arena.heap
    const U = this.units
    const G = 4 * U
    const T = this.steps
    const stateSize = rows * U
    const dh = this.dh.start
    const dc = this.dc.start
    heap.fill(0, dh, dh + stateSize)
    heap.fill(0, dc, dc + stateSize)
    const kernelKinds = this.kernelKinds()
    for (let t = T - 1; t >= 0; t--) {
      // The gradient reaching h_t from the layer above, when it sees this step.
      const fromAbove = this.returnSequences ? gradient + t * stateSize : t === T - 1 ? gradient : -1
      const zt = this.z.start + t * rows * G
      const gt = this.gates.start + t * rows * G
      const dzt = this.dz.start + t * rows * G
      const cPrev = this.cs.start + t * stateSize
      const cNext = cPrev + stateSize
      const ct = this.cellOut.start + t * stateSize
      if (kernelKinds) {
        this.arena.lstmCellBackward(rows, U, { z: zt, gates: gt, cPrev, cNext, cellOut: ct, dh, fromAbove, dc, dz: dzt }, kernelKinds.rec, kernelKinds.act)
      } else {
        this.backwardStepLoops(rows, fromAbove, zt, gt, dzt, cPrev, ct)
      }
      // The gradient at h_{t−1}; at t = 0 it would reach the starting state, which is a constant.
      heap.fill(0, dh, dh + stateSize)
      if (t > 0) this.arena.gemmTransposedB(rows, U, G, dzt, G, this.recurrent.weights.start, G, dh, U)
    }
    // Weight gradients of all steps at once: each is a sum over steps of (input)ᵀ·dz.
    const dz = this.dz.start
    this.arena.gemmTransposedA(this.inputWidth, G, T * rows, this.input, this.inputWidth, dz, G, this.kernel.gradient.start, G)
    this.arena.gemmTransposedA(U, G, T * rows, this.hs.start, U, dz, G, this.recurrent.gradient.start, G)
    addColumnSums(this.arena, this.ones, dz, T * rows, G, this.bias.gradient.start)
    if (!inputGradient) return -1
    const inputGrad = this.inputGrad.start
    heap.fill(0, inputGrad, inputGrad + T * rows * this.inputWidth)
    this.arena.gemmTransposedB(T * rows, this.inputWidth, G, dz, G, this.kernel.weights.start, G, inputGrad, this.inputWidth)
    return inputGrad
  }

  /**
   * The activations as the cell kernels take them, or undefined when one of them has no kernel
   * code; then the TypeScript loops below do the step (they are also the kernels' reference).
   */
  private kernelKinds(): { rec: KernelActivation; act: KernelActivation } | undefined {
    const rec = this.recurrentActivation
    const act = this.activation
    if (this.useCellKernels && kernelActivationCode(rec) !== undefined && kernelActivationCode(act) !== undefined) {
      return { rec: rec as KernelActivation, act: act as KernelActivation }
    }
    return undefined
  }

  /** The elementwise part of one forward step in TypeScript (see kernels.wat's lstmCellForward). */
  private forwardStepLoops(rows: number, zt: number, gt: number, cPrev: number, ct: number, hNext: number): void {
    const heap = this.arena.heap
    const U = this.units
    const G = 4 * U
    const cNext = cPrev + rows * U
    const act = this.activation
    const rec = this.recurrentActivation
    for (let r = 0; r < rows; r++) {
      const zr = zt + r * G
      const gr = gt + r * G
      const sr = r * U
      for (let u = 0; u < U; u++) {
        const i = activate(rec, heap[zr + u] ?? 0)
        const f = activate(rec, heap[zr + U + u] ?? 0)
        const g = activate(act, heap[zr + 2 * U + u] ?? 0)
        const o = activate(rec, heap[zr + 3 * U + u] ?? 0)
        heap[gr + u] = i
        heap[gr + U + u] = f
        heap[gr + 2 * U + u] = g
        heap[gr + 3 * U + u] = o
        const c = f * (heap[cPrev + sr + u] ?? 0) + i * g
        const cAct = activate(act, c)
        heap[cNext + sr + u] = c
        heap[ct + sr + u] = cAct
        heap[hNext + sr + u] = o * cAct
      }
    }
  }

  /** The elementwise part of one backward step in TypeScript (see kernels.wat's lstmCellBackward). */
  private backwardStepLoops(rows: number, fromAbove: number, zt: number, gt: number, dzt: number, cPrev: number, ct: number): void {
    const heap = this.arena.heap
    const U = this.units
    const G = 4 * U
    const cNext = cPrev + rows * U
    const dh = this.dh.start
    const dc = this.dc.start
    const act = this.activation
    const rec = this.recurrentActivation
    for (let r = 0; r < rows; r++) {
      const zr = zt + r * G
      const gr = gt + r * G
      const dzr = dzt + r * G
      const sr = r * U
      for (let u = 0; u < U; u++) {
        const dhTotal = (heap[dh + sr + u] ?? 0) + (fromAbove >= 0 ? (heap[fromAbove + sr + u] ?? 0) : 0)
        const i = heap[gr + u] ?? 0
        const f = heap[gr + U + u] ?? 0
        const g = heap[gr + 2 * U + u] ?? 0
        const o = heap[gr + 3 * U + u] ?? 0
        const cAct = heap[ct + sr + u] ?? 0
        const dcTotal = (heap[dc + sr + u] ?? 0) + dhTotal * o * activationSlope(act, heap[cNext + sr + u] ?? 0, cAct)
        heap[dzr + u] = dcTotal * g * activationSlope(rec, heap[zr + u] ?? 0, i)
        heap[dzr + U + u] = dcTotal * (heap[cPrev + sr + u] ?? 0) * activationSlope(rec, heap[zr + U + u] ?? 0, f)
        heap[dzr + 2 * U + u] = dcTotal * i * activationSlope(act, heap[zr + 2 * U + u] ?? 0, g)
        heap[dzr + 3 * U + u] = dhTotal * cAct * activationSlope(rec, heap[zr + 3 * U + u] ?? 0, o)
        heap[dc + sr + u] = dcTotal * f
      }
    }
  }
}

/** Keras's Embedding: token ids (time-major) in, one learned vector per id out. */
export class EmbeddingLayer implements FastLayer {
  readonly parameters: Parameter[]
  readonly outputIsSequence = true
  private readonly table: Parameter
  private readonly out: Region
  private input = 0

  constructor(
    private readonly arena: KernelArena,
    readonly inputDim: number,
    readonly outputWidth: number,
    readonly steps: number,
    maxRows: number
  ) {
    this.table = parameter(arena, 'embeddings', [inputDim, outputWidth])
    this.parameters = [this.table]
    this.out = arena.allocate(steps * maxRows * outputWidth)
  }

  forward(input: number, rows: number): number {
    this.input = input
    const heap = this.arena.heap
    const E = this.outputWidth
    for (let k = 0; k < this.steps * rows; k++) {
      const row = this.table.weights.start + this.tokenAt(heap, input + k) * E
      heap.copyWithin(this.out.start + k * E, row, row + E)
    }
    return this.out.start
  }

  backward(gradient: number, rows: number): number {
    const heap = this.arena.heap
    const E = this.outputWidth
    for (let k = 0; k < this.steps * rows; k++) {
      const row = this.table.gradient.start + this.tokenAt(heap, this.input + k) * E
      for (let e = 0; e < E; e++) heap[row + e] = (heap[row + e] ?? 0) + (heap[gradient + k * E + e] ?? 0)
    }
    return -1
  }

  private tokenAt(heap: Float32Array, at: number): number {
    // tfjs casts the ids to int32, which truncates
    const id = Math.trunc(heap[at] ?? 0)
    if (id < 0 || id >= this.inputDim) throw new RangeError(`token id ${id} is outside the embedding's 0…${this.inputDim - 1}`)
    return id
  }

  resetStates(): void {}
}
