/**
 * The fuzz loop for one target: inputs from fast-check (a fixed seed gives the same inputs),
 * each run in the target's worker, verdicts counted, and each new kind of failure minimised and
 * written to `src/fuzz/findings/<target>/<hash>.<ext>`. Also replays the findings folder.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { arbitraryFor, ROOT, type SavedModelSeed } from './generators'
import { DEFAULT_POOL_OPTIONS, WorkerPool, type PoolOptions } from './pool'
import { decodeInput, encodeInput, firstLine, inputHash, isBad, signature, TARGET_EXTENSIONS, type FuzzInput, type TargetName, type Verdict } from './targets'

export const FINDINGS_DIR = join(ROOT, 'src/fuzz/findings')

export interface Finding {
  readonly target: TargetName
  readonly signature: string
  readonly verdict: Verdict
  /** Where the input was written, or undefined when an equal one was there already. */
  readonly file: string | undefined
  /** Inputs that gave this signature in the run. */
  count: number
}

export interface TargetStats {
  readonly target: TargetName
  tried: number
  ok: number
  typed: number
  failures: number
  crashes: number
  hangs: number
  peakRssBytes: number
  workerStarts: number
  seconds: number
  readonly findings: Finding[]
}

export interface FuzzOptions {
  readonly seed: number
  /** Stop after this many inputs … */
  readonly numRuns?: number
  /** … or after this long, whichever comes first. */
  readonly budgetMs?: number
  /** Where to write new findings; null: write nothing. */
  readonly findingsDir?: string | null
  /** Shrink each new kind of failure (not hangs) before writing it. */
  readonly minimise?: boolean
  readonly pool?: Partial<PoolOptions>
  /** A worker pool to use (and leave open); else one is started and closed. */
  readonly workers?: WorkerPool
  readonly log?: (line: string) => void
}

// ── The models target's seed: a real saved model, trained once ────────────────────────────

const MODEL_SEED_DIR = join(tmpdir(), 'melody-studio-fuzz-model-seed')

/** A saved model and run record made by `studio train … --save` (2 epochs of the MLP on 나비야), kept in the temp folder. */
export function savedModelSeed(): { folder: string; seed: SavedModelSeed } {
  const folder = join(MODEL_SEED_DIR, 'nabiya-mlp')
  const files = ['model.json', 'run.json', 'weights.bin']
  if (!files.every((file) => existsSync(join(folder, file)))) {
    mkdirSync(MODEL_SEED_DIR, { recursive: true })
    const song = join(ROOT, '../shared/songs/nabiya.codes')
    execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/studio.ts'), 'train', existsSync(song) ? song : join(ROOT, 'resources/songs/nabiya.abc'), '--model', 'mlp', '--epochs', '2', '--save', folder], {
      cwd: ROOT,
      stdio: 'ignore',
      timeout: 180_000
    })
  }
  return { folder, seed: { model: readFileSync(join(folder, 'model.json'), 'utf8'), run: readFileSync(join(folder, 'run.json'), 'utf8') } }
}

export function makePool(target: TargetName, options: Partial<PoolOptions> = {}): WorkerPool {
  const env = target === 'models' ? { MELODY_FUZZ_MODEL_SEED: savedModelSeed().folder } : undefined
  return new WorkerPool(target, { ...DEFAULT_POOL_OPTIONS, ...options, ...(env ? { env } : {}) })
}

// ── Minimising ──────────────────────────────────────────────────────────────────────────────

function sizeOf(input: FuzzInput): number {
  return typeof input === 'string' || input instanceof Uint8Array ? input.length : 0
}

function without(input: string | Uint8Array, start: number, length: number): string | Uint8Array {
  if (typeof input === 'string') return input.slice(0, start) + input.slice(start + length)
  const out = new Uint8Array(input.length - Math.min(length, input.length - start))
  out.set(input.subarray(0, start))
  out.set(input.subarray(start + length), start)
  return out
}

/** Removes chunks (halves, quarters, …) while the input still fails the same way; within a budget. */
async function minimise(pool: WorkerPool, target: TargetName, input: FuzzInput, wanted: string, budgetMs: number, maxRuns: number): Promise<FuzzInput> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input
  const deadline = Date.now() + budgetMs
  let current: string | Uint8Array = input
  let runs = 0
  let chunk = Math.max(1, Math.floor(current.length / 2))
  while (chunk >= 1 && runs < maxRuns && Date.now() < deadline) {
    let progressed = false
    for (let start = 0; start < current.length && runs < maxRuns && Date.now() < deadline; ) {
      const candidate = without(current, start, chunk)
      runs++
      const verdict = await pool.run(candidate)
      if (signature(target, verdict) === wanted) {
        current = candidate
        progressed = true
      } else {
        start += chunk
      }
    }
    if (!progressed) chunk = Math.floor(chunk / 2)
  }
  return current
}

// ── The loop ────────────────────────────────────────────────────────────────────────────────

export function emptyStats(target: TargetName): TargetStats {
  return { target, tried: 0, ok: 0, typed: 0, failures: 0, crashes: 0, hangs: 0, peakRssBytes: 0, workerStarts: 0, seconds: 0, findings: [] }
}

export function count(stats: TargetStats, verdict: Verdict): void {
  stats.tried++
  if (verdict.kind === 'ok') stats.ok++
  else if (verdict.kind === 'typed') stats.typed++
  else if (verdict.kind === 'failure') stats.failures++
  else if (verdict.kind === 'crash') stats.crashes++
  else stats.hangs++
}

export function writeFinding(dir: string, target: TargetName, input: FuzzInput): string | undefined {
  const folder = join(dir, target)
  mkdirSync(folder, { recursive: true })
  const file = join(folder, `${inputHash(target, input)}.${TARGET_EXTENSIONS[target]}`)
  if (existsSync(file)) return undefined
  writeFileSync(file, encodeInput(target, input))
  return file
}

export async function fuzzTarget(target: TargetName, options: FuzzOptions): Promise<TargetStats> {
  const log = options.log ?? (() => undefined)
  const stats = emptyStats(target)
  const started = Date.now()
  const deadline = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : started + options.budgetMs
  const numRuns = options.numRuns ?? Number.POSITIVE_INFINITY
  const seedModel = target === 'models' ? savedModelSeed().seed : undefined
  const arbitrary = arbitraryFor(target, seedModel) as fc.Arbitrary<FuzzInput>
  const pool = options.workers ?? makePool(target, options.pool)
  const known = new Map<string, Finding>()
  try {
    for (let batch = 0; stats.tried < numRuns && Date.now() < deadline; batch++) {
      const inputs = fc.sample(arbitrary, { seed: options.seed + batch * 7919, numRuns: Math.min(20, numRuns - stats.tried) })
      for (const input of inputs) {
        if (stats.tried >= numRuns || Date.now() >= deadline) break
        const verdict = await pool.run(input)
        count(stats, verdict)
        if (!isBad(verdict)) continue
        const sig = signature(target, verdict)
        const seen = known.get(sig)
        if (seen) {
          seen.count++
          continue
        }
        log(`  ${target}: ${verdict.kind} ${verdict.name}: ${firstLine(verdict.message, 160)}`)
        let kept = input
        if (options.minimise && verdict.kind !== 'hang' && sizeOf(input) > 0) {
          const budget = Math.min(verdict.kind === 'crash' ? 30_000 : 15_000, Math.max(0, deadline - Date.now()))
          kept = await minimise(pool, target, input, sig, budget, verdict.kind === 'crash' ? 6 : 60)
        }
        const file = options.findingsDir ? writeFinding(options.findingsDir, target, kept) : undefined
        const finding: Finding = { target, signature: sig, verdict, file, count: 1 }
        known.set(sig, finding)
        stats.findings.push(finding)
      }
    }
  } finally {
    stats.peakRssBytes = pool.peakRssBytes
    stats.workerStarts = pool.starts
    if (!options.workers) await pool.close()
    stats.seconds = (Date.now() - started) / 1000
  }
  return stats
}

/** Every findings file of a target (sorted), with its decoded input. */
export function findingFiles(target: TargetName, dir = FINDINGS_DIR): { file: string; input: FuzzInput }[] {
  const folder = join(dir, target)
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((name) => name.endsWith(`.${TARGET_EXTENSIONS[target]}`))
    .sort()
    .map((name) => ({ file: join(folder, name), input: decodeInput(target, new Uint8Array(readFileSync(join(folder, name)))) }))
}

