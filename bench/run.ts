// `npm run bench`: the engine beside its PyTorch peers, run in this one command on this machine.
// Prints each case's engine figure, the peer's and their ratio, and writes them to
// bench/results/latest.json. It fails only on errors, never on speed.
import * as tf from '@tensorflow/tfjs'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  buildModel,
  chooseBackend,
  describeBackendChoice,
  disposeModel,
  MODEL_KINDS,
  prepareSongTraining,
  resolveFastPathSetting,
  trainModel,
  type ModelKind
} from '../src/engine'
import { CORPUS, runCorpusEngine, runCorpusPeer } from './corpusThroughput'
import { runJigsNextToken } from './jigsNextToken'
import { BENCH_DIR, describePeer } from './peer'
import { measureStartup } from './startup'
import { measureAudio } from './audio'
import { nabiyaNotes, PEER_NAMES, runSeedPeer, trainSeedModels, type SeedRow } from './seedModels'

const CASE_GROUPS = ['seed', 'corpus', 'memory', 'jigs', 'startup', 'audio'] as const

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: CASE_GROUPS.join(',') },
    models: { type: 'string', default: MODEL_KINDS.join(',') },
    'max-epochs': { type: 'string', default: '2000' },
    'check-every': { type: 'string', default: '10' },
    'corpus-batches': { type: 'string', default: '10' },
    'memory-epochs': { type: 'string', default: '2000' },
    'jigs-epochs': { type: 'string', default: '8' },
    backend: { type: 'string' },
    'fast-path': { type: 'string' },
    'no-peer': { type: 'boolean' },
    out: { type: 'string', default: join(BENCH_DIR, 'results/latest.json') }
  }
})
const groups = new Set((values.cases ?? '').split(','))
const kinds = (values.models ?? '').split(',').filter((k): k is ModelKind => (MODEL_KINDS as readonly string[]).includes(k))
const maxEpochs = Number(values['max-epochs'])
const checkEvery = Number(values['check-every'])
const fastPath = resolveFastPathSetting(values['fast-path'], process.env)

/** One line of the results: ratio = engine time / peer time, or peer rate / engine rate (below 1: the engine is ahead). */
interface BenchCase {
  name: string
  unit: string
  engine: number | null
  peer: number | null
  ratio: number | null
  [detail: string]: unknown
}
const cases: BenchCase[] = []
const round = (x: number | null, digits = 3) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)))
function timeCase(name: string, unit: string, engine: number | null, peer: number | null, details: Record<string, unknown> = {}) {
  cases.push({ name, unit, engine: round(engine), peer: round(peer), ratio: engine !== null && peer ? round(engine / peer) : null, ...details })
}
function rateCase(name: string, unit: string, engine: number | null, peer: number | null, details: Record<string, unknown> = {}) {
  cases.push({ name, unit, engine: round(engine, 1), peer: round(peer, 1), ratio: engine && peer !== null ? round(peer / engine) : null, ...details })
}

const backend = await chooseBackend({ force: values.backend, env: process.env })
console.error(describeBackendChoice(backend))
const peerInfo = values['no-peer'] ? ({ ok: false, reason: 'not run (--no-peer)' } as const) : describePeer()
if (!peerInfo.ok) console.error(`peer: ${peerInfo.reason}`)
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  backend: backend.name,
  fastPath,
  peer: peerInfo.ok ? `PyTorch ${peerInfo.torch}, ${peerInfo.blas}` : peerInfo.reason
}

if (groups.has('seed')) {
  console.error(`seed models on 나비야 (until 100 % one-step and full-song, checked every ${checkEvery} epochs, at most ${maxEpochs})…`)
  const ours = await trainSeedModels(kinds, maxEpochs, checkEvery, fastPath)
  console.error(`  training path: ${ours.path}`)
  const peer = peerInfo.ok ? runSeedPeer(kinds, maxEpochs, checkEvery) : { rows: [] as SeedRow[], note: peerInfo.reason }
  for (const row of ours.rows) {
    const p = peer.rows.find((r) => r.model === PEER_NAMES[row.model as ModelKind])
    const details = {
      epochs: row.epochsTo100 ?? row.epochsRun,
      peerEpochs: p ? (p.epochsTo100 ?? p.epochsRun) : null,
      oneStep: row.oneStep,
      fullSong: row.fullSong
    }
    if (row.epochsTo100 !== null || (p && p.epochsTo100 !== null)) {
      timeCase(`time-to-100/${row.model}`, 's', row.epochsTo100 !== null ? row.trainS : null, p && p.epochsTo100 !== null ? p.trainS : null, details)
    } else {
      timeCase(`time-to-limit/${row.model}`, 's', row.trainS, p?.trainS ?? null, details)
    }
    timeCase(`ms-per-epoch/${row.model}`, 'ms', row.msPerEpoch, p?.msPerEpoch ?? null)
  }
  if (ours.generation) {
    timeCase('generate/full-song-50-notes-after-load', 'ms', ours.generation.fastMs, null, { tfjsPathMs: round(ours.generation.tfjsMs) })
  }
}

if (groups.has('corpus')) {
  const batches = Number(values['corpus-batches'])
  console.error(`corpus: 2-layer LSTM(${CORPUS.units}) on ${CORPUS.file}, window ${CORPUS.window}, batch ${CORPUS.batch}, ${batches} timed batches…`)
  const { result, data } = runCorpusEngine(batches, fastPath)
  console.error(`  ${result.tokens} tokens, vocabulary ${result.vocabulary}, ${result.windows} windows; ${result.path}`)
  const peer = peerInfo.ok ? runCorpusPeer(data) : { failed: peerInfo.reason }
  if ('failed' in peer) console.error(`  peer: ${peer.failed}`)
  rateCase('corpus/jigs-lstm2x256-tokens-per-s', 'tokens/s', result.tokensPerSecond, 'failed' in peer ? null : peer.tokensPerSecond, {
    engineMsPerBatch: round(result.msPerBatch, 1),
    peerMsPerBatch: 'failed' in peer ? null : round(peer.msPerBatch, 1),
    peerThreads: 'failed' in peer ? null : peer.threads,
    path: result.path
  })
}

if (groups.has('memory')) {
  const epochs = Number(values['memory-epochs'])
  console.error(`memory: stateful-lstm on 나비야 for ${epochs} epochs…`)
  const setup = prepareSongTraining(nabiyaNotes(), 'stateful-lstm', { epochs })
  const model = buildModel(setup.spec)
  const mib = () => process.memoryUsage().rss / 2 ** 20
  const samples: { epoch: number; rssMiB: number; tensors: number }[] = []
  const outcome = await trainModel(model, setup.spec, setup, {
    fastPath,
    onEpochEnd: ({ epoch }) => {
      if (epoch === 1 || epoch % Math.max(1, Math.floor(epochs / 4)) === 0) samples.push({ epoch, rssMiB: round(mib(), 1) ?? 0, tensors: tf.memory().numTensors })
    }
  })
  disposeModel(model)
  const [first, last] = [samples[0], samples.at(-1)]
  console.error(`  resident memory by epoch: ${samples.map((s) => `${s.epoch}: ${s.rssMiB} MiB`).join(', ')}`)
  timeCase(`memory/stateful-lstm-${epochs}-epochs-rss-growth`, 'MiB', first && last ? last.rssMiB - first.rssMiB : null, null, {
    startMiB: first?.rssMiB,
    endMiB: last?.rssMiB,
    tensorsStart: first?.tensors,
    tensorsEnd: last?.tensors,
    samples,
    msPerEpoch: round(outcome.trainMs / outcome.epochsRun)
  })
}

if (groups.has('jigs')) {
  const epochs = Number(values['jigs-epochs'])
  console.error(`jigs: 2-layer LSTM(128) next-token model against a bigram baseline, split by tune (seed 5), up to ${epochs} epochs…`)
  const jigs = await runJigsNextToken(epochs, fastPath)
  const model = jigs.modelAccuracy * 100
  const bigram = jigs.bigramAccuracy * 100
  console.error(`  model ${model.toFixed(1)} %, bigram ${bigram.toFixed(1)} %: ${(model - bigram).toFixed(1)} points`)
  // higher is better here, as for a rate: ratio = peer / engine
  cases.push({
    name: 'jigs/next-token-accuracy',
    unit: '%',
    engine: round(model, 2),
    peer: round(bigram, 2),
    ratio: round(bigram / model),
    peerIs: 'bigram baseline (previous token → likeliest next, counted on the training tunes)',
    pointsAbovePeer: round(model - bigram, 2),
    epochs: jigs.epochs,
    trainS: round(jigs.trainS, 1),
    trainingWindows: jigs.trainingWindows,
    validationWindows: jigs.validationWindows,
    validationTunes: jigs.validationTunes,
    vocabulary: jigs.vocabulary
  })
}

if (groups.has('startup')) {
  console.error('start-up: main bundle before its window, and web mode to a usable studio in Chromium (3 starts)…')
  try {
    const { main, web } = await measureStartup()
    // No peer: these are our own figures, compared across commits (see the issue 16 note).
    timeCase('startup/main-before-window-kib', 'KiB', main.bytes / 1024, null, { files: main.files, packages: main.packages })
    timeCase('startup/main-packages-import', 'ms', main.importMs, null, { packages: main.packages })
    timeCase('startup/web-server-ready', 'ms', web.serverReadyMs, null)
    timeCase('startup/web-first-paint', 'ms', web.firstPaintMs, null)
    timeCase('startup/web-library-loaded', 'ms', web.libraryLoadedMs, null)
  } catch (error) {
    console.error(`  start-up not measured: ${error instanceof Error ? error.message : String(error)}`)
  }
}

if (groups.has('audio')) {
  console.error('audio: 나비야 rendered offline by each instrument with the shipped sound font, then encoded (best of 3, CPU time)…')
  // No peer: our own figures, compared across commits. Above 1 is faster than real time.
  for (const figure of await measureAudio()) {
    rateCase(`audio/render-${figure.instrument}-audio-s-per-cpu-s`, 'x', figure.renderAudioPerCpuSecond, null, { audioSeconds: round(figure.audioSeconds, 2) })
    rateCase(`audio/wav-encode-${figure.instrument}-audio-s-per-cpu-s`, 'x', figure.wavAudioPerCpuSecond, null)
    rateCase(`audio/mp3-encode-${figure.instrument}-audio-s-per-cpu-s`, 'x', figure.mp3AudioPerCpuSecond, null)
  }
}

const fmt = (x: number | null, unit: string) => (x === null ? '—' : `${x} ${unit}`)
console.log(`\n${machine.cpu}, ${machine.cores} cores; backend ${machine.backend}; fast path ${machine.fastPath}; peer ${machine.peer}`)
console.log(['case', 'engine', 'peer', 'ratio (engine/peer; < 1 = engine ahead)', 'notes'].join('\t'))
function notes(c: BenchCase): string {
  if (c['pointsAbovePeer'] !== undefined) return `${String(c['pointsAbovePeer'])} points above the bigram, ${String(c['epochs'])} epochs in ${String(c['trainS'])} s`
  if (c['epochs'] !== undefined) return `${String(c['epochs'])} epochs (peer ${String(c['peerEpochs'] ?? '—')})`
  if (c['startMiB'] !== undefined) return `${String(c['startMiB'])} → ${String(c['endMiB'])} MiB, tensors ${String(c['tensorsStart'])} → ${String(c['tensorsEnd'])}`
  if (c['tfjsPathMs'] !== undefined) return `tfjs path ${String(c['tfjsPathMs'])} ms`
  if (c['audioSeconds'] !== undefined) return `${String(c['audioSeconds'])} s of audio`
  if (c['engineMsPerBatch'] !== undefined) return `${String(c['engineMsPerBatch'])} vs ${String(c['peerMsPerBatch'] ?? '—')} ms per batch of ${CORPUS.batch}`
  return ''
}
for (const c of cases) console.log([c.name, fmt(c.engine, c.unit), fmt(c.peer, c.unit), c.ratio === null ? '—' : `${c.ratio}×`, notes(c)].join('\t'))
mkdirSync(join(values.out ?? '', '..'), { recursive: true })
writeFileSync(values.out ?? '', `${JSON.stringify({ date: new Date().toISOString(), machine, cases }, null, 2)}\n`)
console.log(`written to ${values.out}`)
