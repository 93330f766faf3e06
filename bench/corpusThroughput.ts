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
  chooseTrainingPath,
  corpusWindows,
  FastNetwork,
  seededRandom,
  shuffledOrder,
  type FastPathSetting
} from '../src/engine'
import { atBestThreadCount, BENCH_DIR, peerEnv, python, SHARED, type ThreadedFigures } from './peer'

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

function buildTokenModel(vocabulary: number): tf.Sequential {
  // sigmoid gates, as torch.nn.LSTM has them (tfjs's default is the hard sigmoid); built in a tidy
  // because tfjs-layers' initialisers leave intermediate tensors behind
  let model: tf.Sequential | undefined
  tf.tidy(() => {
    model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: vocabulary, outputDim: CORPUS.embedding, inputLength: CORPUS.window }),
        tf.layers.lstm({ units: CORPUS.units, returnSequences: true, recurrentActivation: 'sigmoid' }),
        tf.layers.lstm({ units: CORPUS.units, recurrentActivation: 'sigmoid' }),
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
    path: failure ? `${chosen.path.reason}; failed: ${failure}` : chosen.path.reason
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
