import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import wabtInit from 'wabt'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../training/random'
import { KernelArena, KernelBoundsError, kernelChecksEnabled, type Region } from './fastKernels'
import { FAST_KERNELS_WASM_BASE64 } from './fastKernelsWasm'

describe('fast kernels', () => {
  it('are what kernels.wat assembles to (run `npm run build:kernels` after editing it)', async () => {
    const wabt = await wabtInit()
    const parsed = wabt.parseWat('kernels.wat', readFileSync(join(import.meta.dirname, 'kernels.wat'), 'utf8'), { simd: true })
    const { buffer } = parsed.toBinary({})
    parsed.destroy()
    expect(Buffer.from(buffer).toString('base64')).toBe(FAST_KERNELS_WASM_BASE64)
  })

  // Sizes around the 4-row, 8- and 16-column blocks and the 4-wide dot products, with leftovers.
  it.each([
    [1, 512, 129],
    [1, 13, 5],
    [4, 12, 3],
    [5, 13, 7],
    [7, 37, 33],
    [9, 16, 1],
    [64, 40, 256]
  ])('multiply %i×%i by %i as plain loops do, in all three layouts, adding into C', (m, n, k) => {
    const arena = new KernelArena()
    const random = seededRandom(m * 1000 + n * 10 + k)
    const a = arena.allocate(m * k)
    const aT = arena.allocate(k * m)
    const b = arena.allocate(k * n)
    const bT = arena.allocate(n * k)
    const c = arena.allocate(m * n)
    const heap = arena.heap
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) heap[a.start + i * k + p] = heap[aT.start + p * m + i] = random() - 0.5
    }
    for (let p = 0; p < k; p++) {
      for (let j = 0; j < n; j++) heap[b.start + p * n + j] = heap[bT.start + j * k + p] = random() - 0.5
    }
    const expected = Array.from({ length: m * n }, (_, index) => {
      const i = Math.floor(index / n)
      const j = index % n
      let sum = 1 // C starts at 1 everywhere: the kernels add to it
      for (let p = 0; p < k; p++) sum += heap[a.start + i * k + p]! * heap[b.start + p * n + j]!
      return sum
    })
    const products = [
      () => arena.gemm(m, n, k, a.start, k, b.start, n, c.start, n),
      () => arena.gemmTransposedA(m, n, k, aT.start, m, b.start, n, c.start, n),
      () => arena.gemmTransposedB(m, n, k, a.start, k, bT.start, k, c.start, n)
    ]
    for (const product of products) {
      arena.heap.fill(1, c.start, c.start + m * n)
      product()
      const got = Array.from(arena.heap.subarray(c.start, c.start + m * n))
      got.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 4))
    }
  })

  it('takes an Adam step as the formula says and zeroes the gradient', () => {
    const arena = new KernelArena()
    const count = 7 // four in SIMD lanes, three one by one
    const [w, g, m, v] = [arena.allocate(count), arena.allocate(count), arena.allocate(count), arena.allocate(count)]
    const heap = arena.heap
    const start = { w: [0.5, -1, 2, 0, 0.1, -0.2, 3], g: [0.1, -0.3, 0, 2, -1, 0.5, 1e-3], m: [0, 0.1, 0, 0, 0.2, 0, 0], v: [0, 0.01, 0, 0, 0.5, 0, 0] }
    heap.set(start.w, w.start)
    heap.set(start.g, g.start)
    heap.set(start.m, m.start)
    heap.set(start.v, v.start)
    const step = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, firstCorrection: 1 / (1 - 0.9 ** 3), secondCorrection: 1 / (1 - 0.999 ** 3) }
    arena.adam(w, g, m, v, step)
    for (let i = 0; i < count; i++) {
      const grad = start.g[i]!
      const m1 = 0.9 * start.m[i]! + 0.1 * grad
      const v1 = 0.999 * start.v[i]! + 0.001 * grad * grad
      const w1 = start.w[i]! - (0.01 * (m1 * step.firstCorrection)) / (Math.sqrt(v1 * step.secondCorrection) + 1e-7)
      expect(arena.heap[m.start + i]).toBeCloseTo(m1, 6)
      expect(arena.heap[v.start + i]).toBeCloseTo(v1, 6)
      expect(arena.heap[w.start + i]).toBeCloseTo(w1, 5)
      expect(arena.heap[g.start + i]).toBe(0)
    }
  })
})

/**
 * A matrix block inside a larger stored matrix: `rows`×`cols` elements starting at (`top`, `left`)
 * of a matrix whose rows are `stride` long, in its own allocation (so a kernel reaching past the
 * stored matrix trips the bounds checks).
 */
interface Block {
  readonly stored: Region
  readonly start: number
  readonly stride: number
  readonly rows: number
  readonly cols: number
}

function block(arena: KernelArena, rows: number, cols: number, padding: { top: number; left: number; right: number; bottom: number }): Block {
  const stride = padding.left + cols + padding.right
  const stored = arena.allocate((padding.top + rows + padding.bottom) * stride)
  return { stored, start: stored.start + padding.top * stride + padding.left, stride, rows, cols }
}

/** The element (i, j) of a block as it is stored, or of its transpose when `transposed`. */
function at(arena: KernelArena, matrix: Block, i: number, j: number, transposed = false): number {
  const [row, col] = transposed ? [j, i] : [i, j]
  return arena.heap[matrix.start + row * matrix.stride + col]!
}

const PRODUCTS = ['gemm', 'gemmTransposedA', 'gemmTransposedB'] as const

/**
 * One product of blocks inside larger matrices, against plain loops: C's block gets A·B added,
 * and every stored element around the blocks (C's padding, A and B entirely) stays as it was.
 */
function checkStridedProduct(product: (typeof PRODUCTS)[number], m: number, n: number, k: number, pad: readonly number[], seed: number): void {
  const arena = new KernelArena()
  const random = seededRandom(seed)
  const padding = (i: number) => ({ top: pad[i % pad.length]!, left: pad[(i + 1) % pad.length]!, right: pad[(i + 2) % pad.length]!, bottom: pad[(i + 3) % pad.length]! })
  // A is m×k, or stored k×m for gemmTransposedA; B is k×n, or stored n×k for gemmTransposedB
  const a = product === 'gemmTransposedA' ? block(arena, k, m, padding(0)) : block(arena, m, k, padding(0))
  const b = product === 'gemmTransposedB' ? block(arena, n, k, padding(1)) : block(arena, k, n, padding(1))
  const c = block(arena, m, n, padding(2))
  for (const matrix of [a, b, c]) {
    for (let i = matrix.stored.start; i < matrix.stored.start + matrix.stored.length; i++) arena.heap[i] = random() - 0.5
  }
  const before = arena.heap.slice()
  const expected = Array.from({ length: m * n }, (_, index) => {
    const [i, j] = [Math.floor(index / n), index % n]
    let sum = at(arena, c, i, j)
    for (let p = 0; p < k; p++) sum += at(arena, a, i, p, product === 'gemmTransposedA') * at(arena, b, p, j, product === 'gemmTransposedB')
    return sum
  })
  arena[product](m, n, k, a.start, a.stride, b.start, b.stride, c.start, c.stride)
  const inBlock = new Set(Array.from({ length: m * n }, (_, index) => c.start + Math.floor(index / n) * c.stride + (index % n)))
  for (let index = 0; index < m * n; index++) {
    const got = at(arena, c, Math.floor(index / n), index % n)
    expect(Math.abs(got - expected[index]!)).toBeLessThan(1e-4 * Math.max(1, k))
  }
  for (let i = 0; i < arena.heap.length; i++) if (!inBlock.has(i) && arena.heap[i] !== before[i]) expect.fail(`${product} wrote element ${i}, outside C's block`)
}

describe('fast kernels on blocks of larger matrices (leading dimensions, transposed operands, row subsets)', () => {
  // Sizes around the 4-row, 8- and 16-column blocks and the 4-wide dot products, inside matrices
  // with rows and columns on every side of the block.
  it.each(PRODUCTS.flatMap((product) => [
    [product, 1, 16, 4, [0, 3, 1]],
    [product, 4, 8, 1, [2, 0, 5]],
    [product, 5, 17, 7, [1, 2, 3, 4]],
    [product, 9, 33, 13, [3, 1, 0, 2]],
    [product, 13, 24, 5, [0, 0, 4]]
  ] as const))('%s of %i×%i over %i inside padding %j adds into C’s block only', (product, m, n, k, pad) => {
    checkStridedProduct(product, m, n, k, pad, m * 100 + n + k)
  })

  it('hold for any sizes, strides and offsets (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PRODUCTS),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }),
        fc.integer(),
        (product, m, n, k, pad, seed) => checkStridedProduct(product, m, n, k, pad, seed)
      ),
      { numRuns: 150 }
    )
  })
})

describe('kernel bounds checks', () => {
  it('are on under the test runner or when asked for, off otherwise', () => {
    expect(kernelChecksEnabled({})).toBe(false)
    expect(kernelChecksEnabled({ NODE_ENV: 'production' })).toBe(false)
    expect(kernelChecksEnabled({ VITEST: 'true' })).toBe(true)
    expect(kernelChecksEnabled({ NODE_ENV: 'test' })).toBe(true)
    expect(kernelChecksEnabled({ MELODY_STUDIO_KERNEL_CHECKS: '1' })).toBe(true)
    expect(kernelChecksEnabled({ VITEST: 'true', MELODY_STUDIO_KERNEL_CHECKS: '0' })).toBe(false)
    // this run: every arena of the fast-path tests checks its calls
    expect(new KernelArena().boundsChecks).toBe(kernelChecksEnabled(process.env))
  })

  /** A 3×4 A, a 4×5 B and a 3×5 C, each in its own allocation, with a canary allocation after C. */
  function smallProduct(boundsChecks = true) {
    const arena = new KernelArena({ boundsChecks })
    const [a, b, c, after] = [arena.allocate(12), arena.allocate(20), arena.allocate(15), arena.allocate(8)]
    arena.heap.fill(1, a.start, a.start + 12)
    arena.heap.fill(1, b.start, b.start + 20)
    return { arena, a: a!, b: b!, c: c!, after: after! }
  }

  it('throw, naming the kernel and the region, for a call reaching past its allocation', () => {
    const { arena, a, b, c } = smallProduct()
    // B read with a row stride of 6 instead of 5: its last row runs 3 floats into C's allocation
    expect(() => arena.gemm(3, 5, 4, a.start, 4, b.start, 6, c.start, 5)).toThrow(KernelBoundsError)
    expect(() => arena.gemm(3, 5, 4, a.start, 4, b.start, 6, c.start, 5)).toThrow(
      `gemm: B (4×5, row stride 6) spans elements ${b.start}…${b.start + 22}, past the end of its allocation ${b.start}…${b.start + 19} (20 floats)`
    )
    // C one row too tall (m = 4): the fourth row lies in the allocation after C
    expect(() => arena.gemmTransposedB(4, 5, 3, a.start, 3, b.start, 3, c.start, 5)).toThrow(/^gemmTransposedB: C \(4×5, row stride 5\) spans/)
    // A read transposed as a stored 4×3 matrix starting one element in: its end is past A
    expect(() => arena.gemmTransposedA(3, 5, 4, a.start + 1, 3, b.start, 5, c.start, 5)).toThrow(/^gemmTransposedA: A stored transposed \(4×3/)
  })

  it('throw for a region past the end of the memory, a stride shorter than a row, and an output overlapping an input', () => {
    const { arena, a, b, c } = smallProduct()
    const pastMemory = arena.heap.length + 4
    expect(() => arena.gemm(3, 5, 4, a.start, 4, pastMemory, 5, c.start, 5)).toThrow(/^gemm: B .* past the end of the memory/)
    expect(() => arena.gemm(3, 5, 4, a.start, 4, b.start, 5, c.start, 4)).toThrow('gemm: C (3×5, row stride 4): the stride is shorter than a row, so rows overlap')
    expect(() => arena.gemm(3, 4, 4, a.start, 4, b.start, 4, a.start, 4)).toThrow(/^gemm: the output C \(3×4, row stride 4\) overlaps the input A/)
  })

  it('throw for Adam regions of another length or past their allocation', () => {
    const arena = new KernelArena({ boundsChecks: true })
    const [w, g, m, v, short] = [arena.allocate(8), arena.allocate(8), arena.allocate(8), arena.allocate(8), arena.allocate(5)]
    const step = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, firstCorrection: 10, secondCorrection: 1000 }
    expect(() => arena.adam(w!, g!, m!, short!, step)).toThrow('adam: second moment holds 5 floats, the weights 8')
    expect(() => arena.adam(w!, g!, m!, { start: v!.start + 2, length: 8 }, step)).toThrow(/^adam: second moment \(1×8, row stride 8\) spans .* past the end of its allocation/)
    expect(() => arena.adam(w!, g!, m!, v!, step)).not.toThrow()
  })

  it('let the same faulty call run when switched off: it adds into the next allocation, which is what they catch', () => {
    const { arena, a, b, c, after } = smallProduct(false)
    // C one row too tall: its fourth row's sums (3 each) land in C's padding (one float: 15 are
    // rounded up to 16) and in the first four floats of the allocation after C
    arena.gemm(4, 5, 3, a.start, 3, b.start, 5, c.start, 5)
    expect(after.start).toBe(c.start + 16)
    expect(Array.from(arena.heap.subarray(after.start, after.start + 5))).toEqual([3, 3, 3, 3, 0])
    expect(() => new KernelArena({ boundsChecks: true }).gemm(4, 5, 3, a.start, 3, b.start, 5, c.start, 5)).toThrow(KernelBoundsError)
  })
})
