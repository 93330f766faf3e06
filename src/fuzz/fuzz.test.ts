/**
 * Fuzzing in the tests: a short fixed-seed run of every target (the same inputs each time), and
 * every input kept in src/fuzz/findings/ replayed through its target. Each must succeed or be
 * refused with a typed error, within the worker's time and memory bounds (10 s, 256 MiB heap).
 * `npm run fuzz` runs the same targets for longer with a fresh seed.
 */
import { basename } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findingFiles, fuzzTarget, makePool } from './harness'
import type { WorkerPool } from './pool'
import { isBad, TARGETS, type TargetName, type Verdict } from './targets'

const SEED = 20_240_612
/** Inputs per target: enough to cover each generator's branches, little enough for about a minute in all. */
const RUNS: Record<TargetName, number> = { abc: 10, midi: 12, codes: 12, layers: 20, models: 4, web: 8 }

function describeVerdict(verdict: Verdict): string {
  return isBad(verdict) ? `${verdict.kind} ${verdict.name}: ${verdict.message}` : 'success or a typed error'
}

for (const target of TARGETS) {
  describe(`fuzz ${target}`, () => {
    let workers: WorkerPool
    beforeAll(() => {
      // A real hang still shows (the worker is killed after 60 s); a busy CI machine drawing a PDF
      // for a few seconds does not count as one, as it did at 10 s.
      workers = makePool(target, { timeoutMs: 60_000 })
    })
    afterAll(async () => {
      await workers.close()
    })

    it(`${RUNS[target]} inputs of seed ${SEED}: each succeeds or gives a typed error`, async () => {
      const stats = await fuzzTarget(target, { seed: SEED, numRuns: RUNS[target], findingsDir: null, workers })
      expect(stats.tried).toBe(RUNS[target])
      expect(stats.findings.map((finding) => `${finding.signature} (${finding.count}×)`)).toEqual([])
    }, 180_000)

    for (const { file, input } of findingFiles(target)) {
      it(`replays findings/${target}/${basename(file)}`, async () => {
        expect(describeVerdict(await workers.run(input))).toBe('success or a typed error')
      }, 120_000)
    }
  })
}
