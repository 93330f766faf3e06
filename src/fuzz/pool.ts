/**
 * The parent's side of a fuzz worker: starts it with a small heap in its own process group,
 * sends one input at a time with a time limit, and turns the worker's death into a crash and a
 * missed deadline into a hang (the whole group killed: the web target's training process too).
 * The next input then gets a fresh worker.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FuzzInput, TargetName, Verdict } from './targets'
import type { WorkerReply, WorkerRequest } from './worker'

export interface PoolOptions {
  /** Per-input time limit. */
  readonly timeoutMs: number
  /** The worker's V8 heap (`--max-old-space-size`), MiB. */
  readonly heapMb: number
  /** Extra environment for the worker (the models target's seed folder). */
  readonly env?: Readonly<Record<string, string>>
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { timeoutMs: 10_000, heapMb: 256 }

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))
const STARTUP_TIMEOUT_MS = 120_000

/** Peak resident memory of a live process (VmHWM), in bytes; 0 when it cannot be read. */
function peakRss(pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** The worker's process group: the worker and whatever it started (the web target's training process). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

interface Pending {
  readonly id: number
  readonly resolve: (verdict: Verdict) => void
  readonly timer: NodeJS.Timeout
}

export class WorkerPool {
  private child: ChildProcess | undefined
  private ready: Promise<void> | undefined
  private pending: Pending | undefined
  private stderr = ''
  private nextId = 1
  /** Peak resident memory seen in any worker, bytes. */
  peakRssBytes = 0
  /** Workers started (1 + one per crash or hang). */
  starts = 0

  constructor(
    readonly target: TargetName,
    private readonly options: PoolOptions = DEFAULT_POOL_OPTIONS
  ) {}

  private start(): Promise<void> {
    this.starts++
    this.stderr = ''
    const nodeOptions = `${process.env['NODE_OPTIONS'] ?? ''} --max-old-space-size=${Math.max(this.options.heapMb, 512)}`.trim()
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${this.options.heapMb}`],
      serialization: 'advanced',
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // The web target's training process inherits a bounded heap through NODE_OPTIONS.
      env: { ...process.env, ...this.options.env, NODE_OPTIONS: nodeOptions, TF_CPP_MIN_LOG_LEVEL: '3', MELODY_FUZZ_TARGET: this.target, MELODY_FUZZ_TIMEOUT_MS: String(this.options.timeoutMs) }
    })
    this.child = child
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000)
    })
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${this.target} fuzz worker did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS)
      child.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) {
          clearTimeout(timer)
          resolve()
          return
        }
        const pending = this.pending
        if (!pending || pending.id !== reply.id) return
        this.peakRssBytes = Math.max(this.peakRssBytes, reply.rss, peakRss(child.pid))
        clearTimeout(pending.timer)
        this.pending = undefined
        pending.resolve(reply.outcome)
      })
      child.on('exit', (code, signal) => {
        clearTimeout(timer)
        killGroup(child)
        if (this.child === child) {
          this.child = undefined
          this.ready = undefined
        }
        reject(new Error(`the ${this.target} fuzz worker exited while starting (code ${code}, signal ${signal}): ${this.stderr.slice(-500)}`))
        const pending = this.pending
        if (!pending) return
        clearTimeout(pending.timer)
        this.pending = undefined
        pending.resolve(this.crashVerdict(code, signal))
      })
    })
    return ready
  }

  private crashVerdict(code: number | null, signal: NodeJS.Signals | null): Verdict {
    const text = this.stderr
    if (/heap out of memory|Reached heap limit|allocation failed/i.test(text)) {
      return { kind: 'crash', name: 'OutOfMemory', message: `the worker ran out of memory (heap ${this.options.heapMb} MiB)` }
    }
    if (/Maximum call stack|stack overflow/i.test(text)) return { kind: 'crash', name: 'StackOverflow', message: 'the worker overflowed its stack' }
    const lines = text.split('\n').map((line) => line.trim()).filter(Boolean)
    const thrown = lines.find((line) => /^\w*(Error|Exception)\b.*:/.test(line)) ?? lines.at(-1) ?? ''
    return { kind: 'crash', name: signal ?? `exit ${code}`, message: `the worker died (${signal ?? `code ${code}`}): ${thrown.slice(0, 300)}` }
  }

  /** Kills the worker and everything it started. */
  kill(): void {
    const child = this.child
    this.child = undefined
    this.ready = undefined
    if (child) killGroup(child)
  }

  async run(input: FuzzInput): Promise<Verdict> {
    if (!this.child || !this.ready) this.ready = this.start()
    await this.ready
    const child = this.child
    if (!child) return { kind: 'crash', name: 'exit', message: `the ${this.target} fuzz worker died before its input was sent` }
    const id = this.nextId++
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return
        this.peakRssBytes = Math.max(this.peakRssBytes, peakRss(child.pid))
        this.pending = undefined
        this.kill()
        resolve({ kind: 'hang', name: 'Timeout', message: `no answer within ${this.options.timeoutMs / 1000} s (killed)` })
      }, this.options.timeoutMs)
      this.pending = { id, resolve, timer }
      const request: WorkerRequest = { id, target: this.target, input }
      child.send(request)
    })
  }

  async close(): Promise<void> {
    const child = this.child
    if (!child) return
    child.disconnect()
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill()
        resolve()
      }, 5_000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    killGroup(child)
  }
}
