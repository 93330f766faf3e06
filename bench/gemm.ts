// The limit, in figures: the engine's matrix multiply alone (the fastcpu WebAssembly kernel and
// tfjs's matMul on the chosen backend) in GFLOPS on the corpus LSTM's shapes, beside OpenBLAS's
// sgemm through numpy (bench/numpy_gemm.py) at one thread and every core, and the machine's
// theoretical peak, so each figure can be read as a share of what the silicon can do.
import * as tf from '@tensorflow/tfjs'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { KernelArena } from '../src/engine/fastcpu/fastKernels'
import { kernelThreads } from '../src/engine/fastcpu/parallelGemm'
import { systemBlas } from '../src/engine/fastcpu/systemBlas'
import { CORPUS } from './corpusThroughput'
import wabtInit from 'wabt'
import { BENCH_DIR, peerEnv, peerThreadCounts, python } from './peer'

/** C[m×n] = A[m×k]·B[k×n]; what each shape is in the corpus LSTM (batch 64, units 256, 4·256 gates). */
export interface GemmShape {
  readonly name: string
  readonly m: number
  readonly k: number
  readonly n: number
}

const gates = 4 * CORPUS.units
export const GEMM_SHAPES: readonly GemmShape[] = [
  { name: 'lstm-recurrent-step', m: CORPUS.batch, k: CORPUS.units, n: gates },
  { name: 'lstm-step-input+hidden', m: CORPUS.batch, k: 2 * CORPUS.units, n: gates },
  { name: 'lstm-input-all-steps', m: CORPUS.batch * CORPUS.window, k: CORPUS.units, n: gates },
  { name: 'square-512', m: 512, k: 512, n: 512 }
]

/** Best seconds per call of `run`: repeated for `seconds` in five rounds, the fastest round kept (noise only slows). */
function bestSecondsPerCall(run: () => void, seconds = 0.5): number {
  run()
  let best = Infinity
  for (let round = 0; round < 5; round++) {
    let count = 0
    const started = performance.now()
    let elapsed = 0
    do {
      run()
      count++
      elapsed = (performance.now() - started) / 1000
    } while (elapsed < seconds / 5)
    best = Math.min(best, elapsed / count)
  }
  return best
}

const gflops = (shape: GemmShape, seconds: number) => (2 * shape.m * shape.k * shape.n) / seconds / 1e9

function randomFill(view: Float32Array, start: number, length: number) {
  for (let i = 0; i < length; i++) view[start + i] = Math.random() - 0.5
}

/**
 * The engine's product without bounds checks, as training runs it: on the WebAssembly SIMD kernel
 * (on `threads` threads), or with `throughBlas` through the system BLAS the engine loaded (at its threads).
 */
export function engineKernelGflops(shape: GemmShape, throughBlas = false, threads = 1): number {
  const arena = new KernelArena({ boundsChecks: false, blas: throughBlas ? (systemBlas() ?? null) : null, threads })
  const a = arena.allocate(shape.m * shape.k)
  const b = arena.allocate(shape.k * shape.n)
  const c = arena.allocate(shape.m * shape.n)
  randomFill(arena.heap, a.start, a.length)
  randomFill(arena.heap, b.start, b.length)
  try {
    return gflops(shape, bestSecondsPerCall(() => arena.gemm(shape.m, shape.n, shape.k, a.start, shape.k, b.start, shape.n, c.start, shape.n)))
  } finally {
    arena.dispose()
  }
}

/** tfjs's matMul on the backend in use; dataSync waits for the result, as training's next step would. */
export function tfjsMatMulGflops(shape: GemmShape): number {
  const a = tf.randomUniform([shape.m, shape.k])
  const b = tf.randomUniform([shape.k, shape.n])
  try {
    return gflops(
      shape,
      bestSecondsPerCall(() => {
        const c = tf.matMul(a, b)
        c.dataSync()
        c.dispose()
      })
    )
  } finally {
    a.dispose()
    b.dispose()
  }
}

/** OpenBLAS sgemm through numpy at `threads`, per shape name; failed when numpy cannot run. */
export function numpyGemmGflops(shapes: readonly GemmShape[], threads: number): Map<string, number> | { failed: string } {
  const run = spawnSync(python(), [join(BENCH_DIR, 'numpy_gemm.py'), ...shapes.map((s) => `${s.m},${s.k},${s.n}`)], {
    encoding: 'utf8',
    env: peerEnv(threads)
  })
  if (run.status !== 0) return { failed: run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}` }
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { gflops: number })
  return new Map(shapes.map((shape, i) => [shape.name, lines[i]?.gflops ?? NaN]))
}

/** The machine's theoretical float32 peak and how it was reckoned. */
export interface MachinePeak {
  readonly gflops: number
  readonly perCoreGflops: number
  /** One core with 128-bit SIMD only: the most a WebAssembly SIMD kernel can reach on one thread. */
  readonly wasmSimdCoreGflops: number
  /** The clock the peak was reckoned at. */
  readonly clockGHz: number
  readonly assumptions: string
}

/**
 * The clock the cores really run at, in GHz: a chain of 32 dependent integer adds and xors per
 * loop turn in WebAssembly, each waiting for the one before, so one a cycle whatever the CPU
 * (the loop's own counter runs beside them). The best of seven runs: other work only slows it, so
 * the figure is a lower bound of the clock, boost included, which /proc/cpuinfo does not show.
 */
export async function measuredClockGHz(): Promise<number> {
  const chain = Array.from({ length: 32 }, (_, i) =>
    i % 2 ? '(local.set $x (i64.xor (local.get $x) (local.get $z)))' : '(local.set $x (i64.add (local.get $x) (local.get $y)))'
  ).join(' ')
  const wat = `(module (func (export "chain") (param $n i32) (param $y i64) (param $z i64) (result i64) (local $x i64)
    (loop $turn ${chain} (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $turn (local.get $n))) (local.get $x)))`
  const wabt = await wabtInit()
  const parsed = wabt.parseWat('clock.wat', wat)
  const { buffer } = parsed.toBinary({})
  parsed.destroy()
  const run = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(buffer)), {}).exports['chain'] as (turns: number, y: bigint, z: bigint) => bigint
  run(1_000_000, 3n, 5n)
  let best = 0
  for (let round = 0; round < 7; round++) {
    const turns = 10_000_000
    const started = performance.now()
    run(turns, 3n, 5n)
    best = Math.max(best, (32 * turns) / ((performance.now() - started) / 1000) / 1e9)
  }
  return best
}

/**
 * Reads the SIMD width from /proc/cpuinfo's flags; the clock is the measured one (see
 * measuredClockGHz) where it is above lscpu's max MHz (else cpuinfo's MHz).
 */
export async function machinePeak(): Promise<MachinePeak> {
  const cpuinfo = safeRead('/proc/cpuinfo')
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/))
  const lanes = flags.has('avx512f') ? 16 : flags.has('avx') ? 8 : 4
  const simd = flags.has('avx512f') ? 'AVX-512' : flags.has('avx') ? 'AVX/AVX2' : 'SSE'
  const hasFma = flags.has('fma')
  const lscpu = spawnSync('lscpu', { encoding: 'utf8' })
  const maxMHz = Number(/^CPU max MHz:\s*([\d.]+)/m.exec(lscpu.stdout ?? '')?.[1] ?? NaN)
  const cpuinfoMHz = Math.max(...[...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1])))
  const statedMHz = Number.isFinite(maxMHz) ? maxMHz : cpuinfoMHz
  const stated = Number.isFinite(maxMHz) ? "lscpu's CPU max MHz" : "/proc/cpuinfo's cpu MHz"
  const measuredMHz = 1000 * (await measuredClockGHz())
  const mhz = Math.max(statedMHz, measuredMHz)
  const clockSource =
    measuredMHz > statedMHz
      ? `measured: a chain of dependent adds, one a cycle; ${stated} says ${(statedMHz / 1000).toFixed(2)} GHz`
      : `${stated}; a chain of dependent adds measured ${(measuredMHz / 1000).toFixed(2)} GHz`
  const cores = cpus().length
  // assumed: two FMA pipes per core, each one fused multiply-add (2 FLOPs) per lane per cycle;
  // without FMA, one add and one multiply pipe, the same 2 FLOPs per lane per cycle
  const fmaUnits = 2
  const perCore = (lanes * fmaUnits * 2 * mhz) / 1000
  return {
    gflops: perCore * cores,
    perCoreGflops: perCore,
    wasmSimdCoreGflops: (4 * fmaUnits * 2 * mhz) / 1000,
    clockGHz: mhz / 1000,
    assumptions:
      `${cores} cores (logical CPUs, no SMT assumed) × ${lanes} float32 lanes (${simd}) × ${fmaUnits} ${hasFma ? 'FMA' : 'mul+add'} units (assumed) × 2 FLOPs` +
      ` × ${(mhz / 1000).toFixed(2)} GHz (${clockSource})`
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

export interface GemmRow {
  readonly shape: GemmShape
  /** Our WebAssembly SIMD kernel, one thread. */
  readonly engineKernel: number
  /** The same kernel on the engine's kernel threads (MELODY_STUDIO_KERNEL_THREADS or every core), as training runs it without a system BLAS. */
  readonly engineKernelThreads: { readonly threads: number; readonly gflops: number }
  /** The engine's product through the system BLAS (koffi), at the threads it was loaded with; null without one. */
  readonly engineBlas: number | null
  readonly tfjsMatMul: number
  /** OpenBLAS through numpy, by thread count ('1', every core). */
  readonly openblas: Record<string, number>
}

export async function measureGemm(runPeer: boolean): Promise<{ rows: GemmRow[]; peak: MachinePeak; peerNote: string | null }> {
  const peer = new Map<number, Map<string, number>>()
  let peerNote: string | null = runPeer ? null : 'not run'
  if (runPeer) {
    for (const threads of peerThreadCounts()) {
      console.error(`  OpenBLAS sgemm through numpy, ${threads} thread(s)…`)
      const figures = numpyGemmGflops(GEMM_SHAPES, threads)
      if (figures instanceof Map) peer.set(threads, figures)
      else peerNote = figures.failed
    }
  }
  const rows = GEMM_SHAPES.map((shape) => {
    console.error(`  ${shape.name} ${shape.m}×${shape.k}×${shape.n}: engine kernel and tfjs matMul…`)
    return {
      shape,
      engineKernel: engineKernelGflops(shape),
      engineKernelThreads: { threads: kernelThreads(), gflops: engineKernelGflops(shape, false, kernelThreads()) },
      engineBlas: systemBlas() ? engineKernelGflops(shape, true) : null,
      tfjsMatMul: tfjsMatMulGflops(shape),
      openblas: Object.fromEntries([...peer].map(([threads, figures]) => [String(threads), figures.get(shape.name) ?? NaN]))
    }
  })
  return { rows, peak: await machinePeak(), peerNote }
}
