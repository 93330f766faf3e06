// `npm run bench`: the engine beside its PyTorch peers, run in this one command on this machine.
// Prints each case's engine figure, the peer's and their ratio, and writes them to
// bench/results/latest.json. It fails only on errors, never on speed.
import * as tf from '@tensorflow/tfjs'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  buildModel,
  chooseBackend,
  describeBackendChoice,
  disposeModel,
  loadSystemBlas,
  SEED_MODEL_KINDS,
  prepareSongTraining,
  resolveFastPathSetting,
  trainModel,
  type SeedModelKind
} from '../src/engine'
import { CORPUS, runCorpusEngine, runCorpusPeer, sequenceBenchData } from './corpusThroughput'
import { measureCorpusSizes, measureThreadScaling } from './scaling'
import { runSchemeComparison } from './schemeComparison'
import { runJigsNextToken } from './jigsNextToken'
import { BENCH_DIR, describePeer, peerThreadCounts } from './peer'
import { measureGemm, type MachinePeak } from './gemm'
import { kernelFlavour } from '../src/engine/fastcpu/kernelFlavour'
import { measureStartup } from './startup'
import { measureAudio } from './audio'
import { runPitchLengthComparison } from './pitchLengthComparison'
import { nabiyaNotes, PEER_NAMES, runSeedPeer, trainSeedModels, type SeedPeerRow } from './seedModels'

const CASE_GROUPS = ['seed', 'corpus', 'gemm', 'memory', 'jigs', 'schemes', 'pitch-length', 'scaling', 'startup', 'audio'] as const

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: CASE_GROUPS.join(',') },
    models: { type: 'string', default: SEED_MODEL_KINDS.join(',') },
    'max-epochs': { type: 'string', default: '2000' },
    'check-every': { type: 'string', default: '10' },
    'corpus-batches': { type: 'string', default: '10' },
    'scaling-tunes': { type: 'string', default: '100,1000,10000' },
    'memory-epochs': { type: 'string', default: '2000' },
    'jigs-epochs': { type: 'string', default: '8' },
    'scheme-seconds': { type: 'string', default: '120' },
    'scheme-streams': { type: 'string', default: '32' },
    'pitch-length-seconds': { type: 'string', default: '120' },
    /** Keep the results file's cases of the groups not run now (each case says when it was measured). */
    update: { type: 'boolean' },
    backend: { type: 'string' },
    'fast-path': { type: 'string' },
    'no-peer': { type: 'boolean' },
    out: { type: 'string', default: join(BENCH_DIR, 'results/latest.json') }
  }
})
const groups = new Set((values.cases ?? '').split(','))
const kinds = (values.models ?? '').split(',').filter((k): k is SeedModelKind => (SEED_MODEL_KINDS as readonly string[]).includes(k))
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
// A group that fails ends the run; what the groups before it measured is written all the same,
// marked incomplete, rather than lost.
let written = false
process.on('exit', (code) => {
  if (written || cases.length === 0) return
  writeFileSync(values.out ?? '', `${JSON.stringify({ date: new Date().toISOString(), incomplete: `the run ended early (exit ${code})`, cases }, null, 2)}\n`)
  console.error(`bench: ended early; the ${cases.length} cases measured so far are written to ${values.out}`)
})
/** The gemm group's own table, printed after the main one. */
let gemmTable: string | undefined
const round = (x: number | null, digits = 3) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)))
// A ratio against a peer without an optimised BLAS is no win: such cases say so (peerHandicapped).
const handicap = (peer: number | null) => (peer !== null && peerInfo.ok && peerInfo.handicapped ? { peerHandicapped: true } : {})
function timeCase(name: string, unit: string, engine: number | null, peer: number | null, details: Record<string, unknown> = {}) {
  cases.push({ name, unit, engine: round(engine), peer: round(peer), ratio: engine !== null && peer ? round(engine / peer) : null, ...handicap(peer), ...details })
}
function rateCase(name: string, unit: string, engine: number | null, peer: number | null, details: Record<string, unknown> = {}) {
  cases.push({ name, unit, engine: round(engine, 1), peer: round(peer, 1), ratio: engine && peer !== null ? round(peer / engine) : null, ...handicap(peer), ...details })
}

// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the engine's own process too (these machines set
// them for older OpenBLAS builds), so the engine's OpenBLAS runs the kernel the peer's runs.
delete process.env['OPENBLAS_CORETYPE']
delete process.env['OPENBLAS_L2_SIZE']
const engineBlas = await loadSystemBlas()
console.error(`engine: large products ${engineBlas.ok ? `through ${engineBlas.blas.description}` : `on the WebAssembly kernels (${engineBlas.reason})`}`)
const backend = await chooseBackend({ force: values.backend, env: process.env })
console.error(describeBackendChoice(backend))
const peerInfo: ReturnType<typeof describePeer> = values['no-peer'] ? { ok: false, reason: 'not run (--no-peer)' } : describePeer()
if (!peerInfo.ok) console.error(`peer: ${peerInfo.reason}`)
else {
  console.error(`peer: PyTorch ${peerInfo.torch} multiplies with ${peerInfo.description}; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it`)
  if (peerInfo.handicapped) console.error('peer: WARNING: OpenBLAS is missing, so every ratio against the peer is marked "peer handicapped": it is no win')
}
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  backend: backend.name,
  fastPath,
  engineBlas: engineBlas.ok ? engineBlas.blas.description : `none: ${engineBlas.reason}`,
  peer: peerInfo.ok ? `PyTorch ${peerInfo.torch}, ${peerInfo.description}` : peerInfo.reason,
  peerHandicapped: peerInfo.ok ? peerInfo.handicapped : null,
  openblasCore: peerInfo.ok ? peerInfo.openblasCore : null,
  peerThreadsTried: peerThreadCounts()
}

if (groups.has('seed')) {
  console.error(`seed models on 나비야 (until 100 % one-step and full-song, checked every ${checkEvery} epochs, at most ${maxEpochs})…`)
  const ours = await trainSeedModels(kinds, maxEpochs, checkEvery, fastPath)
  console.error(`  training path: ${ours.path}`)
  const peer = peerInfo.ok ? runSeedPeer(kinds, maxEpochs, checkEvery) : { rows: [] as SeedPeerRow[], note: peerInfo.reason }
  for (const row of ours.rows) {
    const p = peer.rows.find((r) => r.model === PEER_NAMES[row.model as SeedModelKind])
    const details = {
      epochs: row.epochsTo100 ?? row.epochsRun,
      peerEpochs: p ? (p.epochsTo100 ?? p.epochsRun) : null,
      oneStep: row.oneStep,
      fullSong: row.fullSong,
      peerThreads: p?.threads ?? null
    }
    if (row.epochsTo100 !== null || (p && p.epochsTo100 !== null)) {
      timeCase(`time-to-100/${row.model}`, 's', row.epochsTo100 !== null ? row.trainS : null, p && p.epochsTo100 !== null ? p.trainS : null, details)
    } else {
      timeCase(`time-to-limit/${row.model}`, 's', row.trainS, p?.trainS ?? null, details)
    }
    timeCase(`ms-per-epoch/${row.model}`, 'ms', row.msPerEpoch, p?.msPerEpoch ?? null, {
      peerThreads: p?.threads ?? null,
      peerMsPerEpochByThreads: p?.msPerEpochByThreads ?? null
    })
  }
  if (ours.generation) {
    timeCase('generate/full-song-50-notes-after-load', 'ms', ours.generation.fastMs, null, { tfjsPathMs: round(ours.generation.tfjsMs) })
  }
}

if (groups.has('corpus')) {
  const batches = Number(values['corpus-batches'])
  // The corpus default: sequences (the loss at every step, the state carried across a tune's windows).
  console.error(`corpus (sequence scheme): 2-layer LSTM(${CORPUS.units}) on ${CORPUS.file}, ${CORPUS.batch} lanes × ${CORPUS.window} steps, ${batches} timed batches, at 1, 2, 4 … threads both sides…`)
  const data = sequenceBenchData(batches)
  const scaling = measureThreadScaling(data, fastPath, peerInfo.ok)
  const allCores = scaling.at(-1)
  const peerRates = scaling.filter((row) => row.peerTokensPerSecond !== null)
  const peerBest = peerRates.reduce<(typeof scaling)[number] | undefined>((a, b) => (!a || (b.peerTokensPerSecond ?? 0) > (a.peerTokensPerSecond ?? 0) ? b : a), undefined)
  const engineRun = allCores?.engineTokensPerSecond ?? null
  console.error(`  ${data.dataset.steps} tokens in ${data.dataset.batches} batches; timed ${data.batches - CORPUS.warmup}`)
  rateCase('corpus/jigs-lstm2x256-sequence-tokens-per-s', 'tokens/s', engineRun, peerBest?.peerTokensPerSecond ?? null, {
    scheme: 'sequence (truncated BPTT: loss at every step of 32-step windows, state carried across a tune)',
    engineThreads: allCores?.threads ?? null,
    peerThreads: peerBest?.threads ?? null,
    peerThreadSplit: peerBest?.peerSplit ?? null,
    peerThreadSplitsTried: 'torch and OpenBLAS both at N, torch 1 with OpenBLAS N, torch N with OpenBLAS 1; the fastest kept',
    engineTokensPerSecondByThreads: Object.fromEntries(scaling.map((row) => [row.threads, round(row.engineTokensPerSecond, 1)])),
    peerTokensPerSecondByThreads: Object.fromEntries(scaling.map((row) => [row.threads, round(row.peerTokensPerSecond, 1)])),
    path: allCores?.enginePath ?? null
  })
  console.error(`corpus (windows scheme, as before): window ${CORPUS.window}, batch ${CORPUS.batch}, ${batches} timed batches…`)
  const { result, data: windows } = runCorpusEngine(batches, fastPath)
  console.error(`  ${result.tokens} tokens, vocabulary ${result.vocabulary}, ${result.windows} windows; ${result.path}`)
  const peer = peerInfo.ok ? runCorpusPeer(windows) : { failed: peerInfo.reason }
  if ('failed' in peer) console.error(`  peer: ${peer.failed}`)
  const best = 'failed' in peer ? null : peer
  rateCase('corpus/jigs-lstm2x256-windows-tokens-per-s', 'tokens/s', result.tokensPerSecond, best ? best.best.tokensPerSecond : null, {
    scheme: 'windows (one prediction per 32-token window, stateless)',
    engineMsPerBatch: round(result.msPerBatch, 1),
    peerMsPerBatch: best ? round(best.best.msPerBatch, 1) : null,
    peerThreads: best ? best.threads : null,
    peerTokensPerSecondByThreads: best ? Object.fromEntries(Object.entries(best.byThreads).map(([t, f]) => [t, round(f.tokensPerSecond, 1)])) : null,
    path: result.path
  })
}

if (groups.has('scaling')) {
  const sizes = (values['scaling-tunes'] ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 2)
  console.error(`scaling: one sequence epoch of the corpus model for ${sizes.join(', ')} tunes…`)
  const rows = await measureCorpusSizes(sizes, fastPath)
  for (const row of rows) {
    // no peer: the figures to compare are the rows, against each other (linear growth)
    cases.push({
      name: `scaling/corpus-${row.tunes}-tunes-epoch`,
      unit: 's',
      engine: round(row.epochS, 2),
      peer: null,
      ratio: null,
      trainingTokens: row.trainingTokens,
      tokensPerSecond: round(row.tokensPerSecond, 1),
      msPerThousandTokens: round(row.msPerThousandTokens, 1),
      prepareS: round(row.prepareS, 2),
      datasetMiB: round(row.datasetMiB, 2),
      rssMiB: round(row.rssMiB, 1)
    })
  }
}

/**
 * A measured figure above the reckoned peak means the reckoning is wrong, most often the clock
 * (a VM's cpuinfo shows the base clock, not the boost): say so, with the clock the figure implies.
 */
function peakCheck(rows: Awaited<ReturnType<typeof measureGemm>>['rows'], peak: MachinePeak, threads: readonly number[]): string[] {
  const lines: string[] = []
  const cores = Math.max(...threads)
  const perCoreAt = (t: number) => (t >= cores ? peak.perCoreGflops * cores : peak.perCoreGflops * t)
  let impliedGHz = 0
  for (const r of rows) {
    for (const [t, g] of Object.entries(r.openblas)) impliedGHz = Math.max(impliedGHz, (g / perCoreAt(Number(t))) * peak.clockGHz)
    impliedGHz = Math.max(impliedGHz, (r.engineKernel / peak.wasmSimdCoreGflops) * peak.clockGHz)
    if (r.engineBlas !== null) impliedGHz = Math.max(impliedGHz, (r.engineBlas / peak.gflops) * peak.clockGHz)
  }
  if (impliedGHz > peak.clockGHz) {
    lines.push(
      `NOTE: a measured figure exceeds the peak reckoned at ${peak.clockGHz.toFixed(2)} GHz: the cores must run at ${impliedGHz.toFixed(2)} GHz or more ` +
        `(boost), so the peak is at least ${((peak.gflops * impliedGHz) / peak.clockGHz).toFixed(0)} GFLOPS and the percentages above are upper bounds`
    )
  }
  return lines
}

if (groups.has('gemm')) {
  console.error('gemm: the matrix multiply alone on the corpus LSTM\'s shapes, engine beside OpenBLAS sgemm and the machine\'s peak…')
  const { rows, peak, peerNote } = await measureGemm(peerInfo.ok)
  if (peerNote) console.error(`  OpenBLAS: ${peerNote}`)
  const threads = peerThreadCounts()
  const pct = (g: number | undefined) => (g === undefined || !Number.isFinite(g) ? '—' : `${g.toFixed(1)} (${((100 * g) / peak.gflops).toFixed(1)} %)`)
  gemmTable = [
    `\nmatrix multiply, GFLOPS (% of the machine's peak ${peak.gflops.toFixed(0)} GFLOPS; one core ${peak.perCoreGflops.toFixed(1)}, one core with 128-bit SIMD as WebAssembly has ${peak.wasmSimdCoreGflops.toFixed(1)}; engine kernels: ${kernelFlavour()})`,
    `peak = ${peak.assumptions}`,
    [
      'shape (M×K×N)',
      `engine through ${engineBlas.ok ? `${engineBlas.blas.vendor} (koffi, ${engineBlas.blas.threads() ?? '?'} threads)` : 'no system BLAS'}`,
      'engine kernel (wasm SIMD, 1 thread)',
      `engine kernel (wasm SIMD, ${rows[0]?.engineKernelThreads.threads ?? '?'} threads)`,
      `tfjs matMul (${backend.name})`,
      ...threads.map((t) => `OpenBLAS sgemm via numpy, ${t} thread(s)`)
    ].join('\t'),
    ...rows.map((r) =>
      [
        `${r.shape.name} ${r.shape.m}×${r.shape.k}×${r.shape.n}`,
        pct(r.engineBlas ?? undefined),
        pct(r.engineKernel),
        pct(r.engineKernelThreads.gflops),
        pct(r.tfjsMatMul),
        ...threads.map((t) => pct(r.openblas[String(t)]))
      ].join('\t')
    ),
    ...peakCheck(rows, peak, threads)
  ].join('\n')
  for (const r of rows) {
    const peers = Object.entries(r.openblas).filter(([, g]) => Number.isFinite(g))
    const [bestThreads, bestPeer] = peers.reduce<[string, number] | [null, null]>((a, b) => (a[1] === null || b[1] > a[1] ? b : a), [null, null])
    // the engine's figure is its product as training runs it: through the system BLAS where it has one
    const engine = r.engineBlas ?? r.engineKernel
    rateCase(`gemm/${r.shape.name}-${r.shape.m}x${r.shape.k}x${r.shape.n}-gflops`, 'GFLOPS', engine, bestPeer, {
      engineIs: r.engineBlas !== null && engineBlas.ok ? `${engineBlas.blas.description} through koffi` : 'WebAssembly SIMD kernel, 1 thread',
      engineWasmKernelGflops: round(r.engineKernel, 1),
      engineWasmKernelThreads: r.engineKernelThreads.threads,
      engineWasmKernelThreadsGflops: round(r.engineKernelThreads.gflops, 1),
      engineBlasGflops: round(r.engineBlas, 1),
      peerIs: 'OpenBLAS sgemm through numpy (float32)',
      peerThreads: bestThreads === null ? null : Number(bestThreads),
      peerGflopsByThreads: Object.fromEntries(peers.map(([t, g]) => [t, round(g, 1)])),
      tfjsMatMulGflops: round(r.tfjsMatMul, 1),
      enginePercentOfPeak: round((100 * engine) / peak.gflops, 1),
      engineWasmKernelPercentOfPeak: round((100 * r.engineKernel) / peak.gflops, 1),
      tfjsPercentOfPeak: round((100 * r.tfjsMatMul) / peak.gflops, 1),
      peerPercentOfPeak: bestPeer === null ? null : round((100 * bestPeer) / peak.gflops, 1),
      peakGflops: round(peak.gflops, 1),
      peakAssumptions: peak.assumptions
    })
  }
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

if (groups.has('schemes')) {
  const seconds = Number(values['scheme-seconds'])
  console.error(`schemes: the jigs model (window 32, seed 5) trained ${seconds} s by windows and by sequences, held-out accuracy at positions ≥ window…`)
  const figures = await runSchemeComparison(seconds, fastPath, Number(values['scheme-streams']))
  for (const f of figures) {
    console.error(`  ${f.scheme}: ${(f.valAccuracyFromWindow * 100).toFixed(1)} % at ≥ W (all steps ${(f.valAccuracy * 100).toFixed(1)} %), ${Math.round(f.tokensPerSecond)} tokens/s, ${f.epochs} epochs`)
    // no peer: the two schemes are the comparison (higher is better)
    cases.push({
      name: `schemes/jigs-val-accuracy-at-window-${f.scheme}`,
      unit: '%',
      engine: round(f.valAccuracyFromWindow * 100, 2),
      peer: null,
      ratio: null,
      scheme: f.scheme,
      seconds,
      valAccuracyAllSteps: round(f.valAccuracy * 100, 2),
      tokensPerSecond: round(f.tokensPerSecond, 1),
      epochs: f.epochs,
      bestEpoch: f.bestEpoch,
      bestAtS: round(f.bestAtS, 1),
      trainingTokens: f.trainingTokens,
      path: f.path
    })
  }
}

if (groups.has('pitch-length')) {
  const seconds = Number(values['pitch-length-seconds'])
  console.error(`pitch-length: the jigs (window 16, seed 5, by windows) learnt ${seconds} s by one vocabulary of codes and by pitch and length as two outputs…`)
  for (const f of await runPitchLengthComparison(seconds, fastPath)) {
    console.error(`  ${f.model} (${f.paths}): held out ${(f.noteAccuracy * 100).toFixed(1)} % notes, ${(f.pitchAccuracy * 100).toFixed(1)} % pitches, ${(f.lengthAccuracy * 100).toFixed(1)} % lengths, ${f.epochs.toFixed(2)} epochs in ${f.trainS.toFixed(0)} s`)
    // no peer: the two models are the comparison (higher is better)
    for (const [part, accuracy] of [['note', f.noteAccuracy], ['pitch', f.pitchAccuracy], ['length', f.lengthAccuracy]] as const) {
      cases.push({
        name: `pitch-length/jigs-held-out-${part}-accuracy-${f.model}${f.paths === 'tfjs' ? '-both-on-tfjs' : ''}`,
        unit: '%',
        engine: round(accuracy * 100, 2),
        peer: null,
        ratio: null,
        model: f.model,
        paths: f.paths,
        seconds,
        epochs: round(f.epochs, 2),
        trainS: round(f.trainS, 1),
        params: f.params,
        path: f.path
      })
    }
  }
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

/**
 * `--update`: the file's cases of the groups not run now are kept, with the date they were
 * measured (`measuredAt`; the file's own date otherwise), and this run's replace the rest.
 */
function updatedCases(path: string, date: string): BenchCase[] {
  const old = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { date?: string; cases?: BenchCase[] }) : {}
  const kept = (old.cases ?? []).filter((c) => !groups.has(c.name.split('/')[0] ?? '')).map((c) => ({ ...c, measuredAt: c['measuredAt'] ?? old.date }))
  return [...kept, ...cases.map((c) => ({ ...c, measuredAt: date }))]
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
  if (c['engineMsPerBatch'] !== undefined) {
    return `${String(c['engineMsPerBatch'])} vs ${String(c['peerMsPerBatch'] ?? '—')} ms per batch of ${CORPUS.batch}; peer at ${String(c['peerThreads'] ?? '—')} thread(s), tokens/s by threads ${JSON.stringify(c['peerTokensPerSecondByThreads'])}`
  }
  if (c['peakGflops'] !== undefined) {
    return `engine ${String(c['enginePercentOfPeak'])} %, tfjs ${String(c['tfjsMatMulGflops'])} GFLOPS, OpenBLAS ${String(c['peerPercentOfPeak'] ?? '—')} % of peak (${String(c['peerThreads'] ?? '—')} thread(s))`
  }
  if (c['peerMsPerEpochByThreads']) return `peer at ${String(c['peerThreads'])} thread(s); ms/epoch by threads ${JSON.stringify(c['peerMsPerEpochByThreads'])}`
  return ''
}
const ratioText = (c: BenchCase) => (c.ratio === null ? '—' : `${c.ratio}×${c['peerHandicapped'] ? ' (peer handicapped)' : ''}`)
for (const c of cases) console.log([c.name, fmt(c.engine, c.unit), fmt(c.peer, c.unit), ratioText(c), notes(c)].join('\t'))
if (gemmTable) console.log(gemmTable)
mkdirSync(join(values.out ?? '', '..'), { recursive: true })
const date = new Date().toISOString()
writeFileSync(values.out ?? '', `${JSON.stringify({ date, machine, cases: values.update ? updatedCases(values.out ?? '', date) : cases }, null, 2)}\n`)
written = true
console.log(`written to ${values.out}`)
