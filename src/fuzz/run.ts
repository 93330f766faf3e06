/**
 * `npm run fuzz -- --minutes N [--targets abc,midi,codes,layers,models,web] [--seed S]
 * [--timeout SECONDS] [--heap MIB] [--replay]`: fuzzes each target in turn for its share of the
 * time, prints what it tried and found, writes each new kind of failure to src/fuzz/findings/,
 * and exits with 1 when anything failed, crashed or hung. `--replay` runs the findings folder
 * instead.
 */
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { count, emptyStats, findingFiles, FINDINGS_DIR, fuzzTarget, makePool, type TargetStats } from './harness'
import { firstLine, isBad, isTargetName, TARGETS, type TargetName } from './targets'
import { ROOT } from './generators'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    targets: { type: 'string', default: TARGETS.join(',') },
    seed: { type: 'string' },
    timeout: { type: 'string', default: '10' },
    heap: { type: 'string', default: '256' },
    replay: { type: 'boolean', default: false },
    'no-minimise': { type: 'boolean', default: false }
  }
})

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`)
  process.exit(2)
}

const minutes = Number(values.minutes)
if (!(minutes > 0)) fail(`--minutes must be a number > 0, got '${values.minutes}'`)
const targets = (values.targets ?? '').split(',').map((name) => name.trim()).filter(Boolean)
for (const name of targets) if (!isTargetName(name)) fail(`unknown target '${name}'; the targets are ${TARGETS.join(', ')}`)
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed)
if (!Number.isInteger(seed)) fail(`--seed must be a whole number, got '${values.seed}'`)
const pool = { timeoutMs: Number(values.timeout) * 1000, heapMb: Number(values.heap) }
if (!(pool.timeoutMs > 0) || !(pool.heapMb >= 32)) fail('--timeout must be > 0 seconds and --heap ≥ 32 MiB')

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0)
const all: TargetStats[] = []

if (values.replay) {
  console.log(`replaying ${relative(ROOT, FINDINGS_DIR)}/ (timeout ${pool.timeoutMs / 1000} s, heap ${pool.heapMb} MiB)`)
  for (const target of targets as TargetName[]) {
    const stats = emptyStats(target)
    const started = Date.now()
    const workers = makePool(target, pool)
    for (const { file, input } of findingFiles(target)) {
      const verdict = await workers.run(input)
      count(stats, verdict)
      const what = verdict.kind === 'ok' ? 'ok' : `${verdict.kind} ${verdict.name}: ${firstLine(verdict.message, 140)}`
      console.log(`  ${isBad(verdict) ? 'FAIL' : 'pass'} ${relative(ROOT, file)}: ${what}`)
    }
    stats.peakRssBytes = workers.peakRssBytes
    stats.workerStarts = workers.starts
    await workers.close()
    stats.seconds = (Date.now() - started) / 1000
    all.push(stats)
  }
} else {
  console.log(`fuzzing ${targets.join(', ')} for ${minutes} min, seed ${seed} (timeout ${pool.timeoutMs / 1000} s, heap ${pool.heapMb} MiB)`)
  const share = (minutes * 60_000) / targets.length
  for (const target of targets as TargetName[]) {
    console.log(`${target}:`)
    const stats = await fuzzTarget(target, { seed, budgetMs: share, findingsDir: FINDINGS_DIR, minimise: !values['no-minimise'], pool, log: (line) => console.log(line) })
    all.push(stats)
  }
}

console.log('')
console.log('target   inputs      ok   typed  failures  crashes  hangs  peak RSS  workers  seconds')
for (const s of all) {
  console.log(
    `${s.target.padEnd(7)} ${String(s.tried).padStart(7)} ${String(s.ok).padStart(7)} ${String(s.typed).padStart(7)} ${String(s.failures).padStart(9)} ${String(s.crashes).padStart(8)} ${String(s.hangs).padStart(6)} ${`${mb(s.peakRssBytes)} MiB`.padStart(9)} ${String(s.workerStarts).padStart(8)} ${s.seconds.toFixed(0).padStart(8)}`
  )
}
const findings = all.flatMap((s) => s.findings)
if (findings.length > 0) {
  console.log('')
  console.log('findings (one line per kind; the input is written where it was new):')
  for (const f of findings) {
    console.log(`  [${f.count}×] ${f.verdict.kind} ${f.target}: ${f.verdict.kind === 'ok' ? '' : `${f.verdict.name}: ${firstLine(f.verdict.message, 200)}`}`)
    console.log(`        ${f.file ? relative(ROOT, f.file) : '(an equal input is in the findings folder already)'}`)
  }
}
const bad = all.reduce((n, s) => n + s.failures + s.crashes + s.hangs, 0)
process.exit(bad > 0 ? 1 : 0)
