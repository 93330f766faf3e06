import { describe, expect, it } from 'vitest'
import { seededRandom } from '../training/random'
import { KERNEL_ACTIVATIONS, KernelArena, KernelBoundsError, type KernelActivation } from './fastKernels'
import { LstmLayer } from './fastLayers'

/** Runs `kernel` (exp or an activation) over `xs` in a fresh arena and returns what it wrote. */
function applyKernel(kernel: KernelActivation | 'exp', xs: readonly number[]): Float32Array {
  const arena = new KernelArena()
  const x = arena.allocate(xs.length)
  const y = arena.allocate(xs.length)
  arena.heap.set(xs, x.start)
  if (kernel === 'exp') arena.exp(x.start, y.start, xs.length)
  else arena.activate(kernel, x.start, y.start, xs.length)
  return arena.heap.slice(y.start, y.start + xs.length)
}

/** The largest |got − expected(x)| (divided by |expected| when `relative`) and where it occurs. */
function worstError(xs: readonly number[], got: Float32Array, expected: (x: number) => number, relative = false) {
  let worst = 0
  let at = NaN
  xs.forEach((x, i) => {
    const want = expected(x)
    const error = Math.abs((got[i] ?? NaN) - want) / (relative ? Math.abs(want) : 1)
    if (!(error <= worst)) {
      worst = error
      at = x
    }
  })
  return { worst, at }
}

/** float32 values every 1e-4 over [from, to] (an odd count, so some land in vector tails). */
function grid(from: number, to: number, step = 1e-4): number[] {
  const count = Math.round((to - from) / step) + 1
  return Array.from({ length: count }, (_, i) => Math.fround(from + (i * (to - from)) / (count - 1)))
}

describe('the kernels’ exp, sigmoid and tanh', () => {
  const dense = grid(-30, 30)
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

  it('are within 2e-7 of Math’s sigmoid and tanh over [−30, 30] (measured: 8.9e-8 and 7.1e-8)', () => {
    expect(worstError(dense, applyKernel('sigmoid', dense), sigmoid).worst).toBeLessThanOrEqual(2e-7)
    expect(worstError(dense, applyKernel('tanh', dense), Math.tanh).worst).toBeLessThanOrEqual(2e-7)
  })

  it('give e^x within 2e-7 relative error wherever it is a normal float (measured: 7.9e-8)', () => {
    const wide = grid(-87.33, 88.37, 1e-3)
    expect(worstError(wide, applyKernel('exp', wide), Math.exp, true).worst).toBeLessThanOrEqual(2e-7)
  })

  it('keep tiny inputs: tanh(x) ≈ x and the sign of zero, sigmoid(x) ≈ 1/2 + x/4', () => {
    const tiny = [1e-30, -1e-30, 1e-20, -3e-12, 1e-7, -1e-7, 2.5e-4, -0.01, 0.3, -0.6249, 0.6251]
    expect(worstError(tiny, applyKernel('tanh', tiny), Math.tanh, true).worst).toBeLessThanOrEqual(2e-7)
    expect(worstError(tiny, applyKernel('sigmoid', tiny), sigmoid).worst).toBeLessThanOrEqual(6e-8)
    const [tanhPlus, tanhMinus] = applyKernel('tanh', [0, -0])
    expect(Object.is(tanhPlus, 0) && Object.is(tanhMinus, -0)).toBe(true)
    expect(Array.from(applyKernel('sigmoid', [0, -0]))).toEqual([0.5, 0.5])
    expect(Array.from(applyKernel('exp', [0, -0, 1e-30]))).toEqual([1, 1, 1])
  })

  it('saturate exactly, and give the limits (not NaN) for ±Infinity; NaN stays NaN', () => {
    const far = [20, 40, 88, 100, 1e30, Infinity]
    expect(Array.from(applyKernel('sigmoid', far))).toEqual(far.map(() => 1))
    expect(Array.from(applyKernel('sigmoid', far.map((x) => -x).slice(3)))).toEqual([0, 0, 0])
    expect(Array.from(applyKernel('tanh', [10, 40, 100, Infinity, -10, -100, -Infinity]))).toEqual([1, 1, 1, 1, -1, -1, -1])
    expect(Array.from(applyKernel('exp', [Infinity, 89, -Infinity, -88, -1000]))).toEqual([Infinity, Infinity, 0, 0, 0])
    for (const kind of ['sigmoid', 'tanh', 'exp'] as const) expect(applyKernel(kind, [NaN, 1])[0]).toBeNaN()
  })

  it('compute relu, hardSigmoid and linear as tfjs defines them, tails included', () => {
    const xs = [-3, -2.5, -2.4, -1, -0, 0, 1e-9, 0.5, 2.4, 2.5, 2.6, 7]
    expect(Array.from(applyKernel('relu', xs))).toEqual(xs.map((x) => Math.fround(x > 0 ? x : 0)))
    expect(Array.from(applyKernel('linear', xs))).toEqual(xs.map(Math.fround))
    // NaN as the TypeScript comparisons treat it: `x > 0 ? x : 0` is 0, the clip passes it
    expect(applyKernel('relu', [NaN])[0]).toBe(0)
    expect(applyKernel('hardSigmoid', [NaN])[0]).toBeNaN()
    // float32 arithmetic: 0.2·x + 0.5 cancels near x = −2.5, so within 1e-7 of the double formula, exact at the clips
    const hard = applyKernel('hardSigmoid', xs)
    expect(worstError(xs, hard, (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5))).worst).toBeLessThanOrEqual(1e-7)
    expect([hard[0], hard[1], hard[9], hard[10], hard[11]]).toEqual([0, 0, 1, 1, 1])
  })
})

interface CellCase {
  readonly rows: number
  readonly units: number
  readonly steps: number
  readonly inputWidth: number
  readonly activation: KernelActivation
  readonly recurrentActivation: KernelActivation
  readonly returnSequences: boolean
  /** Zero input and recurrent weights, so that z is the bias exactly (values on the activations' edges). */
  readonly biasOnly?: readonly number[]
}

/**
 * One forward and backward pass of an LSTM layer on seeded random weights, input and output
 * gradient, with the cell in the kernels or in the TypeScript loops: everything the pass
 * produces (every h, the weight gradients, the input gradient).
 */
function lstmPass(testCase: CellCase, useCellKernels: boolean) {
  const { rows, units, steps, inputWidth } = testCase
  const arena = new KernelArena()
  const layer = new LstmLayer(arena, inputWidth, units, steps, testCase.activation, testCase.recurrentActivation, testCase.returnSequences, false, rows)
  layer.useCellKernels = useCellKernels
  const input = arena.allocate(steps * rows * inputWidth)
  const outputSize = (testCase.returnSequences ? steps : 1) * rows * units
  const outputGradient = arena.allocate(outputSize)
  const random = seededRandom(rows * 7919 + units * 31 + steps)
  const heap = arena.heap // taken after the last allocation, which may grow (and detach) the memory
  const [kernel, recurrent, bias] = layer.parameters
  // weights of about unit size, so that z reaches the activations' curved and clipped parts
  for (const [parameter, scale] of [
    [kernel, 1.5],
    [recurrent, 0.6],
    [bias, 1]
  ] as const) {
    const { start, length } = parameter!.weights
    for (let i = 0; i < length; i++) heap[start + i] = testCase.biasOnly && parameter !== bias ? 0 : (random() - 0.5) * 2 * scale
  }
  if (testCase.biasOnly) heap.set(testCase.biasOnly, bias!.weights.start)
  for (let i = 0; i < input.length; i++) heap[input.start + i] = random() * 2 - 1
  for (let i = 0; i < outputSize; i++) heap[outputGradient.start + i] = random() - 0.5
  const output = layer.forward(input.start, rows)
  const outputs = heap.slice(output, output + outputSize)
  const inputGradient = layer.backward(outputGradient.start, rows, true)
  return {
    outputs,
    gradients: layer.parameters.map((parameter) => heap.slice(parameter.gradient.start, parameter.gradient.start + parameter.gradient.length)),
    inputGradient: heap.slice(inputGradient, inputGradient + steps * rows * inputWidth)
  }
}

/** Equal to float32 rounding: the kernels round each step to float32, the loops compute in doubles. */
function expectClose(got: Float32Array, want: Float32Array, what: string) {
  expect(got.length, what).toBe(want.length)
  let worst = 0
  want.forEach((value, i) => {
    worst = Math.max(worst, Math.abs((got[i] ?? NaN) - value) / (1 + Math.abs(value)))
  })
  expect(worst, what).toBeLessThanOrEqual(2e-5)
}

function expectSamePass(testCase: CellCase) {
  const kernels = lstmPass(testCase, true)
  const loops = lstmPass(testCase, false)
  expectClose(kernels.outputs, loops.outputs, 'h')
  for (const [i, name] of ['kernel', 'recurrent kernel', 'bias'].entries()) expectClose(kernels.gradients[i]!, loops.gradients[i]!, `${name} gradient`)
  expectClose(kernels.inputGradient, loops.inputGradient, 'input gradient')
}

describe('the LSTM cell kernels', () => {
  // the gradient from above reaches every step with returnSequences, only the last without
  describe.each([true, false])('returnSequences %s', (returnSequences) => {
    it.each(KERNEL_ACTIVATIONS)('give the TypeScript loops’ pass with activation %s (3 rows of 5 units: tails)', (activation) => {
      expectSamePass({ rows: 3, units: 5, steps: 4, inputWidth: 3, activation, recurrentActivation: 'sigmoid', returnSequences })
    })

    it.each(KERNEL_ACTIVATIONS)('give the TypeScript loops’ pass with recurrent activation %s (3 rows of 5 units)', (recurrentActivation) => {
      expectSamePass({ rows: 3, units: 5, steps: 4, inputWidth: 3, activation: 'tanh', recurrentActivation, returnSequences })
    })
  })

  it.each([
    ['sigmoid', 'tanh'],
    ['hardSigmoid', 'tanh'],
    ['hardSigmoid', 'relu']
  ] as const)('give the TypeScript loops’ pass at corpus size (64 rows of 256 units), recurrent %s, activation %s', (recurrentActivation, activation) => {
    expectSamePass({ rows: 64, units: 256, steps: 2, inputWidth: 8, activation, recurrentActivation, returnSequences: false })
  })

  it('give the TypeScript loops’ pass, slopes included, at the edges: z = ±2.5 (hardSigmoid’s bounds), ±0, ±1e-9, far out', () => {
    const edges = [-2.5, 2.5, 0, -0, 1e-9, -1e-9, 40, -40, 0.3, -2.6, 2.6, 1]
    // 3 units: 12 gate biases, so every gate of every unit gets a different edge value
    for (const recurrentActivation of KERNEL_ACTIVATIONS) {
      for (const activation of ['tanh', 'relu', 'hardSigmoid', 'linear'] as const) {
        expectSamePass({ rows: 5, units: 3, steps: 3, inputWidth: 2, activation, recurrentActivation, returnSequences: true, biasOnly: edges })
      }
    }
  })

  it('check their regions when bounds checks are on', () => {
    const arena = new KernelArena({ boundsChecks: true })
    const rows = 2
    const units = 3
    const [z, gates, states] = [arena.allocate(rows * 4 * units), arena.allocate(rows * 4 * units), arena.allocate(4 * rows * units)]
    const state = (k: number) => states!.start + k * rows * units
    const forward = { z: z!.start, gates: gates!.start, cPrev: state(0), cNext: state(1), cellOut: state(2), hNext: state(3) }
    expect(() => arena.lstmCellForward(rows, units, forward, 'sigmoid', 'tanh')).not.toThrow()
    expect(() => arena.lstmCellForward(rows + 1, units, forward, 'sigmoid', 'tanh')).toThrow(/^lstmCellForward: z \(3×12, row stride 12\) spans .* past the end of its allocation/)
    expect(() => arena.lstmCellForward(rows, units, { ...forward, hNext: state(2) }, 'sigmoid', 'tanh')).toThrow(
      /^lstmCellForward: the output cellOut \(2×3, row stride 3\) overlaps the input hNext/
    )
    const [dz, dh, dc] = [arena.allocate(rows * 4 * units), arena.allocate(rows * units), arena.allocate(rows * units)]
    const backward = { ...forward, dh: dh!.start, fromAbove: -1, dc: dc!.start, dz: dz!.start }
    expect(() => arena.lstmCellBackward(rows, units, backward, 'sigmoid', 'tanh')).not.toThrow()
    expect(() => arena.lstmCellBackward(rows, units, { ...backward, fromAbove: dh!.start + 3 }, 'sigmoid', 'tanh')).toThrow(/^lstmCellBackward: fromAbove .* past the end/)
    expect(() => arena.lstmCellBackward(rows, units, { ...backward, dc: forward.cPrev }, 'sigmoid', 'tanh')).toThrow(KernelBoundsError)
  })
})
