// The fast CPU path against tfjs's own autodiff: the same loss, the same gradients (to 1e-4
// relative) on random weights and data, the same stateful state, the same Adam step; and a
// model it trained saves, reloads and predicts the same notes through plain tfjs.
import * as tf from '@tensorflow/tfjs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { predictFullSong, predictOneStep } from '../generate/predict'
import { loadTrainedModel, saveTrainedModel } from '../library/modelFiles'
import { disposeModel } from '../models/build'
import { prepareSongTraining, trainOnSong } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { seededRandom } from '../training/random'
import { chooseTrainingPath, GPU_MIN_PARAMS, resolveFastPathSetting } from './choosePath'
import { FastNetwork, planFastNetwork } from './fastNetwork'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

/** Largest difference over the largest magnitude: a relative error for the whole array. */
function relativeError(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  expect(ours.length).toBe(theirs.length)
  let difference = 0
  let scale = 0
  for (let i = 0; i < ours.length; i++) {
    difference = Math.max(difference, Math.abs(ours[i]! - theirs[i]!))
    scale = Math.max(scale, Math.abs(theirs[i]!))
  }
  return difference / (scale || 1)
}

interface Case {
  readonly name: string
  readonly build: () => tf.Sequential
  /** Input shape of all samples together. */
  readonly shape: number[]
  readonly classes: number
  readonly integerInputs?: number
  readonly batches: number[][]
  /** tfjs's wasm backend has no gradient for Embedding (UnsortedSegmentSum): compare with its cpu backend. */
  readonly referenceBackend?: 'cpu'
}

const SAMPLES = 20
const CASES: Case[] = [
  {
    name: 'MLP (Dense relu, relu, softmax)',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 32, activation: 'relu', inputShape: [4] }),
          tf.layers.dense({ units: 24, activation: 'relu' }),
          tf.layers.dense({ units: 12, activation: 'softmax' })
        ]
      }),
    shape: [SAMPLES, 4],
    classes: 12,
    batches: [[0, 3, 5, 7, 9], [1, 2]]
  },
  {
    name: 'LSTM, two features, stateless (hard sigmoid gates)',
    build: () =>
      tf.sequential({
        layers: [tf.layers.lstm({ units: 16, inputShape: [4, 2] }), tf.layers.dense({ units: 12, activation: 'softmax' })]
      }),
    shape: [SAMPLES, 4, 2],
    classes: 12,
    batches: [[0, 3, 5, 7, 9, 11, 13, 15, 17, 19, 1, 2, 4, 6], [8, 10, 12]]
  },
  {
    name: 'stateful LSTM, batch 2, state carried from batch to batch',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({ units: 16, stateful: true, batchInputShape: [2, 4, 1] }),
          tf.layers.dense({ units: 12, activation: 'softmax' })
        ]
      }),
    shape: [SAMPLES, 4, 1],
    classes: 12,
    batches: [[0, 1], [2, 3], [4, 5]]
  },
  {
    name: 'Embedding, two stacked LSTMs (sigmoid gates), Dense tanh, softmax',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 12, outputDim: 8, inputLength: 6 }),
          tf.layers.lstm({ units: 16, returnSequences: true, recurrentActivation: 'sigmoid' }),
          tf.layers.lstm({ units: 20 }),
          tf.layers.dense({ units: 10, activation: 'tanh' }),
          tf.layers.dense({ units: 12, activation: 'softmax' })
        ]
      }),
    shape: [SAMPLES, 6],
    classes: 12,
    integerInputs: 12,
    batches: [[0, 3, 5, 7, 9, 11, 13], [1]],
    referenceBackend: 'cpu'
  }
]

function caseData(testCase: Case, seed: number) {
  const random = seededRandom(seed)
  const size = testCase.shape.reduce((a, b) => a * b, 1)
  const inputs = Array.from({ length: size }, () =>
    testCase.integerInputs ? Math.floor(random() * testCase.integerInputs) : random() * 2 - 1
  )
  const labels = Array.from({ length: SAMPLES }, () => Math.floor(random() * testCase.classes))
  return { inputs, labels }
}

/** tfjs's loss and gradients for one batch, the way the trainer's tfjs path computes them. */
function tfjsGradients(model: tf.LayersModel, testCase: Case, inputs: number[], labels: number[], rows: number[]) {
  return tf.tidy(() => {
    const x = tf.gather(tf.tensor(inputs, testCase.shape), rows)
    const y = tf.oneHot(
      tf.tensor1d(
        rows.map((r) => labels[r]!),
        'int32'
      ),
      testCase.classes
    ).toFloat()
    const { value, grads } = tf.variableGrads(
      () => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar
    )
    return {
      loss: value.dataSync()[0]!,
      gradients: model.trainableWeights.map((weight) => grads[weight.name]!.dataSync())
    }
  })
}

/** Runs a test body with tfjs on the case's reference backend, and back on the chosen one after. */
function onReferenceBackend(testCase: Case, body: () => void): () => Promise<void> {
  return async () => {
    const chosen = tf.getBackend()
    if (testCase.referenceBackend) await tf.setBackend(testCase.referenceBackend)
    try {
      body()
    } finally {
      await tf.setBackend(chosen)
    }
  }
}

describe.each(CASES)('fast path: $name', (testCase) => {
  it('gives tfjs autodiff’s loss and gradients on random weights', onReferenceBackend(testCase, () => {
    const model = testCase.build()
    const { inputs, labels } = caseData(testCase, 11)
    const fast = FastNetwork.fromModel(model, 16)
    if (!fast.ok) throw new Error(fast.reason)
    for (const rows of testCase.batches) {
      const theirs = tfjsGradients(model, testCase, inputs, labels, rows)
      const totals = fast.network.computeGradients(inputs, labels, rows)
      const ours = fast.network.gradientArrays()
      fast.network.clearGradients()
      expect(totals.lossSum / rows.length).toBeCloseTo(theirs.loss, 5)
      expect(ours).toHaveLength(theirs.gradients.length)
      ours.forEach((gradient, i) => expect(relativeError(gradient, theirs.gradients[i]!)).toBeLessThan(1e-4))
      // The gradients are not all zero: the comparison means something.
      expect(Math.max(...ours.map((g) => Math.max(...g.map(Math.abs))))).toBeGreaterThan(1e-3)
    }
    const layer = model.layers[0] as unknown as { stateful?: boolean; states?: tf.Tensor[] }
    if (layer.stateful && layer.states) {
      const [state] = fast.network.lstmStates()
      expect(relativeError(state!.h, layer.states[0]!.dataSync())).toBeLessThan(1e-5)
      expect(relativeError(state!.c, layer.states[1]!.dataSync())).toBeLessThan(1e-5)
      model.resetStates()
    }
    model.dispose()
  }))

  it('takes the same Adam steps as tfjs’s optimiser', onReferenceBackend(testCase, () => {
    const model = testCase.build()
    const { inputs, labels } = caseData(testCase, 12)
    const fast = FastNetwork.fromModel(model, 16)
    if (!fast.ok) throw new Error(fast.reason)
    const before = model.getWeights().map((weight) => weight.dataSync().slice())
    const learningRate = 0.01
    const optimizer = tf.train.adam(learningRate)
    for (const rows of testCase.batches) {
      tf.tidy(() => {
        const x = tf.gather(tf.tensor(inputs, testCase.shape), rows)
        const y = tf.oneHot(
          tf.tensor1d(
            rows.map((r) => labels[r]!),
            'int32'
          ),
          testCase.classes
        ).toFloat()
        optimizer.minimize(() => tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor).mean() as tf.Scalar)
      })
      fast.network.trainBatch(inputs, labels, rows, { learningRate })
    }
    // Adam moves every weight by about ±lr whatever its gradient's size, so a float-sized
    // difference in a near-zero gradient can show as a visible difference in the step: compare
    // the steps taken, in units of the learning rate.
    const ours = fast.network.weightTensors()
    model.getWeights().forEach((weight, i) => {
      const theirs = weight.dataSync()
      const mine = ours[i]!.dataSync()
      let largestStep = 0
      let largestDifference = 0
      for (let j = 0; j < theirs.length; j++) {
        largestStep = Math.max(largestStep, Math.abs(theirs[j]! - before[i]![j]!))
        largestDifference = Math.max(largestDifference, Math.abs(mine[j]! - theirs[j]!))
      }
      expect(largestStep).toBeGreaterThan(learningRate / 2)
      expect(largestDifference / learningRate).toBeLessThan(0.02)
    })
    tf.dispose(ours)
    optimizer.dispose()
    if ((model.layers[0] as unknown as { stateful?: boolean }).stateful) model.resetStates()
    model.dispose()
  }))
})

describe('fast path choice', () => {
  it('refuses what it does not implement, with the reason', () => {
    const gru = tf.sequential({ layers: [tf.layers.gru({ units: 4, inputShape: [3, 1] }), tf.layers.dense({ units: 3, activation: 'softmax' })] })
    expect(planFastNetwork(gru)).toEqual({ ok: false, reason: 'layer GRU is not supported by the fast path' })
    const dropout = tf.sequential({
      layers: [tf.layers.lstm({ units: 4, inputShape: [3, 1], dropout: 0.2 }), tf.layers.dense({ units: 3, activation: 'softmax' })]
    })
    expect(planFastNetwork(dropout)).toMatchObject({ ok: false, reason: 'LSTM dropout is not supported' })
    const linearEnd = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] })
    expect(planFastNetwork(linearEnd)).toMatchObject({ ok: false, reason: 'the model must end in a Dense softmax layer' })
    expect(chooseTrainingPath(gru, 'on').path.name).toBe('tfjs')
    tf.dispose([gru, dropout, linearEnd].flatMap((m) => m.getWeights()))
  })

  it('is automatic on wasm and cpu, asked for elsewhere, and can be switched off', () => {
    const model = CASES[1]!.build()
    expect(chooseTrainingPath(model, 'auto', 'wasm').path.name).toBe('fast-cpu')
    expect(chooseTrainingPath(model, 'auto', 'cpu').path.name).toBe('fast-cpu')
    expect(chooseTrainingPath(model, 'auto', 'tensorflow').path.name).toBe('tfjs')
    expect(chooseTrainingPath(model, 'on', 'tensorflow').path.name).toBe('fast-cpu')
    expect(chooseTrainingPath(model, 'off', 'wasm').path).toEqual({ name: 'tfjs', reason: 'fast path switched off' })
    expect(resolveFastPathSetting(undefined, { MELODY_STUDIO_FAST_PATH: 'off' })).toBe('off')
    expect(resolveFastPathSetting('on', { MELODY_STUDIO_FAST_PATH: 'off' })).toBe('on')
    expect(() => resolveFastPathSetting('fast')).toThrow('fast path must be one of auto, on, off, got fast')
    model.dispose()
  })

  it('with a GPU in use, keeps a small model on the fast path and gives a large one to the GPU', () => {
    const gpu = { tfBackend: 'tensorflow', usesGpu: true }
    const small = CASES[1]!.build()
    expect(small.countParams()).toBeLessThan(GPU_MIN_PARAMS)
    const smallPath = chooseTrainingPath(small, 'auto', gpu)
    expect(smallPath.path.name).toBe('fast-cpu')
    expect(smallPath.plan).toBeDefined()
    expect(smallPath.path.reason).toMatch(/^fast CPU path .*though a GPU is in use: [\d,]+ parameters, under the 1,000,000 from which the GPU is used/)
    // The same model on tfjs-node without a GPU keeps tfjs's path, as before.
    expect(chooseTrainingPath(small, 'auto', { tfBackend: 'tensorflow', usesGpu: false }).path.name).toBe('tfjs')
    // 4 × 512 × (512 + 1 + 1) LSTM weights alone pass the threshold; zeros keep building it cheap.
    const large = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 512, inputShape: [3, 1], kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }),
        tf.layers.dense({ units: 3, activation: 'softmax' })
      ]
    })
    expect(large.countParams()).toBeGreaterThanOrEqual(GPU_MIN_PARAMS)
    expect(planFastNetwork(large).ok).toBe(true)
    expect(chooseTrainingPath(large, 'auto', gpu)).toEqual({
      path: { name: 'tfjs', reason: `tfjs on the GPU: ${large.countParams().toLocaleString('en-US')} parameters, at least the 1,000,000 from which the GPU is used` }
    })
    // Asked for, the fast path runs a large model too; without a GPU, the wasm backend keeps it.
    expect(chooseTrainingPath(large, 'on', gpu).path.name).toBe('fast-cpu')
    expect(chooseTrainingPath(large, 'auto', 'wasm').path.name).toBe('fast-cpu')
    small.dispose()
    large.dispose()
  })
})

describe('a model trained on the fast path', () => {
  it('saves, reloads and predicts the same notes through plain tfjs', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), 'stateful-lstm-2f', { epochs: 300, seed: 5 })
    const { model, outcome, check } = await trainOnSong(setup, { untilPerfect: true, checkEvery: 10 })
    expect(outcome.path.name).toBe('fast-cpu')
    expect(check.fullSong.accuracy).toBe(1)
    const folder = await mkdtemp(join(tmpdir(), 'fast-path-'))
    try {
      await saveTrainedModel(folder, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song })
      const loaded = await loadTrainedModel(folder)
      // tfjs's own predict on the reloaded model, and the fast copy of it: the same notes
      expect(predictOneStep(loaded.model, loaded.info.spec, loaded.info.song, setup.encoding, 'off')).toEqual(check.oneStep)
      expect(predictFullSong(loaded.model, loaded.info.spec, loaded.info.song, setup.encoding, 'off')).toEqual(check.fullSong)
      expect(predictFullSong(loaded.model, loaded.info.spec, loaded.info.song, setup.encoding, 'auto')).toEqual(check.fullSong)
      disposeModel(loaded.model)
    } finally {
      disposeModel(model)
      await rm(folder, { recursive: true, force: true })
    }
  })
})
