import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { FAST_KERNELS_SHARED_RELAXED_WASM_BASE64, FAST_KERNELS_SHARED_WASM_BASE64 } from './fastKernelsWasm'
import { decodeModule, kernelFlavour, type KernelFlavour } from './kernelFlavour'

/**
 * The WebAssembly matrix products on every core, for machines without a system BLAS (typically
 * Windows): the main thread and `threads − 1` worker threads instantiate the shared-memory build
 * of kernels.wat on one shared WebAssembly.Memory (the arena's), and each computes its own rows
 * (or, for a batch smaller than the threads, columns) of C. Each element of C is computed by the
 * same kernel code in the same order as on one thread (every kernel sums an element's products
 * from zero in order of k and adds the sum to C once, whichever block it falls in), so the result
 * is bit for bit the single-threaded one.
 *
 * A job goes through a small Int32Array control block on a SharedArrayBuffer: the main thread
 * writes each worker's part into the worker's slot, bumps the slot's generation and notifies it,
 * computes its own part, then waits (Atomics.wait: Node lets its main thread block) for the
 * pending count to reach zero. The workers sleep in Atomics.wait between jobs; they are unref'd,
 * so they never keep a process alive, and `dispose` (or the arena being collected) ends them.
 */

/** The environment variable that sets the kernel threads: `1` keeps every product on one thread. */
export const KERNEL_THREADS_ENV_VAR = 'MELODY_STUDIO_KERNEL_THREADS'

/** More threads than this are not started whatever the setting (and the machine) says. */
export const MAX_KERNEL_THREADS = 64

/**
 * Products of at least this many multiply-adds (m·n·k) are split across the threads. Reckoned,
 * not yet measured on a quiet machine: a job's hand-off and the workers' wake-up (Atomics.notify
 * to a thread asleep in Atomics.wait) cost some tens of µs, and the kernel runs about 15 G
 * multiply-adds a second on one core (30 GFLOPS), so a million multiply-adds (~70 µs) is about
 * where two threads start to pay. The 2-core machine it was written on was running other jobs
 * (load 4–12): the figures there, 16×64×64 at 0.3× and 64×256×1024 at 1.1–1.5×, say little.
 */
export const PARALLEL_MIN_MULTIPLY_ADDS = 1 << 20

/**
 * The most memory an arena on a shared memory may hold: a shared memory cannot move, so its
 * maximum is reserved (address space, not RAM) when it is made, and must be named up front.
 * A 2-layer LSTM(256) with batch 64 and window 32 needs about 20 MiB.
 */
export const SHARED_MEMORY_LIMIT_BYTES = 1 << 30

const PAGE_BYTES = 65536

/** Kernel threads: MELODY_STUDIO_KERNEL_THREADS if it is a whole number ≥ 1, else the cores Node may use. */
export function kernelThreads(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const setting = env[KERNEL_THREADS_ENV_VAR]?.trim()
  const asked = setting && /^\d+$/.test(setting) ? Number(setting) : undefined
  const threads = asked !== undefined && asked >= 1 ? asked : availableParallelism()
  return Math.max(1, Math.min(MAX_KERNEL_THREADS, threads))
}

/** An allocation past SHARED_MEMORY_LIMIT_BYTES on a threaded arena. */
export class KernelMemoryLimitError extends RangeError {
  override readonly name = 'KernelMemoryLimitError'
}

/** Throws a KernelMemoryLimitError when a shared arena would need more than the limit. */
export function checkSharedMemoryLimit(neededBytes: number, limitBytes = SHARED_MEMORY_LIMIT_BYTES): void {
  if (neededBytes <= limitBytes) return
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  throw new KernelMemoryLimitError(
    `this network needs ${mib(neededBytes)} of kernel memory; the threaded kernels hold at most ${mib(limitBytes)}` +
      ` (a smaller batch or model fits, or ${KERNEL_THREADS_ENV_VAR}=1 trains it on one thread without that limit)`
  )
}

const compiledShared: Partial<Record<KernelFlavour, WebAssembly.Module>> = {}

/** The shared-memory build of kernels.wat (its memory imported as env.memory, shared), in the flavour asked for (kernelFlavour.ts). */
export function sharedKernelModule(flavour: KernelFlavour = kernelFlavour()): WebAssembly.Module {
  compiledShared[flavour] ??= new WebAssembly.Module(
    decodeModule(flavour === 'relaxed-simd' ? FAST_KERNELS_SHARED_RELAXED_WASM_BASE64 : FAST_KERNELS_SHARED_WASM_BASE64)
  )
  return compiledShared[flavour]
}

/** A shared memory for a threaded arena, growable up to SHARED_MEMORY_LIMIT_BYTES. */
export function createSharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MEMORY_LIMIT_BYTES / PAGE_BYTES, shared: true })
}

/** The kernels' two product entry points, as kernels.wat exports them (addresses in bytes). */
export interface ProductKernels {
  gemm(m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number): void
  gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void
}

/** One thread's share of C: rows rowStart… (rows of them) by columns colStart… (cols). */
export interface ProductPart {
  readonly rowStart: number
  readonly rows: number
  readonly colStart: number
  readonly cols: number
}

/** Rows go in multiples of the kernel's 4-row block, columns in multiples of its 16-column one. */
const ROW_GRANULE = 4
const COLUMN_GRANULE = 16

/** `total` cut into at most `parts` runs, each a multiple of `granule` but the last, as even as that allows. */
function splitRange(total: number, parts: number, granule: number): { start: number; count: number }[] {
  const units = Math.ceil(total / granule)
  const used = Math.max(1, Math.min(parts, units))
  return Array.from({ length: used }, (_, p) => {
    const start = Math.floor((p * units) / used) * granule
    const end = Math.min(total, Math.floor(((p + 1) * units) / used) * granule)
    return { start, count: end - start }
  })
}

/**
 * C's m×n split into at most `parts` parts: by rows when that gives as many parts as by columns
 * (a batch of 64 rows), by columns otherwise (a batch of one, as the stateful models train).
 */
export function splitProduct(m: number, n: number, parts: number): ProductPart[] {
  const rowParts = Math.min(parts, Math.ceil(m / ROW_GRANULE))
  const colParts = Math.min(parts, Math.ceil(n / COLUMN_GRANULE))
  if (rowParts >= colParts) return splitRange(m, parts, ROW_GRANULE).map(({ start, count }) => ({ rowStart: start, rows: count, colStart: 0, cols: n }))
  return splitRange(n, parts, COLUMN_GRANULE).map(({ start, count }) => ({ rowStart: 0, rows: m, colStart: start, cols: count }))
}

/** Control block: 16 int32s (a cache line) per slot. Slot 0: [pending, failed]; slot w: worker w's job. */
const SLOT = 16
const PENDING = 0
const FAILED = 1
/** A worker slot: [generation, command, m, n, k, a, ai or lda, ap, b, ldb, c, ldc] (addresses in bytes). */
const GENERATION = 0
const COMMAND = 1
const GEMM = 0
const GEMM_TRANSPOSED_B = 1
const QUIT = 2

/** How long the main thread waits for the workers before it gives up on them (a product takes milliseconds). */
const WORKER_DEADLINE_MS = 60_000

/**
 * The worker's whole program, plain JavaScript run with `eval: true`, so it needs no file of its
 * own beside a bundle (Electron's training process) or the sources (tsx, vitest).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, control, slot } = workerData
const job = new Int32Array(control)
const base = slot * ${SLOT}
let kernels
try {
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports
} catch {
  kernels = undefined
}
let seen = 0
for (;;) {
  Atomics.wait(job, base + ${GENERATION}, seen)
  const generation = Atomics.load(job, base + ${GENERATION})
  if (generation === seen) continue
  seen = generation
  const command = job[base + ${COMMAND}]
  if (command === ${QUIT}) break
  try {
    const [m, n, k, a, ai, ap, b, ldb, c, ldc] = job.subarray(base + 2, base + 12)
    if (command === ${GEMM}) kernels.gemm(m, n, k, a, ai, ap, b, ldb, c, ldc)
    else kernels.gemmTransposedB(m, n, k, a, ai, b, ldb, c, ldc)
  } catch {
    Atomics.store(job, ${FAILED}, 1)
  }
  if (Atomics.sub(job, ${PENDING}, 1) === 1) Atomics.notify(job, ${PENDING})
}
`

/** A part's kernel call: [command, m, n, k, a, ai (lda), ap, b, ldb, c, ldc], offsets in elements. */
type JobArgs = readonly [command: number, m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number]

/** A thread's failure to answer or to compute its part. */
export class KernelThreadError extends Error {
  override readonly name = 'KernelThreadError'
}

interface WorkerSet {
  readonly workers: Worker[]
  readonly job: Int32Array
  /** Settles when every worker started so far has exited. */
  readonly exits: Promise<unknown>[]
}

function endWorkers(set: WorkerSet): void {
  for (const [index, worker] of set.workers.entries()) {
    const base = (index + 1) * SLOT
    set.job[base + COMMAND] = QUIT
    Atomics.add(set.job, base + GENERATION, 1)
    Atomics.notify(set.job, base + GENERATION)
    void worker.terminate()
  }
  set.workers.length = 0
}

/** Ends the workers of a ParallelGemm nobody disposed, once it is collected. */
const unreleased = new FinalizationRegistry<WorkerSet>(endWorkers)

/** The main thread's kernels and `threads − 1` workers on one shared memory, splitting large products. */
export class ParallelGemm {
  readonly threads: number
  readonly minMultiplyAdds: number
  private readonly module: WebAssembly.Module
  private readonly memory: WebAssembly.Memory
  private readonly kernels: ProductKernels
  private readonly set: WorkerSet
  private disposed = false

  /**
   * @param module the shared-memory kernel module, `kernels` the main thread's instance of it on `memory`
   * @param minMultiplyAdds products smaller than this stay on the calling thread
   */
  constructor(options: {
    readonly module: WebAssembly.Module
    readonly memory: WebAssembly.Memory
    readonly kernels: ProductKernels
    readonly threads: number
    readonly minMultiplyAdds?: number
  }) {
    if (!(options.memory.buffer instanceof SharedArrayBuffer)) throw new TypeError('ParallelGemm needs a shared WebAssembly.Memory')
    this.module = options.module
    this.memory = options.memory
    this.kernels = options.kernels
    this.threads = Math.max(1, Math.floor(options.threads))
    this.minMultiplyAdds = options.minMultiplyAdds ?? PARALLEL_MIN_MULTIPLY_ADDS
    this.set = { workers: [], job: new Int32Array(new SharedArrayBuffer(this.threads * SLOT * 4)), exits: [] }
    unreleased.register(this, this.set, this)
  }

  /** Worker threads running now (they start with the first product that is split). */
  get runningWorkers(): number {
    return this.set.workers.length
  }

  /** Whether a product of this size goes to the threads. */
  takes(m: number, n: number, k: number): boolean {
    return !this.disposed && this.threads > 1 && m * n * k >= this.minMultiplyAdds
  }

  /** C[m×n] += A·B as kernels.wat's `gemm` (element offsets; ai, ap as there), split across the threads. */
  gemm(m: number, n: number, k: number, a: number, ai: number, ap: number, b: number, ldb: number, c: number, ldc: number): void {
    this.run(m, n, k, (part): JobArgs => [GEMM, part.rows, part.cols, k, a + part.rowStart * ai, ai, ap, b + part.colStart, ldb, c + part.rowStart * ldc + part.colStart, ldc])
  }

  /** C[m×n] += A·Bᵀ as kernels.wat's `gemmTransposedB` (element offsets), split across the threads. */
  gemmTransposedB(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void {
    this.run(m, n, k, (part): JobArgs => [
      GEMM_TRANSPOSED_B,
      part.rows,
      part.cols,
      k,
      a + part.rowStart * lda,
      lda,
      0,
      b + part.colStart * ldb,
      ldb,
      c + part.rowStart * ldc + part.colStart,
      ldc
    ])
  }

  /** Resolves once every worker this ParallelGemm started has exited (after `dispose`). */
  async ended(): Promise<void> {
    await Promise.all(this.set.exits)
  }

  /** Ends the workers; products afterwards run on the calling thread. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    unreleased.unregister(this)
    endWorkers(this.set)
  }

  private startWorkers(): void {
    while (this.set.workers.length < this.threads - 1) {
      const slot = this.set.workers.length + 1
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control: this.set.job.buffer, slot },
        stdout: false,
        stderr: false
      })
      worker.unref()
      // a worker that dies is noticed by the deadline below; its error must not end the process
      worker.on('error', () => undefined)
      this.set.exits.push(new Promise((resolve) => worker.once('exit', resolve)))
      this.set.workers.push(worker)
    }
  }

  /**
   * Posts every part but the first to a worker, computes the first here, and waits for the rest.
   * `args` gives a part's [command, m, n, k, a, ai, ap, b, ldb, c, ldc] in element offsets.
   */
  private run(m: number, n: number, k: number, args: (part: ProductPart) => JobArgs): void {
    const parts = splitProduct(m, n, this.threads)
    const own = parts[0] as ProductPart
    const ownArgs = args(own)
    const job = this.set.job
    if (parts.length > 1) {
      this.startWorkers()
      Atomics.store(job, PENDING, parts.length - 1)
      Atomics.store(job, FAILED, 0)
      for (let p = 1; p < parts.length; p++) {
        const [command, pm, pn, pk, a, ai, ap, b, ldb, c, ldc] = args(parts[p] as ProductPart)
        const base = p * SLOT
        job.set([command, pm, pn, pk, a * 4, ai, ap, b * 4, ldb, c * 4, ldc], base + COMMAND)
        Atomics.add(job, base + GENERATION, 1)
        Atomics.notify(job, base + GENERATION)
      }
    }
    const [command, pm, pn, pk, a, ai, ap, b, ldb, c, ldc] = ownArgs
    if (command === GEMM) this.kernels.gemm(pm, pn, pk, a * 4, ai, ap, b * 4, ldb, c * 4, ldc)
    else this.kernels.gemmTransposedB(pm, pn, pk, a * 4, ai, b * 4, ldb, c * 4, ldc)
    if (parts.length > 1) this.awaitWorkers()
  }

  private awaitWorkers(): void {
    const job = this.set.job
    const started = performance.now()
    for (;;) {
      const pending = Atomics.load(job, PENDING)
      if (pending === 0) break
      if (performance.now() - started > WORKER_DEADLINE_MS) {
        this.dispose()
        throw new KernelThreadError(`the kernel worker threads did not finish a product in ${WORKER_DEADLINE_MS / 1000} s; they were ended`)
      }
      Atomics.wait(job, PENDING, pending, 1000)
    }
    if (Atomics.load(job, FAILED) !== 0) throw new KernelThreadError('a kernel worker thread failed to compute its part of a product')
  }
}
