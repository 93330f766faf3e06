// The memory trace on 나비야 with the seed's models, really trained: the LSTM cell run by hand
// gives tfjs's own output (stateless) and states (stateful) to 1e-5 at every step; the stateful
// model trained until perfect is sure of every next note; the stateless one sees the two windows
// `e8 e8 e8 e8` as one, the same probabilities for two different next notes (and so the song's three
// other windows that come twice with different notes next: 나비야 has four, not only the seed's one).
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { buildModel, disposeModel } from '../models/build'
import { prepareSongTraining, trainOnSong, type SongTrainingSetup } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { firstLstmCell, sameWindowDifferentNext, traceAlongSong, type MemoryTrace } from './memoryTrace'
import { tfjsPredictor } from './predict'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

function largestDifference(ours: ArrayLike<number> | undefined, theirs: ArrayLike<number>): number {
  expect(ours?.length).toBe(theirs.length)
  let largest = 0
  for (let i = 0; i < theirs.length; i++) largest = Math.max(largest, Math.abs((ours?.[i] ?? Number.NaN) - (theirs[i] ?? 0)))
  return largest
}

/** The features of a step's window, as the model takes them: [1, window, features]. */
function windowTensor(setup: SongTrainingSetup, inputs: readonly number[]): tf.Tensor {
  const features = inputs.map((index) => setup.encoding.encode(index))
  return tf.tensor([features])
}

const codesOf = (setup: SongTrainingSetup, indices: readonly number[]) => indices.map((index) => setup.vocabulary.codes[index])

describe('the stateless LSTM (the seed’s model 2, 2000 epochs on 나비야)', () => {
  const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { epochs: 2000, seed: 5 })
  let model: tf.LayersModel
  let trace: MemoryTrace
  beforeAll(async () => {
    const trained = await trainOnSong(setup, {})
    model = trained.model
    console.log(`lstm after ${trained.outcome.epochsRun} epochs on ${trained.outcome.path.name}: one-step ${(trained.check.oneStep.accuracy * 100).toFixed(0)} %`)
    trace = traceAlongSong(model, setup.spec, setup.song, setup.encoding, { feedBack: false })
  }, 120_000)
  afterAll(() => disposeModel(model))

  it('has h equal to the LSTM layer’s output, and c to its returned state, at every step, from a zero state each window', () => {
    expect(trace.lstm).toEqual({ layer: expect.any(String), units: 128, activation: 'tanh', recurrentActivation: 'hardSigmoid', stateful: false })
    expect(trace.steps).toHaveLength(50)
    const lstm = model.layers.find((layer) => layer.getClassName() === 'LSTM')
    if (!lstm) throw new Error('the lstm preset has an LSTM')
    // A twin of the layer that also returns its state, with the same weights: tfjs's c.
    const config = lstm.getConfig()
    const twin = tf.layers.lstm({ units: 128, activation: 'tanh', recurrentActivation: config['recurrentActivation'] as 'hardSigmoid', returnState: true })
    // Built by its first call (a layer's own build() leaves it unbuilt for apply), then given the weights.
    const first = windowTensor(setup, trace.steps[0]!.inputs)
    tf.dispose([first, twin.apply(first) as tf.Tensor[]])
    twin.setWeights(lstm.getWeights())
    let largestH = 0
    let largestC = 0
    for (const step of trace.steps) {
      const input = windowTensor(setup, step.inputs)
      const output = lstm.apply(input) as tf.Tensor
      const [h, , c] = twin.apply(input) as tf.Tensor[]
      largestH = Math.max(largestH, largestDifference(step.h, output.dataSync()))
      largestH = Math.max(largestH, largestDifference(step.h, h?.dataSync() ?? []))
      largestC = Math.max(largestC, largestDifference(step.c, c?.dataSync() ?? []))
      tf.dispose([input, output, h, c])
    }
    twin.dispose()
    console.log(`stateless: largest difference from tfjs over 50 steps: h ${largestH.toExponential(2)}, c ${largestC.toExponential(2)}`)
    expect(largestH).toBeLessThan(1e-5)
    expect(largestC).toBeLessThan(1e-5)
  })

  it('marks the two windows e8 e8 e8 e8 ambiguous: the same input, the same probabilities, different true next notes', () => {
    const marked = trace.steps.flatMap((step, index) => (step.ambiguousWith.length > 0 ? [index] : []))
    // 나비야 has four such windows, not only e8 e8 e8 e8: the song's own codes say so.
    const windows = [...new Set(marked.map((index) => codesOf(setup, trace.steps[index]!.inputs).join(' ')))]
    console.log(`stateless: ambiguous steps ${marked.join(', ')}: windows ${windows.join(' | ')}`)
    expect(windows).toEqual(['f8 d8 d4 c8', 'e8 e8 e8 f8', 'd8 d8 d8 d8', 'e8 e8 e8 e8'])
    expect(marked).toEqual([3, 14, 17, 27, 28, 34, 35, 36, 44])
    // Nothing but the window reaches a stateless model: wherever a window comes again, its answer and its memory are the same.
    for (const index of marked) {
      const step = trace.steps[index]!
      for (const other of step.ambiguousWith) {
        expect(trace.steps[other]!.inputs).toEqual(step.inputs)
        expect(trace.steps[other]!.truth).not.toBe(step.truth)
        expect(trace.steps[other]!.probabilities).toEqual(step.probabilities)
        expect(trace.steps[other]!.h).toEqual(step.h)
      }
    }
    // The seed's pair: e8 e8 e8 e8, then e8 once and f8 once.
    const pair = trace.steps.flatMap((step, index) => (codesOf(setup, step.inputs).join(' ') === 'e8 e8 e8 e8' ? [index] : []))
    expect(pair).toEqual([34, 35])
    const [first, second] = pair.map((index) => trace.steps[index]!)
    expect(first!.ambiguousWith).toEqual([35])
    expect(second!.ambiguousWith).toEqual([34])
    expect(codesOf(setup, [first!.truth, second!.truth])).toEqual(['e8', 'f8'])
    expect(second!.probabilities).toEqual(first!.probabilities)
    expect(second!.predicted).toBe(first!.predicted)
    // So at most one of the two is right.
    expect([first!, second!].filter((step) => step.predicted === step.truth).length).toBeLessThanOrEqual(1)
    console.log(
      `stateless, steps 34 and 35 (e8 e8 e8 e8 → e8, → f8): predicted ${codesOf(setup, [first!.predicted])[0]} both times, p(e8) ${first!.probabilities[first!.truth]!.toFixed(3)}, p(f8) ${first!.probabilities[second!.truth]!.toFixed(3)}`
    )
  })
})

describe('the stateful LSTM with two features (the seed’s model 4, trained until perfect)', () => {
  const setup = prepareSongTraining(nabiyaNotes(), 'stateful-lstm-2f', { epochs: 300, seed: 5 })
  let model: tf.LayersModel
  beforeAll(async () => {
    const trained = await trainOnSong(setup, { untilPerfect: true, checkEvery: 10 })
    model = trained.model
    expect(trained.check.oneStep.accuracy).toBe(1)
    console.log(`stateful-lstm-2f perfect after ${trained.outcome.epochsRun} epochs on ${trained.outcome.path.name}`)
  }, 120_000)
  afterAll(() => disposeModel(model))

  for (const feedBack of [false, true]) {
    it(`carries h and c as tfjs's layer states carry them, step after step (${feedBack ? 'full song' : 'one-step'})`, () => {
      const trace = traceAlongSong(model, setup.spec, setup.song, setup.encoding, { feedBack })
      expect(trace.lstm?.stateful).toBe(true)
      expect(setup.spec.batchSize).toBe(1)
      const lstm = model.layers[0] as unknown as tf.layers.Layer & { states: tf.Tensor[] }
      expect(lstm.getClassName()).toBe('LSTM')
      // tfjs's own walk: the same windows through the model itself, its states read after each.
      const predictor = tfjsPredictor(model, setup.spec)
      predictor.resetStates()
      let largestH = 0
      let largestC = 0
      let largestP = 0
      for (const step of trace.steps) {
        const probabilities = predictor.probabilities(step.inputs.map((index) => setup.encoding.encode(index)))
        const [h, c] = lstm.states
        largestH = Math.max(largestH, largestDifference(step.h, h?.dataSync() ?? []))
        largestC = Math.max(largestC, largestDifference(step.c, c?.dataSync() ?? []))
        largestP = Math.max(largestP, largestDifference(step.probabilities, probabilities))
      }
      predictor.resetStates()
      predictor.dispose()
      // c is not squashed: it grows past 1, and float32 keeps 7 digits of it, so its bound is relative.
      const cScale = Math.max(1, ...trace.steps.flatMap((step) => Array.from(step.c ?? [], Math.abs)))
      console.log(
        `stateful (${feedBack ? 'full song' : 'one-step'}): largest difference from tfjs's states over ${trace.steps.length} steps: h ${largestH.toExponential(2)}, c ${largestC.toExponential(2)} (|c| up to ${cScale.toFixed(2)}); probabilities ${largestP.toExponential(2)}`
      )
      expect(trace.steps).toHaveLength(50)
      expect(largestH).toBeLessThan(1e-5)
      expect(largestC / cScale).toBeLessThan(1e-5)
      expect(largestP).toBeLessThan(1e-4)
    })
  }

  it('gives the true next note a probability over 0.5 at every step of the one-step walk, the two e8 e8 e8 e8 windows included', () => {
    const trace = traceAlongSong(model, setup.spec, setup.song, setup.encoding, { feedBack: false })
    const sure = trace.steps.map((step) => step.probabilities[step.truth] ?? 0)
    console.log(`stateful, one-step: the true next note's probability is ${Math.min(...sure).toFixed(3)} at least`)
    expect(sure).toHaveLength(50)
    for (const probability of sure) expect(probability).toBeGreaterThan(0.5)
    // The same windows are marked (they are the song's), yet its state tells each pair apart: right both times, another memory each time.
    const marked = trace.steps.flatMap((step, index) => (step.ambiguousWith.length > 0 ? [index] : []))
    expect(marked).toEqual([3, 14, 17, 27, 28, 34, 35, 36, 44])
    for (const index of marked) {
      const step = trace.steps[index]!
      expect(step.predicted).toBe(step.truth)
      for (const other of step.ambiguousWith) expect(largestDifference(step.h, trace.steps[other]!.h!)).toBeGreaterThan(0.01)
    }
  })
})

describe('models the trace reads', () => {
  it('gives an MLP’s probabilities with no state, and says why', () => {
    const setup = prepareSongTraining(nabiyaNotes(), 'mlp', { seed: 5 })
    const model = buildModel(setup.spec)
    try {
      expect(firstLstmCell(model)).toEqual({ ok: false, reason: 'the model has no LSTM layer: it keeps no state' })
      const trace = traceAlongSong(model, setup.spec, setup.song, setup.encoding, { feedBack: true, maxSteps: 7 })
      expect(trace.lstm).toBeNull()
      expect(trace.noState).toMatch(/no LSTM/)
      expect(trace.totalSteps).toBe(50)
      expect(trace.steps).toHaveLength(7)
      for (const step of trace.steps) {
        expect(step.h).toBeUndefined()
        expect(step.probabilities).toHaveLength(setup.spec.classes)
        expect(step.probabilities.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5)
      }
    } finally {
      disposeModel(model)
    }
  })

  it('runs an LSTM fed by an Embedding as tfjs does (token ids looked up first), and names the recurrent layers it does not trace', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({ inputDim: 14, outputDim: 8, inputLength: 4 }),
        tf.layers.lstm({ units: 16, recurrentActivation: 'sigmoid' }),
        tf.layers.dense({ units: 14, activation: 'softmax' })
      ]
    })
    const found = firstLstmCell(model)
    if (!found.ok) throw new Error(found.reason)
    expect(found.cell.description).toMatchObject({ units: 16, recurrentActivation: 'sigmoid', stateful: false })
    let largest = 0
    for (const window of [
      [9, 9, 9, 9],
      [0, 13, 4, 7],
      [2, 2, 11, 5]
    ]) {
      found.cell.reset()
      found.cell.run(window.map((token) => [token]))
      const input = tf.tensor2d([window])
      const output = tf.tidy(() => (model.layers[1]!.apply(model.layers[0]!.apply(input)) as tf.Tensor).dataSync())
      largest = Math.max(largest, largestDifference(found.cell.h, output))
      input.dispose()
    }
    expect(largest).toBeLessThan(1e-5)
    model.dispose()
    const gru = tf.sequential({ layers: [tf.layers.gru({ units: 4, inputShape: [4, 1] }), tf.layers.dense({ units: 3, activation: 'softmax' })] })
    expect(firstLstmCell(gru)).toEqual({ ok: false, reason: "its recurrent layer is a GRU: only an LSTM's state is traced" })
    gru.dispose()
  })

  it('marks a window only against steps with a different note next', () => {
    const steps = [
      { inputs: [1, 2], truth: 3 },
      { inputs: [1, 2], truth: 3 },
      { inputs: [1, 2], truth: 4 },
      { inputs: [2, 1], truth: 4 }
    ]
    expect(sameWindowDifferentNext(steps)).toEqual([[2], [2], [0, 1], []])
  })
})
