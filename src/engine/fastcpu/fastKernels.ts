import { FAST_KERNELS_WASM_BASE64 } from './fastKernelsWasm'

/** The exports of kernels.wat. Sizes count float32 elements, addresses count bytes. */
interface KernelExports {
  readonly memory: WebAssembly.Memory
  gemm(m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number): void
  gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void
  adam(count: number, w: number, g: number, m: number, v: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, eps: number): void
}

/** A run of float32 numbers inside a kernel arena, found by its first element's index. */
export interface Region {
  readonly start: number
  readonly length: number
}

let compiled: WebAssembly.Module | undefined

function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Uint8Array.from(atob(FAST_KERNELS_WASM_BASE64), (char) => char.charCodeAt(0)))
  return compiled
}

/** Whether this JavaScript engine runs WebAssembly with SIMD (the kernels need it). */
export function fastKernelsAvailable(): { ok: true } | { ok: false; reason: string } {
  try {
    kernelModule()
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
  private readonly kernels: KernelExports
  private used = 0
  private view: Float32Array

  constructor() {
    const instance = new WebAssembly.Instance(kernelModule(), {})
    this.kernels = instance.exports as unknown as KernelExports
    this.view = new Float32Array(this.kernels.memory.buffer)
  }

  /** Reserves `length` zeroed floats, aligned to 16 bytes for the SIMD loads. */
  allocate(length: number): Region {
    const start = this.used
    this.used += Math.ceil(length / 4) * 4
    const neededBytes = this.used * 4
    const memory = this.kernels.memory
    if (neededBytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((neededBytes - memory.buffer.byteLength) / 65536))
      this.view = new Float32Array(memory.buffer)
    }
    return { start, length }
  }

  /** The arena's memory as floats; index it with a region's `start`. */
  get heap(): Float32Array {
    return this.view
  }

  /** C[m×n] += A[m×k]·B[k×n]; `lda`, `ldb`, `ldc` are row lengths, offsets are element indices. */
  gemm(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    if (m === 0 || n === 0 || k === 0) return
    this.kernels.gemm(m, n, k, a * 4, lda, 1, b * 4, ldb, c * 4, ldc)
  }

  /** C[m×n] += Aᵀ·B where A is stored k×m (row length `lda`) and B is k×n. */
  gemmTransposedA(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    if (m === 0 || n === 0 || k === 0) return
    this.kernels.gemm(m, n, k, a * 4, 1, lda, b * 4, ldb, c * 4, ldc)
  }

  /** C[m×n] += A·Bᵀ where A is m×k and B is stored n×k. */
  gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    if (m === 0 || n === 0 || k === 0) return
    this.kernels.gemmTransposedB(m, n, k, a * 4, lda, b * 4, ldb, c * 4, ldc)
  }

  /** One Adam step over a region of weights with its gradient and moments (the gradient is zeroed). */
  adam(weights: Region, gradient: Region, m: Region, v: Region, step: AdamStep): void {
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
