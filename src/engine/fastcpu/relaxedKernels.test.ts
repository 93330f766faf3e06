// The relaxed-SIMD kernels: the committed modules are what the rewrite of kernels.wat assembles
// to; the rewrite fuses every accumulation of the products and nothing in the cell or Adam code;
// the flavour follows validation and MELODY_STUDIO_RELAXED_SIMD; and, run under Node's
// --experimental-wasm-relaxed-simd, the arena loads them and multiplies within float32 rounding.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import wabtInit from 'wabt'
import { describe, expect, it } from 'vitest'
import { relaxedKernelsWat, sexprEnd } from '../../../scripts/relaxedKernels.mjs'
import { sharedKernelsWat } from '../../../scripts/sharedKernels.mjs'
import { KernelArena } from './fastKernels'
import { FAST_KERNELS_RELAXED_WASM_BASE64, FAST_KERNELS_SHARED_RELAXED_WASM_BASE64 } from './fastKernelsWasm'
import { decodeModule, kernelFlavour, relaxedSimdSupported } from './kernelFlavour'

const wat = readFileSync(join(import.meta.dirname, 'kernels.wat'), 'utf8')
const count = (text: string, what: string) => text.split(what).length - 1
/** The text of the function whose header is `header`. */
const func = (text: string, header: string) => text.slice(text.indexOf(header), sexprEnd(text, text.indexOf(header)))
const ACCUMULATION = /\(f32x4\.add \(local\.get \$\w+\) \(f32x4\.mul /g

describe('the relaxed-SIMD kernels', () => {
  it('are what the rewritten kernels.wat assembles to, on their own and on a shared memory (run `npm run build:kernels`)', async () => {
    const wabt = await wabtInit()
    const assemble = (source: string, features: Record<string, boolean>) => {
      const parsed = wabt.parseWat('kernels.wat', source, features)
      const { buffer } = parsed.toBinary({})
      parsed.destroy()
      return Buffer.from(buffer).toString('base64')
    }
    expect(assemble(relaxedKernelsWat(wat), { simd: true, relaxed_simd: true })).toBe(FAST_KERNELS_RELAXED_WASM_BASE64)
    expect(assemble(relaxedKernelsWat(sharedKernelsWat(wat)), { simd: true, threads: true, relaxed_simd: true })).toBe(FAST_KERNELS_SHARED_RELAXED_WASM_BASE64)
  })

  it('fuse every accumulation of the products and leave the cell and Adam code alone', () => {
    const relaxed = relaxedKernelsWat(wat)
    // 8 in the 4×8 block, 4 in the 1×16 block, 4 in gemmTransposedB's dot products
    expect(count(func(wat, '(func $block4x8'), '(f32x4.mul')).toBe(8)
    expect(wat.match(ACCUMULATION)).toHaveLength(16)
    expect(relaxed.match(ACCUMULATION)).toBeNull()
    expect(count(relaxed, 'f32x4.relaxed_madd')).toBe(16)
    expect(count(func(relaxed, '(func $block4x8'), 'f32x4.relaxed_madd')).toBe(8)
    expect(count(func(relaxed, '(func $block1x16'), 'f32x4.relaxed_madd')).toBe(4)
    expect(count(func(relaxed, '(func (export "gemmTransposedB")'), 'f32x4.relaxed_madd')).toBe(4)
    expect(func(relaxed, '(func $block4x8')).toContain('(local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))')
    expect(func(relaxed, '(func $block1x16')).toContain(
      '(local.set $c1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $b)) (local.get $c1)))'
    )
    // everything from Adam on is the same text, multiplies and adds unfused
    const adam = wat.indexOf('(func (export "adam")')
    expect(adam).toBeGreaterThan(0)
    expect(relaxed.slice(relaxed.indexOf('(func (export "adam")'))).toBe(wat.slice(adam))
    expect(count(relaxed, 'f32x4.mul')).toBe(count(wat, 'f32x4.mul') - 16)
    expect(count(relaxed, 'f32x4.add')).toBe(count(wat, 'f32x4.add') - 16)
  })

  it('are chosen where they validate, unless MELODY_STUDIO_RELAXED_SIMD=0', () => {
    expect(kernelFlavour({}, () => true)).toBe('relaxed-simd')
    expect(kernelFlavour({ MELODY_STUDIO_RELAXED_SIMD: '1' }, () => true)).toBe('relaxed-simd')
    expect(kernelFlavour({ MELODY_STUDIO_RELAXED_SIMD: '0' }, () => true)).toBe('simd')
    expect(kernelFlavour({ MELODY_STUDIO_RELAXED_SIMD: 'off' }, () => true)).toBe('simd')
    expect(kernelFlavour({}, () => false)).toBe('simd')
    // in this process: the engine's own answer decides
    const validates = WebAssembly.validate(decodeModule(FAST_KERNELS_RELAXED_WASM_BASE64))
    expect(relaxedSimdSupported()).toBe(validates)
    expect(kernelFlavour({})).toBe(validates ? 'relaxed-simd' : 'simd')
    expect(new KernelArena({ blas: null, threads: 1 }).flavour).toBe(kernelFlavour())
    // Node 20 (V8 11.3) runs relaxed SIMD only behind a flag, so the plain kernels load without it
    if (process.versions.node.startsWith('20.') && !process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
      expect(validates).toBe(false)
      expect(kernelFlavour()).toBe('simd')
    }
  })

  it('multiply within float32 rounding in all three layouts, on one thread and two, where the engine runs them', (context) => {
    const flag = '--experimental-wasm-relaxed-simd'
    const probe = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' })
    if (probe.status !== 0) {
      console.log(`skipped: ${process.execPath} refuses ${flag}: ${probe.stderr.trim()}`)
      context.skip()
    }
    const folder = mkdtempSync(join(tmpdir(), 'melody-relaxed-'))
    try {
      const script = join(folder, 'relaxed.ts')
      const source = join(import.meta.dirname, 'fastKernels.ts')
      writeFileSync(
        script,
        `import { KernelArena } from ${JSON.stringify(source)}\n` +
          `const shapes = [[1, 13, 5], [5, 13, 7], [7, 37, 33], [9, 17, 64], [64, 40, 129]]\n` +
          `let worst = 0\n` +
          `const flavours = new Set()\n` +
          `for (const threads of [1, 2]) {\n` +
          `  const arena = new KernelArena({ blas: null, threads })\n` +
          `  flavours.add(arena.flavour)\n` +
          `  let seed = 7\n` +
          `  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1\n` +
          `  for (const [m, n, k] of shapes) for (const layout of ['ab', 'aTb', 'abT']) {\n` +
          `    const a = arena.allocate(m * k), b = arena.allocate(k * n), c = arena.allocate(m * n)\n` +
          `    const h = arena.heap\n` +
          `    for (let i = 0; i < m * k; i++) h[a.start + i] = random()\n` +
          `    for (let i = 0; i < k * n; i++) h[b.start + i] = random()\n` +
          `    const A = (i, p) => layout === 'aTb' ? h[a.start + p * m + i] : h[a.start + i * k + p]\n` +
          `    const B = (p, j) => layout === 'abT' ? h[b.start + j * k + p] : h[b.start + p * n + j]\n` +
          `    if (layout === 'ab') arena.gemm(m, n, k, a.start, k, b.start, n, c.start, n)\n` +
          `    else if (layout === 'aTb') arena.gemmTransposedA(m, n, k, a.start, m, b.start, n, c.start, n)\n` +
          `    else arena.gemmTransposedB(m, n, k, a.start, k, b.start, k, c.start, n)\n` +
          `    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {\n` +
          `      let exact = 0\n` +
          `      for (let p = 0; p < k; p++) exact += A(i, p) * B(p, j)\n` +
          `      worst = Math.max(worst, Math.abs(h[c.start + i * n + j] - exact) / k)\n` +
          `    }\n` +
          `  }\n` +
          `  arena.dispose()\n` +
          `}\n` +
          `console.log(JSON.stringify({ flavours: [...flavours], worst }))\n`
      )
      const run = spawnSync(process.execPath, [flag, '--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000, cwd: join(import.meta.dirname, '../../..') })
      expect(run.error).toBeUndefined()
      expect(run.stderr).not.toMatch(/Error/)
      expect(run.status).toBe(0)
      const { flavours, worst } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { flavours: string[]; worst: number }
      expect(flavours).toEqual(['relaxed-simd'])
      // |Σ a·b| ≤ k for entries in [−1, 1]; float32 summation of k terms errs by about k·2⁻²⁴ per unit
      expect(worst).toBeLessThan(1e-5)
      expect(worst).toBeGreaterThan(0)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
