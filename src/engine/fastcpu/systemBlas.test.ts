import { existsSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../training/random'
import { KernelArena } from './fastKernels'
import { FastNetwork, planFastNetwork } from './fastNetwork'
import { BLAS_ENV_VAR, BLAS_MIN_MULTIPLY_ADDS, blasCandidates, findSystemBlas, loadSystemBlas, setSystemBlas, systemBlas, type SystemBlas } from './systemBlas'

// The machine's OpenBLAS as the peer and the user have it (CI installs libopenblas0-pthread).
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as they are: the answers must not depend on the kernel.
const loaded = await loadSystemBlas()
const noBlas = loaded.ok ? undefined : `no optimised system BLAS here (${loaded.reason}): install libopenblas0-pthread`
if (noBlas) console.warn(`systemBlas.test: the BLAS comparisons skip: ${noBlas}`)

/** The loaded BLAS, counting its calls. */
function counted(blas: SystemBlas): SystemBlas & { calls: number } {
  const wrapper = Object.create(blas) as SystemBlas & { calls: number }
  wrapper.calls = 0
  wrapper.sgemm = (...args: Parameters<SystemBlas['sgemm']>) => {
    wrapper.calls++
    blas.sgemm(...args)
  }
  return wrapper
}

describe('finding the system BLAS', () => {
  it('looks for OpenBLAS, MKL and BLIS before a generic libblas, and for Accelerate on macOS', () => {
    const linux = blasCandidates('linux')
    expect(linux[0]).toBe('libopenblas.so.0')
    expect(linux.indexOf('libblas.so.3')).toBe(linux.length - 1)
    expect(blasCandidates('darwin')[0]).toContain('Accelerate.framework')
    expect(blasCandidates('win32')).toContain('libopenblas.dll')
  })

  it(`is switched off by ${BLAS_ENV_VAR}=off, and says so`, async () => {
    const result = await findSystemBlas({ [BLAS_ENV_VAR]: 'off' })
    expect(result).toEqual({ ok: false, reason: `switched off by ${BLAS_ENV_VAR}=off` })
  })

  it('names what it tried when a library is missing', async () => {
    const result = await findSystemBlas({ [BLAS_ENV_VAR]: '/nowhere/libopenblas.so.0' })
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.reason).toMatch(/^no optimised BLAS found \(\/nowhere\/libopenblas\.so\.0: not found/)
  })

  // Debian's reference BLAS (libblas3) has cblas_sgemm too, but is slower than our kernels.
  const reference = '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'
  it.skipIf(!existsSync(reference))('refuses the reference BLAS', async () => {
    const result = await findSystemBlas({ [BLAS_ENV_VAR]: reference })
    expect(result.ok ? result.blas.description : result.reason).toContain('a reference BLAS')
  })
})

describe.skipIf(noBlas !== undefined)('products through the system BLAS', () => {
  const blas = (loaded.ok ? loaded.blas : undefined) as SystemBlas
  afterAll(() => setSystemBlas(blas))

  it('describes the library, its kernel and its threads', () => {
    expect(blas.description).toMatch(/^(OpenBLAS \S+ \(\w+ kernel\)|Intel MKL|BLIS|Apple Accelerate).* from \S+/)
    expect(blas.threads()).toBeGreaterThanOrEqual(1)
  })

  // Shapes at the threshold and past it, odd sizes, and operands inside wider rows (strides).
  it.each([
    [64, 128, 32, 0],
    [65, 129, 33, 3],
    [2048, 72, 256, 0],
    [7, 1024, 257, 5]
  ])('%i×%i by %i (row padding %i) in all three layouts equals the WebAssembly kernels and adds into C', (m, n, k, pad) => {
    expect(m * n * k).toBeGreaterThanOrEqual(BLAS_MIN_MULTIPLY_ADDS)
    const through = counted(blas)
    const arenas = [new KernelArena({ blas: through }), new KernelArena({ blas: null })]
    const random = seededRandom(m + n + k + pad)
    const values = (count: number) => Float32Array.from({ length: count }, () => random() - 0.5)
    const [lda, ldaT, ldb, ldbT, ldc] = [k + pad, m + pad, n + pad, k + pad, n + pad]
    const data = { a: values(m * lda), aT: values(k * ldaT), b: values(k * ldb), bT: values(n * ldbT), c: values(m * ldc) }
    const results = arenas.map((arena) => {
      const at = Object.fromEntries(Object.entries(data).map(([name, array]) => {
        const region = arena.allocate(array.length)
        arena.heap.set(array, region.start)
        return [name, region.start]
      })) as Record<keyof typeof data, number>
      const c = () => arena.heap.slice(at.c, at.c + m * ldc)
      arena.gemm(m, n, k, at.a, lda, at.b, ldb, at.c, ldc)
      const plain = c()
      arena.gemmTransposedA(m, n, k, at.aT, ldaT, at.b, ldb, at.c, ldc)
      const transposedA = c()
      arena.gemmTransposedB(m, n, k, at.a, lda, at.bT, ldbT, at.c, ldc)
      return [plain, transposedA, c()]
    })
    expect(through.calls).toBe(3)
    const [viaBlas, viaWasm] = results as [Float32Array[], Float32Array[]]
    viaBlas.forEach((product, which) => {
      const expected = viaWasm[which] as Float32Array
      let worst = 0
      for (let i = 0; i < product.length; i++) {
        // the padding between rows must be left alone, exactly
        if (i % ldc >= n) expect(product[i]).toBe(data.c[i])
        worst = Math.max(worst, Math.abs((product[i] ?? 0) - (expected[i] ?? 0)))
      }
      // sums of k products of numbers under 0.5, in another order: float32 rounding only
      expect(worst).toBeLessThan(1e-5 * k)
    })
  })

  it('keeps small products on the WebAssembly kernels', () => {
    const through = counted(blas)
    const arena = new KernelArena({ blas: through })
    const [a, b, c] = [arena.allocate(16 * 16), arena.allocate(16 * 16), arena.allocate(16 * 16)]
    arena.gemm(16, 16, 16, a.start, 16, b.start, 16, c.start, 16)
    expect(through.calls).toBe(0)
  })

  describe('a corpus-sized network', () => {
    let model: tf.LayersModel
    beforeAll(() => {
      tf.tidy(() => {
        model = tf.sequential({
          layers: [
            tf.layers.embedding({ inputDim: 30, outputDim: 16, inputLength: 12 }),
            tf.layers.lstm({ units: 64, returnSequences: true, recurrentActivation: 'sigmoid' }),
            tf.layers.lstm({ units: 64, recurrentActivation: 'sigmoid' }),
            tf.layers.dense({ units: 30, activation: 'softmax' })
          ]
        })
      })
    })
    afterAll(() => model.dispose())

    it('has the same loss and gradients with its large products through the BLAS as on the kernels', () => {
      const plan = planFastNetwork(model)
      if (!plan.ok) throw new Error(plan.reason)
      const random = seededRandom(7)
      const rows = Array.from({ length: 64 }, (_, i) => i)
      const samples = Float32Array.from({ length: 64 * 12 }, () => Math.floor(random() * 30))
      const labels = Int32Array.from({ length: 64 }, () => Math.floor(random() * 30))
      const through = counted(blas)
      const runs = [through, undefined].map((used) => {
        setSystemBlas(used)
        const network = new FastNetwork(plan.plan, 64)
        network.readWeightsFrom(model)
        const totals = network.computeGradients(samples, labels, rows)
        return { totals, gradients: network.gradientArrays() }
      })
      expect(systemBlas()).toBeUndefined()
      expect(through.calls).toBeGreaterThan(0)
      const [viaBlas, viaWasm] = runs as [(typeof runs)[0], (typeof runs)[0]]
      expect(viaBlas.totals.correct).toBe(viaWasm.totals.correct)
      expect(viaBlas.totals.lossSum).toBeCloseTo(viaWasm.totals.lossSum, 3)
      viaBlas.gradients.forEach((gradient, i) => {
        const expected = viaWasm.gradients[i] as Float32Array
        const scale = Math.max(...expected.map(Math.abs))
        expect(scale).toBeGreaterThan(0)
        for (let j = 0; j < gradient.length; j++) expect(Math.abs((gradient[j] ?? 0) - (expected[j] ?? 0))).toBeLessThan(1e-4 * scale)
      })
    })
  })
})
