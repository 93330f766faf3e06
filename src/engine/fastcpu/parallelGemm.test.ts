// The WebAssembly products on several threads: the shared-memory module is what kernels.wat
// assembles to; a product split across threads is bit for bit the single-threaded one in all
// three layouts, at odd sizes and strides; the workers end; an arena past the shared memory's
// limit says so; a FastNetwork trains the same on two threads as on one.
import * as tf from '@tensorflow/tfjs'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import wabtInit from 'wabt'
import { beforeAll, describe, expect, it } from 'vitest'
import { sharedKernelsWat } from '../../../scripts/sharedKernels.mjs'
import { chooseBackend } from '../backend/chooseBackend'
import { seededRandom } from '../training/random'
import { KernelArena } from './fastKernels'
import { FAST_KERNELS_SHARED_WASM_BASE64 } from './fastKernelsWasm'
import { FastNetwork, planFastNetwork } from './fastNetwork'
import {
  checkSharedMemoryLimit,
  createSharedMemory,
  KERNEL_THREADS_ENV_VAR,
  KernelMemoryLimitError,
  kernelThreads,
  MAX_KERNEL_THREADS,
  PARALLEL_MIN_MULTIPLY_ADDS,
  ParallelGemm,
  SHARED_MEMORY_LIMIT_BYTES,
  sharedKernelModule,
  splitProduct,
  type ProductKernels
} from './parallelGemm'

/** The bits of each float, so that equality means the same float (NaN and −0 included). */
const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)))

describe('the shared-memory kernels', () => {
  it('are what kernels.wat assembles to on an imported shared memory (run `npm run build:kernels` after editing it)', async () => {
    const wabt = await wabtInit()
    const wat = sharedKernelsWat(readFileSync(join(import.meta.dirname, 'kernels.wat'), 'utf8'))
    expect(wat).toContain('(import "env" "memory" (memory 1 65536 shared))')
    const parsed = wabt.parseWat('kernels.wat', wat, { simd: true, threads: true })
    const { buffer } = parsed.toBinary({})
    parsed.destroy()
    expect(Buffer.from(buffer).toString('base64')).toBe(FAST_KERNELS_SHARED_WASM_BASE64)
    expect(WebAssembly.Module.imports(sharedKernelModule())).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }])
  })
})

describe('splitting a product', () => {
  it.each([
    [64, 1024, 2],
    [64, 1024, 3],
    [7, 300, 2],
    [13, 40, 3],
    [1, 1024, 4],
    [2, 37, 3],
    [1, 5, 4],
    [3, 3, 16],
    [2048, 256, 16]
  ])('covers C (%i×%i) once in at most %i parts, rows by 4 or columns by 16', (m, n, threads) => {
    const parts = splitProduct(m, n, threads)
    expect(parts.length).toBeGreaterThanOrEqual(1)
    expect(parts.length).toBeLessThanOrEqual(threads)
    const covered = new Uint8Array(m * n)
    for (const part of parts) {
      expect(part.rows).toBeGreaterThan(0)
      expect(part.cols).toBeGreaterThan(0)
      for (let i = part.rowStart; i < part.rowStart + part.rows; i++) {
        for (let j = part.colStart; j < part.colStart + part.cols; j++) covered[i * n + j]!++
      }
    }
    expect(covered.every((count) => count === 1)).toBe(true)
    // every part but the last starts and ends on a kernel block
    const byRows = parts.every((part) => part.cols === n)
    for (const part of parts.slice(0, -1)) {
      if (byRows) expect(part.rows % 4).toBe(0)
      else expect(part.cols % 16).toBe(0)
    }
  })

  it('splits a batch of 64 by rows and a batch of one by columns', () => {
    expect(splitProduct(64, 1024, 2)).toEqual([
      { rowStart: 0, rows: 32, colStart: 0, cols: 1024 },
      { rowStart: 32, rows: 32, colStart: 0, cols: 1024 }
    ])
    expect(splitProduct(1, 1024, 2)).toEqual([
      { rowStart: 0, rows: 1, colStart: 0, cols: 512 },
      { rowStart: 0, rows: 1, colStart: 512, cols: 512 }
    ])
  })
})

describe('kernel threads setting', () => {
  it('reads MELODY_STUDIO_KERNEL_THREADS, else every core', () => {
    expect(kernelThreads({ [KERNEL_THREADS_ENV_VAR]: '1' })).toBe(1)
    expect(kernelThreads({ [KERNEL_THREADS_ENV_VAR]: ' 3 ' })).toBe(3)
    expect(kernelThreads({ [KERNEL_THREADS_ENV_VAR]: '1000' })).toBe(MAX_KERNEL_THREADS)
    const cores = kernelThreads({})
    expect(cores).toBeGreaterThanOrEqual(1)
    for (const nonsense of ['0', '-2', 'many', '1.5', '']) expect(kernelThreads({ [KERNEL_THREADS_ENV_VAR]: nonsense })).toBe(cores)
  })
})

/** One shared memory with the main thread's kernels on it, operands laid out with strides. */
function sharedSetup() {
  const memory = createSharedMemory()
  const module = sharedKernelModule()
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ProductKernels
  memory.grow(64) // 4 MiB
  return { memory, module, kernels }
}

type Layout = 'A·B' | 'Aᵀ·B' | 'A·Bᵀ'
const LAYOUTS: readonly Layout[] = ['A·B', 'Aᵀ·B', 'A·Bᵀ']

/**
 * Runs one product of `layout` with row strides `pad` floats longer than the rows, on random
 * operands, through `product` (kernels.wat's argument order, element offsets), and returns C.
 */
function runProduct(
  heap: Float32Array,
  layout: Layout,
  [m, n, k]: readonly [number, number, number],
  pad: number,
  seed: number,
  product: {
    gemm(m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number): void
    gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void
  }
): Float32Array {
  const random = seededRandom(seed)
  // A is m×k (or k×m stored for Aᵀ), B k×n (or n×k stored for Bᵀ), C m×n: each with a padded stride
  const aRows = layout === 'Aᵀ·B' ? k : m
  const aCols = layout === 'Aᵀ·B' ? m : k
  const bRows = layout === 'A·Bᵀ' ? n : k
  const bCols = layout === 'A·Bᵀ' ? k : n
  const lda = aCols + pad
  const ldb = bCols + pad
  const ldc = n + pad
  const a = 8 // not at 0, and not 16-byte aligned
  const b = a + aRows * lda + 3
  const c = b + bRows * ldb + 5
  const end = c + m * ldc
  expect(end).toBeLessThan(heap.length)
  for (let i = 0; i < end; i++) heap[i] = random() - 0.5
  if (layout === 'A·B') product.gemm(m, n, k, a, lda, 1, b, ldb, c, ldc)
  else if (layout === 'Aᵀ·B') product.gemm(m, n, k, a, 1, lda, b, ldb, c, ldc)
  else product.gemmTransposedB(m, n, k, a, lda, b, ldb, c, ldc)
  return heap.slice(c, end) // the padding between C's rows included: it must be untouched
}

describe('ParallelGemm', () => {
  const SIZES: readonly (readonly [number, number, number])[] = [
    [64, 1024, 32],
    [7, 300, 33], // m not a multiple of the threads or of 4
    [13, 40, 9],
    [1, 1024, 17], // a batch of one: split by columns
    [2, 37, 5], // fewer rows than threads
    [1, 5, 3], // one part only
    [33, 7, 64]
  ]

  it.each([2, 3, 5])('gives the single-threaded kernel’s product bit for bit on %i threads, in all three layouts, with strides', async (threads) => {
    const { memory, module, kernels } = sharedSetup()
    const parallel = new ParallelGemm({ module, memory, kernels, threads, minMultiplyAdds: 0 })
    const heap = () => new Float32Array(memory.buffer)
    const single = {
      gemm: (m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number) =>
        kernels.gemm(m, n, k, a * 4, ai, ap, b * 4, ldb, c * 4, ldc),
      gemmTransposedB: (m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) =>
        kernels.gemmTransposedB(m, n, k, a * 4, lda, b * 4, ldb, c * 4, ldc)
    }
    try {
      for (const [index, size] of SIZES.entries()) {
        for (const layout of LAYOUTS) {
          for (const pad of [0, 3]) {
            const expected = runProduct(heap(), layout, size, pad, index * 10 + pad, single)
            const got = runProduct(heap(), layout, size, pad, index * 10 + pad, parallel)
            expect(bits(got), `${layout} ${size.join('×')} pad ${pad}`).toEqual(bits(expected))
          }
        }
      }
      expect(parallel.runningWorkers).toBe(threads - 1)
    } finally {
      parallel.dispose()
    }
    await parallel.ended()
    expect(parallel.runningWorkers).toBe(0)
  })

  it('keeps products under its threshold on the calling thread, and every product after dispose', async () => {
    const { memory, module, kernels } = sharedSetup()
    const parallel = new ParallelGemm({ module, memory, kernels, threads: 2 })
    expect(parallel.minMultiplyAdds).toBe(PARALLEL_MIN_MULTIPLY_ADDS)
    expect(parallel.takes(64, 64, 64)).toBe(PARALLEL_MIN_MULTIPLY_ADDS <= 64 ** 3)
    expect(parallel.takes(64, 1024, 256)).toBe(true)
    expect(parallel.runningWorkers).toBe(0) // none started before a product needs them
    parallel.dispose()
    expect(parallel.takes(64, 1024, 256)).toBe(false)
    await parallel.ended()
  })

  it('refuses a memory that is not shared', () => {
    const memory = new WebAssembly.Memory({ initial: 1 })
    expect(() => new ParallelGemm({ module: sharedKernelModule(), memory, kernels: sharedSetup().kernels, threads: 2 })).toThrow(/shared/)
  })
})

describe('a threaded kernel arena', () => {
  // above PARALLEL_MIN_MULTIPLY_ADDS, so the arena splits them; odd, with strides
  const SIZES: readonly (readonly [number, number, number])[] = [
    [67, 1029, 19],
    [1, 4100, 300],
    [5, 2000, 150]
  ]

  it('gives one thread’s products bit for bit in all three layouts, and ends its workers on dispose', async () => {
    const one = new KernelArena({ threads: 1, blas: null })
    const three = new KernelArena({ threads: 3, blas: null })
    expect([one.threads, three.threads]).toEqual([1, 3])
    const products = (arena: KernelArena) => {
      const regions = arena.allocate(1_500_000).start
      return {
        gemm: (m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number) =>
          ai === 1 ? arena.gemmTransposedA(m, n, k, regions + a, ap, regions + b, ldb, regions + c, ldc) : arena.gemm(m, n, k, regions + a, ai, regions + b, ldb, regions + c, ldc),
        gemmTransposedB: (m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) =>
          arena.gemmTransposedB(m, n, k, regions + a, lda, regions + b, ldb, regions + c, ldc),
        heap: () => arena.heap.subarray(regions, regions + 1_500_000)
      }
    }
    const single = products(one)
    const threaded = products(three)
    for (const [index, size] of SIZES.entries()) {
      expect(size[0] * size[1] * size[2]).toBeGreaterThanOrEqual(PARALLEL_MIN_MULTIPLY_ADDS)
      for (const layout of LAYOUTS) {
        const expected = runProduct(single.heap(), layout, size, 2, index, single)
        const got = runProduct(threaded.heap(), layout, size, 2, index, threaded)
        expect(bits(got), `${layout} ${size.join('×')}`).toEqual(bits(expected))
      }
    }
    expect(three.runningWorkers).toBe(2)
    expect(one.runningWorkers).toBe(0)
    three.dispose()
    expect(three.runningWorkers).toBe(0)
    // still computes, on the calling thread
    const [m, n, k] = SIZES[0]!
    expect(bits(runProduct(threaded.heap(), 'A·B', [m, n, k], 2, 9, threaded))).toEqual(bits(runProduct(single.heap(), 'A·B', [m, n, k], 2, 9, single)))
  })

  it('does not keep the process alive: a script that never disposes its arena exits', () => {
    const folder = mkdtempSync(join(tmpdir(), 'kernel-threads-'))
    try {
      const script = join(folder, 'undisposed.ts')
      writeFileSync(
        script,
        `import { KernelArena } from ${JSON.stringify(join(import.meta.dirname, 'fastKernels.ts'))}\n` +
          `const arena = new KernelArena({ threads: 2, blas: null })\n` +
          `const a = arena.allocate(64 * 256), b = arena.allocate(256 * 1024), c = arena.allocate(64 * 1024)\n` +
          `arena.gemm(64, 1024, 256, a.start, 256, b.start, 1024, c.start, 1024)\n` +
          `console.log('workers', arena.runningWorkers)\n` +
          // still referenced, so that no collection ends the workers: only their unref lets the process end
          `Object.assign(globalThis, { arena })\n`
      )
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 45_000, cwd: join(import.meta.dirname, '../../..') })
      expect(run.error).toBeUndefined()
      expect(run.stdout.trim()).toBe('workers 1')
      expect(run.status).toBe(0)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('refuses to grow past the shared memory’s limit, saying why', () => {
    const arena = new KernelArena({ threads: 2, blas: null })
    arena.allocate(1000)
    expect(() => arena.allocate(SHARED_MEMORY_LIMIT_BYTES / 4)).toThrow(KernelMemoryLimitError)
    expect(() => arena.allocate(SHARED_MEMORY_LIMIT_BYTES / 4)).toThrow(/needs 1024\.0 MiB of kernel memory; the threaded kernels hold at most 1024\.0 MiB.*MELODY_STUDIO_KERNEL_THREADS=1/)
    expect(() => checkSharedMemoryLimit(SHARED_MEMORY_LIMIT_BYTES)).not.toThrow()
    arena.dispose()
  })
})

describe('a FastNetwork on two kernel threads', () => {
  beforeAll(async () => {
    await chooseBackend({ env: process.env })
  })

  it('trains an LSTM exactly as on one thread', () => {
    // LSTM(128) on batches of 64: its products (64×512×128 and the like) are over the threshold
    const model = tf.sequential({
      layers: [tf.layers.lstm({ units: 128, inputShape: [3, 5], recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 10, activation: 'softmax' })]
    })
    const planned = planFastNetwork(model)
    if (!planned.ok) throw new Error(planned.reason)
    const random = seededRandom(3)
    const samples = Float32Array.from({ length: 128 * 3 * 5 }, () => random() - 0.5)
    const labels = Int32Array.from({ length: 128 }, () => Math.floor(random() * 10))
    const batches = [Array.from({ length: 64 }, (_, i) => i * 2), Array.from({ length: 64 }, (_, i) => 127 - i), Array.from({ length: 33 }, (_, i) => i)]
    const train = (threads: number) => {
      const network = new FastNetwork(planned.plan, 64, { threads })
      network.readWeightsFrom(model)
      const losses = batches.map((rows) => network.trainBatch(samples, labels, rows, { learningRate: 0.01 }).lossSum)
      const workers = (network as unknown as { arena: KernelArena }).arena.runningWorkers
      const weights = network.weightArrays()
      network.dispose()
      return { losses, weights, workers }
    }
    const one = train(1)
    const two = train(2)
    expect(two.workers).toBe(1) // the threads were used
    expect(two.losses).toEqual(one.losses)
    expect(two.weights.map(bits)).toEqual(one.weights.map(bits))
    // and the steps moved the weights
    expect(one.weights.some((w, i) => bits(w).join() !== bits(model.getWeights()[i]!.dataSync() as Float32Array).join())).toBe(true)
    model.dispose()
  })
})
