import { FAST_KERNELS_RELAXED_WASM_BASE64, FAST_KERNELS_WASM_BASE64 } from './fastKernelsWasm'
import { decodeModule, kernelFlavour, type KernelFlavour } from './kernelFlavour'
import { checkSharedMemoryLimit, createSharedMemory, kernelThreads, ParallelGemm, sharedKernelModule } from './parallelGemm'
import { BLAS_MIN_MULTIPLY_ADDS, systemBlas, type SystemBlas } from './systemBlas'

/** The exports of kernels.wat. Sizes count float32 elements, addresses count bytes. */
interface KernelExports {
  readonly memory: WebAssembly.Memory
  gemm(m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number): void
  gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void
  adam(count: number, w: number, g: number, m: number, v: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, eps: number): void
  activate(kind: number, count: number, x: number, y: number): void
  exp(count: number, x: number, y: number): void
  lstmCellForward(rows: number, units: number, z: number, gates: number, cPrev: number, cNext: number, cellOut: number, hNext: number, rec: number, act: number): void
  lstmCellBackward(
    rows: number,
    units: number,
    z: number,
    gates: number,
    cPrev: number,
    cNext: number,
    cellOut: number,
    dh: number,
    fromAbove: number,
    dc: number,
    dz: number,
    rec: number,
    act: number
  ): void
}

/**
 * The activations the kernels compute, each at its index: the codes kernels.wat's `$activate`
 * and `$slope` dispatch on (keep the two in the same order).
 */
export const KERNEL_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'hardSigmoid'] as const
export type KernelActivation = (typeof KERNEL_ACTIVATIONS)[number]

/** The kernels' code for an activation, or undefined for one they do not compute (softmax). */
export function kernelActivationCode(kind: string): number | undefined {
  const code = (KERNEL_ACTIVATIONS as readonly string[]).indexOf(kind)
  return code < 0 ? undefined : code
}

/**
 * Where one LSTM time step reads and writes, as element indices: z, gates (and dz) are rows × 4U
 * with the gates input, forget, cell, output of each row side by side; the rest are rows × U.
 */
/** Operand makers for the bounds checks of an LSTM step: rows × 4U gate arrays and rows × U state arrays. */
function lstmOperands(rows: number, units: number) {
  return {
    gatesOperand: (name: string, start: number): Operand => ({ name, start, rows, cols: 4 * units, stride: 4 * units }),
    stateOperand: (name: string, start: number): Operand => ({ name, start, rows, cols: units, stride: units })
  }
}

export interface LstmStepRegions {
  readonly z: number
  readonly gates: number
  readonly cPrev: number
  readonly cNext: number
  readonly cellOut: number
}

/** A run of float32 numbers inside a kernel arena, found by its first element's index. */
export interface Region {
  readonly start: number
  readonly length: number
}

/** The environment variable that turns the kernels' bounds checks on (`1`) or off (`0`). */
export const KERNEL_CHECKS_ENV_VAR = 'MELODY_STUDIO_KERNEL_CHECKS'

/**
 * Whether kernel arenas check every call's regions: on under a test runner (vitest sets VITEST;
 * NODE_ENV=test) and wherever MELODY_STUDIO_KERNEL_CHECKS=1, off otherwise, since training calls
 * the kernels thousands of times a second. MELODY_STUDIO_KERNEL_CHECKS=0 turns them off in tests too.
 */
export function kernelChecksEnabled(env: Readonly<Record<string, string | undefined>> = typeof process === 'undefined' ? {} : process.env): boolean {
  const setting = env[KERNEL_CHECKS_ENV_VAR]
  if (setting === '1' || setting === '0') return setting === '1'
  return Boolean(env['VITEST']) || env['NODE_ENV'] === 'test'
}

/** A kernel call whose operands reach outside the arena allocation they start in, or outside the memory. */
export class KernelBoundsError extends Error {
  override readonly name = 'KernelBoundsError'
}

/** A matrix operand as a kernel reads or writes it: `rows` runs of `cols` floats, `stride` apart. */
interface Operand {
  readonly name: string
  readonly start: number
  readonly rows: number
  readonly cols: number
  readonly stride: number
}

/** The elements an operand touches, first to one past the last. */
function extent(operand: Operand): { from: number; to: number } {
  return { from: operand.start, to: operand.start + (operand.rows - 1) * operand.stride + operand.cols }
}

function describeOperand({ name, rows, cols, stride }: Operand): string {
  return `${name} (${rows}×${cols}, row stride ${stride})`
}

const compiled: Partial<Record<KernelFlavour, WebAssembly.Module>> = {}

/** kernels.wat on its own memory, in the flavour asked for (kernelFlavour.ts). */
export function kernelModule(flavour: KernelFlavour = kernelFlavour()): WebAssembly.Module {
  compiled[flavour] ??= new WebAssembly.Module(decodeModule(flavour === 'relaxed-simd' ? FAST_KERNELS_RELAXED_WASM_BASE64 : FAST_KERNELS_WASM_BASE64))
  return compiled[flavour]
}

/** Whether this JavaScript engine runs WebAssembly with SIMD (the kernels need it). */
export function fastKernelsAvailable(): { ok: true } | { ok: false; reason: string } {
  try {
    kernelModule('simd')
    return { ok: true }
  } catch (error) {
    return { ok: false, reason: `WebAssembly SIMD kernels do not load here: ${error instanceof Error ? error.message : String(error)}` }
  }
}

/**
 * One WebAssembly instance with its own memory, holding every array of one network: weights,
 * gradients, optimiser moments and activations. Regions are handed out once, when the network
 * is laid out, so the memory never grows while training (and the resident size stays flat).
 */
export class KernelArena {
  /** Whether every kernel call's regions are checked (see `kernelChecksEnabled`). */
  readonly boundsChecks: boolean
  /** The system BLAS that takes the large products, if one was loaded (see systemBlas.ts). */
  readonly blas: SystemBlas | undefined
  /** The kernels' flavour: relaxed SIMD (fused multiply-adds in the products) or plain SIMD. */
  readonly flavour: KernelFlavour
  private readonly kernels: KernelExports
  /** The WebAssembly products on every core (parallelGemm.ts), when threads > 1. */
  private readonly parallel: ParallelGemm | undefined
  private used = 0
  private view: Float32Array
  /** Every region handed out, in address order (allocation only moves forward). */
  private readonly allocations: Region[] = []

  /**
   * `blas`: null keeps every product on the WebAssembly kernels; by default the loaded system BLAS.
   * `threads`: the WebAssembly products' threads; by default 1 with a system BLAS, else
   * MELODY_STUDIO_KERNEL_THREADS or every core. Above 1 the arena lives on a shared memory (at
   * most SHARED_MEMORY_LIMIT_BYTES) and products from PARALLEL_MIN_MULTIPLY_ADDS are split.
   */
  constructor(options: { readonly boundsChecks?: boolean; readonly blas?: SystemBlas | null; readonly threads?: number } = {}) {
    this.boundsChecks = options.boundsChecks ?? kernelChecksEnabled()
    this.blas = options.blas === null ? undefined : (options.blas ?? systemBlas())
    // with a system BLAS, every product large enough to gain from threads goes to it
    const threads = options.threads ?? (this.blas ? 1 : kernelThreads())
    this.flavour = kernelFlavour()
    if (threads > 1) {
      const memory = createSharedMemory()
      const module = sharedKernelModule(this.flavour)
      this.kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports
      this.parallel = new ParallelGemm({ module, memory, kernels: this.kernels, threads })
    } else {
      this.kernels = new WebAssembly.Instance(kernelModule(this.flavour), {}).exports as unknown as KernelExports
    }
    this.view = new Float32Array(this.kernels.memory.buffer)
  }

  /** The threads the WebAssembly products may use (1: the calling thread only). */
  get threads(): number {
    return this.parallel?.threads ?? 1
  }

  /** Kernel worker threads running now (they start with the first product split across them). */
  get runningWorkers(): number {
    return this.parallel?.runningWorkers ?? 0
  }

  /** Ends the arena's kernel worker threads, if any; products afterwards run on the calling thread. */
  dispose(): void {
    this.parallel?.dispose()
  }

  /** The system BLAS, when there is one and the product is large enough to gain from it. */
  private blasFor(m: number, n: number, k: number): SystemBlas | undefined {
    return this.blas && m * n * k >= BLAS_MIN_MULTIPLY_ADDS ? this.blas : undefined
  }

  /** The floats an operand of `rows` runs of `cols`, `stride` apart, spans, as a view for the BLAS. */
  private span(start: number, rows: number, cols: number, stride: number): Float32Array {
    return this.view.subarray(start, start + (rows - 1) * stride + cols)
  }

  /** Reserves `length` zeroed floats, aligned to 16 bytes for the SIMD loads. */
  allocate(length: number): Region {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`cannot allocate ${length} floats`)
    const start = this.used
    if (this.parallel) checkSharedMemoryLimit((start + Math.ceil(length / 4) * 4) * 4)
    this.used += Math.ceil(length / 4) * 4
    const neededBytes = this.used * 4
    const memory = this.kernels.memory
    if (neededBytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((neededBytes - memory.buffer.byteLength) / 65536))
      this.view = new Float32Array(memory.buffer)
    }
    const region = { start, length }
    this.allocations.push(region)
    return region
  }

  /** The allocation holding element `index`, if any (the padding after one belongs to none). */
  private allocationAt(index: number): Region | undefined {
    let low = 0
    let high = this.allocations.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      const region = this.allocations[middle] as Region
      if (index < region.start) high = middle - 1
      else if (index >= region.start + region.length) low = middle + 1
      else return region
    }
    return undefined
  }

  /**
   * Throws a KernelBoundsError unless every operand lies inside the memory and inside the one
   * allocation its first element is in, and the output overlaps no input (the kernels add into
   * it while reading them).
   */
  private checkOperands(kernel: string, inputs: readonly Operand[], output: Operand): void {
    const memoryFloats = this.kernels.memory.buffer.byteLength / 4
    for (const operand of [...inputs, output]) {
      const what = `${kernel}: ${describeOperand(operand)}`
      const { start, rows, cols, stride } = operand
      if (![start, rows, cols, stride].every(Number.isInteger) || start < 0 || rows < 1 || cols < 1) {
        throw new KernelBoundsError(`${what} at element ${start} is not a region`)
      }
      if (rows > 1 && stride < cols) throw new KernelBoundsError(`${what}: the stride is shorter than a row, so rows overlap`)
      const { from, to } = extent(operand)
      if (to > memoryFloats) throw new KernelBoundsError(`${what} spans elements ${from}…${to - 1}, past the end of the memory (${memoryFloats} floats)`)
      const allocation = this.allocationAt(from)
      if (!allocation) throw new KernelBoundsError(`${what} starts at element ${from}, outside every allocation`)
      const end = allocation.start + allocation.length
      if (to > end) {
        throw new KernelBoundsError(
          `${what} spans elements ${from}…${to - 1}, past the end of its allocation ${allocation.start}…${end - 1} (${allocation.length} floats)`
        )
      }
    }
    const written = extent(output)
    for (const input of inputs) {
      const read = extent(input)
      if (read.from < written.to && written.from < read.to) {
        throw new KernelBoundsError(`${kernel}: the output ${describeOperand(output)} overlaps the input ${describeOperand(input)}`)
      }
    }
  }

  /** The arena's memory as floats; index it with a region's `start`. */
  get heap(): Float32Array {
    return this.view
  }

  /** C[m×n] += A[m×k]·B[k×n]; `lda`, `ldb`, `ldc` are row lengths, offsets are element indices. */
  gemm(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    if (m === 0 || n === 0 || k === 0) return
    if (this.boundsChecks) {
      this.checkOperands(
        'gemm',
        [
          { name: 'A', start: a, rows: m, cols: k, stride: lda },
          { name: 'B', start: b, rows: k, cols: n, stride: ldb }
        ],
        { name: 'C', start: c, rows: m, cols: n, stride: ldc }
      )
    }
    const blas = this.blasFor(m, n, k)
    if (blas) blas.sgemm(false, false, m, n, k, this.span(a, m, k, lda), lda, this.span(b, k, n, ldb), ldb, this.span(c, m, n, ldc), ldc)
    else if (this.parallel?.takes(m, n, k)) this.parallel.gemm(m, n, k, a, lda, 1, b, ldb, c, ldc)
    else this.kernels.gemm(m, n, k, a * 4, lda, 1, b * 4, ldb, c * 4, ldc)
  }

  /** C[m×n] += Aᵀ·B where A is stored k×m (row length `lda`) and B is k×n. */
  gemmTransposedA(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    if (m === 0 || n === 0 || k === 0) return
    if (this.boundsChecks) {
      this.checkOperands(
        'gemmTransposedA',
        [
          { name: 'A stored transposed', start: a, rows: k, cols: m, stride: lda },
          { name: 'B', start: b, rows: k, cols: n, stride: ldb }
        ],
        { name: 'C', start: c, rows: m, cols: n, stride: ldc }
      )
    }
    const blas = this.blasFor(m, n, k)
    if (blas) blas.sgemm(true, false, m, n, k, this.span(a, k, m, lda), lda, this.span(b, k, n, ldb), ldb, this.span(c, m, n, ldc), ldc)
    else if (this.parallel?.takes(m, n, k)) this.parallel.gemm(m, n, k, a, 1, lda, b, ldb, c, ldc)
    else this.kernels.gemm(m, n, k, a * 4, 1, lda, b * 4, ldb, c * 4, ldc)
  }

  /** C[m×n] += A·Bᵀ where A is m×k and B is stored n×k. */
  gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    if (m === 0 || n === 0 || k === 0) return
    if (this.boundsChecks) {
      this.checkOperands(
        'gemmTransposedB',
        [
          { name: 'A', start: a, rows: m, cols: k, stride: lda },
          { name: 'B stored transposed', start: b, rows: n, cols: k, stride: ldb }
        ],
        { name: 'C', start: c, rows: m, cols: n, stride: ldc }
      )
    }
    const blas = this.blasFor(m, n, k)
    if (blas) blas.sgemm(false, true, m, n, k, this.span(a, m, k, lda), lda, this.span(b, n, k, ldb), ldb, this.span(c, m, n, ldc), ldc)
    else if (this.parallel?.takes(m, n, k)) this.parallel.gemmTransposedB(m, n, k, a, lda, b, ldb, c, ldc)
    else this.kernels.gemmTransposedB(m, n, k, a * 4, lda, b * 4, ldb, c * 4, ldc)
  }

  /** One Adam step over a region of weights with its gradient and moments (the gradient is zeroed). */
  adam(weights: Region, gradient: Region, m: Region, v: Region, step: AdamStep): void {
    if (weights.length === 0) return
    if (this.boundsChecks) this.checkAdam(weights, gradient, m, v)
    this.kernels.adam(
      weights.length,
      weights.start * 4,
      gradient.start * 4,
      m.start * 4,
      v.start * 4,
      step.learningRate,
      step.beta1,
      step.beta2,
      step.firstCorrection,
      step.secondCorrection,
      step.epsilon
    )
  }

  /** y = activation(x) elementwise over `count` floats (y may be x itself). */
  activate(kind: KernelActivation, x: number, y: number, count: number): void {
    if (count === 0) return
    if (this.boundsChecks) {
      const output = { name: 'y', start: y, rows: 1, cols: count, stride: count }
      // the kernel reads each element before writing it, so y may be exactly x, but not shifted
      this.checkOperands('activate', x === y ? [] : [{ name: 'x', start: x, rows: 1, cols: count, stride: count }], output)
    }
    this.kernels.activate(KERNEL_ACTIVATIONS.indexOf(kind), count, x * 4, y * 4)
  }

  /** y = e^x elementwise over `count` floats, as the activations compute it (y may be x itself). */
  exp(x: number, y: number, count: number): void {
    if (count === 0) return
    if (this.boundsChecks) {
      const output = { name: 'y', start: y, rows: 1, cols: count, stride: count }
      this.checkOperands('exp', x === y ? [] : [{ name: 'x', start: x, rows: 1, cols: count, stride: count }], output)
    }
    this.kernels.exp(count, x * 4, y * 4)
  }

  /**
   * One LSTM time step forward over `rows` rows of `units` cells: from the pre-activations z,
   * writes the activated gates, c = f·c₋₁ + i·g, cellOut = act(c) and h = o·act(c).
   */
  lstmCellForward(
    rows: number,
    units: number,
    at: LstmStepRegions & { readonly hNext: number },
    recurrentActivation: KernelActivation,
    activation: KernelActivation
  ): void {
    if (rows === 0 || units === 0) return
    if (this.boundsChecks) {
      const { gatesOperand, stateOperand } = lstmOperands(rows, units)
      this.checkOutputs(
        'lstmCellForward',
        [gatesOperand('z', at.z), stateOperand('cPrev', at.cPrev)],
        [gatesOperand('gates', at.gates), stateOperand('cNext', at.cNext), stateOperand('cellOut', at.cellOut), stateOperand('hNext', at.hNext)]
      )
    }
    this.kernels.lstmCellForward(
      rows,
      units,
      at.z * 4,
      at.gates * 4,
      at.cPrev * 4,
      at.cNext * 4,
      at.cellOut * 4,
      at.hNext * 4,
      KERNEL_ACTIVATIONS.indexOf(recurrentActivation),
      KERNEL_ACTIVATIONS.indexOf(activation)
    )
  }

  /**
   * One LSTM time step backward, from what the forward pass kept for it: writes dz (rows × 4U)
   * and turns dc (the gradient at c) into the gradient at c₋₁ in place. The gradient at h is
   * dh plus, when `fromAbove` is not -1, the gradient the layer above sends to this step.
   */
  lstmCellBackward(
    rows: number,
    units: number,
    at: LstmStepRegions & { readonly dh: number; readonly fromAbove: number; readonly dc: number; readonly dz: number },
    recurrentActivation: KernelActivation,
    activation: KernelActivation
  ): void {
    if (rows === 0 || units === 0) return
    if (this.boundsChecks) {
      const { gatesOperand, stateOperand } = lstmOperands(rows, units)
      const inputs = [
        gatesOperand('z', at.z),
        gatesOperand('gates', at.gates),
        stateOperand('cPrev', at.cPrev),
        stateOperand('cNext', at.cNext),
        stateOperand('cellOut', at.cellOut),
        stateOperand('dh', at.dh)
      ]
      if (at.fromAbove !== -1) inputs.push(stateOperand('fromAbove', at.fromAbove))
      // dc is read and rewritten element by element, so it counts as an output only
      this.checkOutputs('lstmCellBackward', inputs, [gatesOperand('dz', at.dz), stateOperand('dc', at.dc)])
    }
    this.kernels.lstmCellBackward(
      rows,
      units,
      at.z * 4,
      at.gates * 4,
      at.cPrev * 4,
      at.cNext * 4,
      at.cellOut * 4,
      at.dh * 4,
      at.fromAbove === -1 ? -1 : at.fromAbove * 4,
      at.dc * 4,
      at.dz * 4,
      KERNEL_ACTIVATIONS.indexOf(recurrentActivation),
      KERNEL_ACTIVATIONS.indexOf(activation)
    )
  }

  /** Checks a kernel with several outputs: each in bounds, and none overlapping an input or another output. */
  private checkOutputs(kernel: string, inputs: readonly Operand[], outputs: readonly Operand[]): void {
    outputs.forEach((output, i) => this.checkOperands(kernel, [...inputs, ...outputs.slice(i + 1)], output))
  }

  /** The Adam kernel walks `weights.length` floats of all four: each must hold that many, apart from the others. */
  private checkAdam(weights: Region, gradient: Region, m: Region, v: Region): void {
    const named = { weights, gradient, 'first moment': m, 'second moment': v }
    for (const [name, region] of Object.entries(named)) {
      if (region.length !== weights.length) {
        throw new KernelBoundsError(`adam: ${name} holds ${region.length} floats, the weights ${weights.length}`)
      }
    }
    // each one is the output of its own update: none may overlap another
    const operands = Object.entries(named).map(([name, region]) => ({ name, start: region.start, rows: 1, cols: weights.length, stride: weights.length }))
    operands.forEach((output, i) => this.checkOperands('adam', operands.slice(i + 1), output))
  }
}

/** The scalars of one Adam step: c1 = 1/(1−β1ᵗ), c2 = 1/(1−β2ᵗ). */
export interface AdamStep {
  readonly learningRate: number
  readonly beta1: number
  readonly beta2: number
  readonly epsilon: number
  readonly firstCorrection: number
  readonly secondCorrection: number
}
