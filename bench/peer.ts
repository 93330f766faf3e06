// Where the PyTorch peers live, how to run them (Debian's python3 with python3-torch), and which
// BLAS they really multiply with: a peer on the reference BLAS is handicapped, not beaten.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
export const SHARED = resolve(BENCH_DIR, '../../shared')

export function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
}

/**
 * The environment of every peer process: `threads` for OpenMP (torch) and OpenBLAS alike, and
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed together, since these machines set them for
 * older OpenBLAS builds and a forced core type can hold a newer OpenBLAS back from its best kernel.
 */
export function peerEnv(threads?: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env['OPENBLAS_CORETYPE']
  delete env['OPENBLAS_L2_SIZE']
  if (threads !== undefined) {
    env['OMP_NUM_THREADS'] = String(threads)
    env['OPENBLAS_NUM_THREADS'] = String(threads)
  }
  return env
}

/**
 * The ways a peer can spread `threads` over torch's own (OpenMP) threads and OpenBLAS's: both at
 * `threads`, or one of them at `threads` and the other at 1. With both at every core each torch
 * thread's OpenBLAS call starts threads of its own, and the cores are oversubscribed (measured on 2
 * cores: 375 ms per corpus batch against 117 with torch at 1 and OpenBLAS at 2).
 */
export function peerThreadSplits(threads: number): { torch: number; blas: number }[] {
  const splits = [
    { torch: threads, blas: threads },
    { torch: 1, blas: threads },
    { torch: threads, blas: 1 }
  ]
  return splits.filter((split, i) => splits.findIndex((other) => other.torch === split.torch && other.blas === split.blas) === i)
}

/** A peer's environment with torch's threads and OpenBLAS's set apart (see peerThreadSplits). */
export function peerEnvSplit(split: { torch: number; blas: number }): NodeJS.ProcessEnv {
  return { ...peerEnv(split.torch), OPENBLAS_NUM_THREADS: String(split.blas) }
}

/** The thread counts each peer is measured at: one, and every core (once when they are the same). */
export function peerThreadCounts(): number[] {
  return [...new Set([1, cpus().length])]
}

/** What bench/peer_probe.py prints. */
export interface PeerProbe {
  readonly torch: string
  readonly torch_blas_info: string | null
  readonly numpy: string | null
  readonly blas_libraries: readonly string[]
  readonly openblas: { library: string; corename: string; config: string; threads: number } | null
}

export interface PeerBlas {
  /** In words, for the table's heading and latest.json. */
  readonly description: string
  /** The kernel OpenBLAS chose for this CPU, when OpenBLAS is what runs. */
  readonly openblasCore: string | null
  /** True when no optimised BLAS is loaded: the peer multiplies with the reference BLAS (or unknown). */
  readonly handicapped: boolean
}

/** Names the BLAS a probe found loaded; pure, so it reads any probe the same way. */
export function classifyPeerBlas(probe: PeerProbe): PeerBlas {
  if (probe.openblas) {
    const version = /OpenBLAS (\S+)/.exec(probe.openblas.config)?.[1] ?? ''
    return {
      description: `OpenBLAS ${version} (kernel ${probe.openblas.corename}, ${probe.openblas.library})`,
      openblasCore: probe.openblas.corename,
      handicapped: false
    }
  }
  const optimised = probe.blas_libraries.find((path) => /mkl|blis|atlas/i.test(path))
  if (optimised) return { description: `optimised BLAS ${optimised}`, openblasCore: null, handicapped: false }
  const reference = probe.blas_libraries.find((path) => /\/blas\/libblas/.test(path))
  return {
    description: reference
      ? `reference BLAS (${reference}): OpenBLAS missing, peer handicapped (apt-get install libopenblas0-pthread)`
      : `unknown BLAS (torch BLAS_INFO=${probe.torch_blas_info ?? '?'}, none found loaded): peer handicapped`,
    openblasCore: null,
    handicapped: true
  }
}

export type PeerInfo = ({ ok: true; torch: string; numpy: string | null } & PeerBlas) | { ok: false; reason: string }

/** torch's version and the BLAS it really multiplies with (probed in a peer process), or why the peers cannot run. */
export function describePeer(): PeerInfo {
  const probe = spawnSync(python(), [join(BENCH_DIR, 'peer_probe.py')], { encoding: 'utf8', env: peerEnv() })
  if (probe.status !== 0) {
    const why = probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`
    return { ok: false, reason: `${python()} cannot run the peer probe (apt-get install python3-torch python3-numpy): ${why}` }
  }
  const found = JSON.parse(probe.stdout.trim().split('\n').at(-1) ?? '{}') as PeerProbe
  return { ok: true, torch: found.torch, numpy: found.numpy, ...classifyPeerBlas(found) }
}

/** One figure per thread count, and the best of them (`better` says which of two is better). */
export interface ThreadedFigures<T> {
  readonly best: T
  readonly threads: number
  readonly byThreads: Record<string, T>
}

/** Runs `measure` at each of `peerThreadCounts()` and keeps the better result; null when every run failed. */
export function atBestThreadCount<T>(measure: (threads: number) => T | null, better: (a: T, b: T) => boolean): ThreadedFigures<T> | null {
  let best: { value: T; threads: number } | undefined
  const byThreads: Record<string, T> = {}
  for (const threads of peerThreadCounts()) {
    const value = measure(threads)
    if (value === null) continue
    byThreads[String(threads)] = value
    if (!best || better(value, best.value)) best = { value, threads }
  }
  return best ? { best: best.value, threads: best.threads, byThreads } : null
}
