import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import wabtInit from 'wabt'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../training/random'
import { KernelArena } from './fastKernels'
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
