// Where the PyTorch peers live and how to run them: Debian's python3 with python3-torch.
import { spawnSync } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
export const SHARED = resolve(BENCH_DIR, '../../shared')

export function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
}

/** torch's version and the BLAS it multiplies with, or why the peers cannot run. */
export function describePeer(): { ok: true; torch: string; blas: string } | { ok: false; reason: string } {
  const probe = spawnSync(python(), ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' })
  if (probe.status !== 0) return { ok: false, reason: `${python()} cannot import torch (apt-get install python3-torch)` }
  // Debian's torch multiplies through whichever libblas.so.3 the alternatives system points at.
  const link = '/etc/alternatives/libblas.so.3-x86_64-linux-gnu'
  let blas = 'unknown'
  try {
    const target = realpathSync(link)
    blas = target.includes('openblas') ? `OpenBLAS (${target})` : target.includes('/blas/') ? `reference BLAS (${target})` : target
  } catch {
    blas = 'unknown (no libblas alternative)'
  }
  return { ok: true, torch: probe.stdout.trim(), blas }
}
