// Corpus scale: a 2-layer LSTM(256) over the note tokens of the Nottingham jigs (window 32,
// batch 64, stateless), training tokens per second, beside bench/torch_corpus.py with the same
// model on the same batches. Each window is one training example that predicts one token.
import * as tf from '@tensorflow/tfjs'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  abcCorpusTokens,
  buildSequenceDataset,
  chooseTrainingPath,
  corpusWindows,
  FastNetwork,
  seededRandom,
  sequenceBatchRows,
  sequenceStartRows,
  shuffledOrder,
  systemBlas,
  type FastPathSetting,
  type SequenceDataset
} from '../src/engine'
import { atBestThreadCount, BENCH_DIR, peerEnv, peerEnvSplit, peerThreadSplits, python, SHARED, type ThreadedFigures } from './peer'

export const CORPUS = { file: 'corpus/nottingham/abc/jigs.abc', window: 32, batch: 64, embedding: 32, units: 256, warmup: 2 } as const

export interface CorpusResult {
  readonly tokens: number
  readonly vocabulary: number
  readonly windows: number
  readonly batches: number
  readonly tokensPerSecond: number | null
  readonly msPerBatch: number | null
  readonly path: string
}

/**
 * The bench's models start from Glorot-uniform recurrent weights, not Keras's orthogonal default:
 * tfjs makes an orthogonal 256×1024 matrix by Gram–Schmidt in JavaScript, seconds to minutes per
 * layer, and the starting weights change nothing of the work per batch being timed (PyTorch starts
 * from uniform weights too).
 */
const BENCH_RECURRENT_INIT = 'glorotUniform'

function buildTokenModel(vocabulary: number): tf.Sequential {
  // sigmoid gates, as torch.nn.LSTM has them (tfjs's default is the hard sigmoid); built in a tidy
  // because tfjs-layers' initialisers leave intermediate tensors behind
  let model: tf.Sequential | undefined
  tf.tidy(() => {
    model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: vocabulary, outputDim: CORPUS.embedding, inputLength: CORPUS.window }),
        tf.layers.lstm({ units: CORPUS.units, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: BENCH_RECURRENT_INIT }),
        tf.layers.lstm({ units: CORPUS.units, recurrentActivation: 'sigmoid', recurrentInitializer: BENCH_RECURRENT_INIT }),
        tf.layers.dense({ units: vocabulary, activation: 'softmax' })
      ]
    })
  })
  return model as unknown as tf.Sequential
}

/** The windows of the first `batches` batches (after `warmup` more), in a seeded shuffled order. */
function benchBatches(measuredBatches: number) {
  const corpus = abcCorpusTokens(readFileSync(join(SHARED, CORPUS.file), 'utf8'))
  const windows = corpusWindows(corpus.tunes, CORPUS.window)
  const order = shuffledOrder(windows.labels.length, seededRandom(5)).slice(0, (CORPUS.warmup + measuredBatches) * CORPUS.batch)
  const inputs = order.map((sample) => Array.from(windows.inputs.subarray(sample * CORPUS.window, (sample + 1) * CORPUS.window)))
  const labels = order.map((sample) => windows.labels[sample] ?? 0)
  return {
    vocabulary: corpus.vocabulary.codes.length,
    tokens: corpus.tunes.reduce((sum, tune) => sum + tune.tokens.length, 0),
    windows: windows.labels.length,
    inputs,
    labels
  }
}

export function runCorpusEngine(measuredBatches: number, fastPath: FastPathSetting) {
  const data = benchBatches(measuredBatches)
  const model = buildTokenModel(data.vocabulary)
  const chosen = chooseTrainingPath(model, fastPath)
  const flatInputs = Float32Array.from(data.inputs.flat())
  const labels = Int32Array.from(data.labels)
  const batchRows = (b: number) => Array.from({ length: CORPUS.batch }, (_, i) => b * CORPUS.batch + i)
  let timedMs = 0
  let failure: string | undefined
  try {
    if (chosen.plan) {
      const network = new FastNetwork(chosen.plan, CORPUS.batch)
      network.readWeightsFrom(model)
      for (let b = 0; b < CORPUS.warmup + measuredBatches; b++) {
        const started = performance.now()
        network.trainBatch(flatInputs, labels, batchRows(b), { learningRate: 1e-3 })
        if (b >= CORPUS.warmup) timedMs += performance.now() - started
      }
      network.dispose()
    } else {
      const optimizer = tf.train.adam(1e-3)
      for (let b = 0; b < CORPUS.warmup + measuredBatches; b++) {
        const started = performance.now()
        tf.tidy(() => {
          const x = tf.tensor2d(flatInputs.subarray(b * CORPUS.batch * CORPUS.window, (b + 1) * CORPUS.batch * CORPUS.window), [CORPUS.batch, CORPUS.window])
          const y = tf.oneHot(tf.tensor1d(labels.subarray(b * CORPUS.batch, (b + 1) * CORPUS.batch), 'int32'), data.vocabulary).toFloat()
          optimizer.minimize(() => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar)
        })
        if (b >= CORPUS.warmup) timedMs += performance.now() - started
      }
      optimizer.dispose()
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  } finally {
    model.dispose()
  }
  const result: CorpusResult = {
    tokens: data.tokens,
    vocabulary: data.vocabulary,
    windows: data.windows,
    batches: measuredBatches,
    tokensPerSecond: failure ? null : (measuredBatches * CORPUS.batch) / (timedMs / 1000),
    msPerBatch: failure ? null : timedMs / measuredBatches,
    // the arena takes the loaded system BLAS for its large products: say so, as the trainer does
    path: `${chosen.path.reason}${systemBlas() && chosen.plan ? `, large products through ${systemBlas()?.description}` : ''}${failure ? `; failed: ${failure}` : ''}`
  }
  return { result, data }
}

export interface CorpusPeerFigure {
  readonly tokensPerSecond: number
  readonly msPerBatch: number
}

/** The peer at one thread and at every core, the faster kept; `failed` when no run succeeded. */
export function runCorpusPeer(data: ReturnType<typeof benchBatches>): ThreadedFigures<CorpusPeerFigure> | { failed: string } {
  const folder = mkdtempSync(join(tmpdir(), 'bench-corpus-'))
  let failure = 'not run'
  try {
    const file = join(folder, 'batches.json')
    writeFileSync(
      file,
      JSON.stringify({ vocab: data.vocabulary, window: CORPUS.window, batch: CORPUS.batch, warmup: CORPUS.warmup, inputs: data.inputs, labels: data.labels })
    )
    const figures = atBestThreadCount<CorpusPeerFigure>(
      (threads) => {
        console.error(`running the PyTorch corpus peer bench/torch_corpus.py, ${threads} thread(s)…`)
        const run = spawnSync(python(), [join(BENCH_DIR, 'torch_corpus.py'), file, '--threads', String(threads)], {
          encoding: 'utf8',
          env: peerEnv(threads)
        })
        if (run.status !== 0) {
          failure = run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`
          return null
        }
        const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>
        console.error(`  ${threads} thread(s): ${Number(line['ms_per_batch']).toFixed(1)} ms per batch`)
        return { tokensPerSecond: Number(line['tokens_per_s']), msPerBatch: Number(line['ms_per_batch']) }
      },
      (a, b) => a.tokensPerSecond > b.tokensPerSecond
    )
    return figures ?? { failed: failure }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

// ── The sequence scheme (truncated backpropagation through time) ─────────────────────────────
// The same model and corpus, trained as folk-rnn and char-rnn train: 64 lanes of tunes, the loss
// at every step of each 32-step window, the state carried from one window of a tune to the next
// (zeroed where a tune starts), padding masked. Throughput counts the real (unmasked) steps.

function buildSequenceTokenModel(vocabulary: number): tf.Sequential {
  let model: tf.Sequential | undefined
  tf.tidy(() => {
    model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: vocabulary, outputDim: CORPUS.embedding, batchInputShape: [CORPUS.batch, CORPUS.window] }),
        tf.layers.lstm({ units: CORPUS.units, returnSequences: true, stateful: true, recurrentActivation: 'sigmoid', recurrentInitializer: BENCH_RECURRENT_INIT }),
        tf.layers.lstm({ units: CORPUS.units, returnSequences: true, stateful: true, recurrentActivation: 'sigmoid', recurrentInitializer: BENCH_RECURRENT_INIT }),
        tf.layers.dense({ units: vocabulary, activation: 'softmax' })
      ]
    })
  })
  return model as unknown as tf.Sequential
}

export interface SequenceBenchData {
  readonly vocabulary: number
  readonly tokens: number
  readonly dataset: SequenceDataset
  /** Batches run: warm-up and timed. */
  readonly batches: number
}

/** The jigs as 64 lanes of windows, the first `warmup + measured` batches of them. */
export function sequenceBenchData(measuredBatches: number): SequenceBenchData {
  const corpus = abcCorpusTokens(readFileSync(join(SHARED, CORPUS.file), 'utf8'))
  const dataset = buildSequenceDataset(
    corpus.tunes.map((tune) => tune.tokens),
    CORPUS.window,
    CORPUS.batch
  )
  const batches = Math.min(dataset.batches, CORPUS.warmup + measuredBatches)
  return { vocabulary: corpus.vocabulary.codes.length, tokens: corpus.tunes.reduce((sum, tune) => sum + tune.tokens.length, 0), dataset, batches }
}

/** Real steps in batch k. */
function realSteps(dataset: SequenceDataset, k: number): number {
  let count = 0
  const from = k * dataset.streams * dataset.window
  for (let i = from; i < from + dataset.streams * dataset.window; i++) count += dataset.weights[i] ?? 0
  return count
}

export interface SequenceCorpusResult {
  readonly tokensPerSecond: number | null
  readonly msPerBatch: number | null
  readonly timedBatches: number
  readonly path: string
}

/** The engine on the fast path (the system BLAS at `threads` when given), timed after the warm-up. */
export function runCorpusSequenceEngine(data: SequenceBenchData, fastPath: FastPathSetting, threads?: number): SequenceCorpusResult {
  const model = buildSequenceTokenModel(data.vocabulary)
  const chosen = chooseTrainingPath(model, fastPath)
  const blas = systemBlas()
  const threadsBefore = blas?.threads()
  if (blas && threads !== undefined) blas.setThreads(threads)
  const { dataset } = data
  const through = blas ? `, large products through ${blas.description}` : ''
  let timedMs = 0
  let timedTokens = 0
  let failure: string | undefined
  try {
    if (!chosen.plan) throw new Error(`the fast path does not take this model: ${chosen.path.reason}`)
    const network = new FastNetwork(chosen.plan, CORPUS.batch)
    network.readWeightsFrom(model)
    for (let k = 0; k < data.batches; k++) {
      const started = performance.now()
      network.resetRows(sequenceStartRows(dataset, k))
      network.trainSequenceBatch(dataset.inputs, dataset.labels, dataset.weights, sequenceBatchRows(dataset, k), { learningRate: 1e-3 })
      if (k >= CORPUS.warmup) {
        timedMs += performance.now() - started
        timedTokens += realSteps(dataset, k)
      }
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  } finally {
    model.dispose()
    if (blas && threadsBefore !== undefined) blas.setThreads(threadsBefore)
  }
  const timed = data.batches - CORPUS.warmup
  return {
    tokensPerSecond: failure ? null : timedTokens / (timedMs / 1000),
    msPerBatch: failure ? null : timedMs / timed,
    timedBatches: timed,
    path: failure ? `failed: ${failure}` : `${chosen.path.reason}${through}`
  }
}

/**
 * The peer on the same batches with `threads` cores: every split of them between torch's threads
 * and OpenBLAS's (peerThreadSplits) measured, the fastest kept; failed with the reason when none ran.
 */
export function runCorpusSequencePeerAt(data: SequenceBenchData, threads: number): (CorpusPeerFigure & { torchThreads: number; blasThreads: number }) | { failed: string } {
  const folder = mkdtempSync(join(tmpdir(), 'bench-corpus-seq-'))
  try {
    const file = join(folder, 'sequences.json')
    const { dataset } = data
    const size = data.batches * dataset.streams * dataset.window
    writeFileSync(
      file,
      JSON.stringify({
        vocab: data.vocabulary,
        window: dataset.window,
        streams: dataset.streams,
        warmup: CORPUS.warmup,
        batches: data.batches,
        inputs: Array.from(dataset.inputs.subarray(0, size)),
        labels: Array.from(dataset.labels.subarray(0, size)),
        weights: Array.from(dataset.weights.subarray(0, size)),
        starts: Array.from(dataset.startsTune.subarray(0, data.batches * dataset.streams))
      })
    )
    let best: (CorpusPeerFigure & { torchThreads: number; blasThreads: number }) | undefined
    let failure = 'not run'
    for (const split of peerThreadSplits(threads)) {
      console.error(`running the PyTorch corpus peer bench/torch_corpus.py --scheme sequence, torch ${split.torch} thread(s), OpenBLAS ${split.blas}…`)
      const run = spawnSync(python(), [join(BENCH_DIR, 'torch_corpus.py'), file, '--scheme', 'sequence', '--threads', String(split.torch)], {
        encoding: 'utf8',
        env: peerEnvSplit(split)
      })
      if (run.status !== 0) {
        failure = run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`
        continue
      }
      const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>
      const figure = { tokensPerSecond: Number(line['tokens_per_s']), msPerBatch: Number(line['ms_per_batch']), torchThreads: split.torch, blasThreads: split.blas }
      console.error(`  ${figure.msPerBatch.toFixed(1)} ms per batch, ${figure.tokensPerSecond.toFixed(0)} tokens/s`)
      if (!best || figure.tokensPerSecond > best.tokensPerSecond) best = figure
    }
    return best ?? { failed: failure }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
