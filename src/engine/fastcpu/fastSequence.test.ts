// The fast path's per-step mode (sequence training) against tfjs's autodiff: one stateful
// sequence batch's masked mean cross-entropy and every weight gradient, with masked steps, the
// state carried into a second batch and zeroed on one of its rows.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskedSequenceLoss } from '../training/sequenceRunner'
import { resetStateRows } from '../training/trainer'
import { seededRandom } from '../training/random'
import { FastNetwork, planFastNetwork } from './fastNetwork'

let chosen = ''
beforeAll(async () => {
  chosen = tf.getBackend()
  // tfjs's wasm backend has no gradient for Embedding: compare with its cpu backend
  await tf.setBackend('cpu')
})
afterAll(async () => {
  if (chosen) await tf.setBackend(chosen)
})

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

const ROWS = 3
const STEPS = 6
const CLASSES = 12

function build(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: CLASSES, outputDim: 8, batchInputShape: [ROWS, STEPS] }),
      tf.layers.lstm({ units: 16, returnSequences: true, stateful: true, recurrentActivation: 'sigmoid' }),
      tf.layers.lstm({ units: 10, returnSequences: true, stateful: true }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' })
    ]
  })
}

describe('fast path, per-step (sequence) mode', () => {
  it('plans a Dense softmax on a returnSequences LSTM as per-step, and refuses it elsewhere on a sequence', () => {
    const model = build()
    const planned = planFastNetwork(model)
    expect(planned.ok && planned.plan.perStep).toBe(true)
    const middle = tf.sequential({
      layers: [
        tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [3, 1] }),
        tf.layers.dense({ units: 4, activation: 'tanh' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' })
      ]
    })
    expect(planFastNetwork(middle).ok).toBe(false)
    model.dispose()
    middle.dispose()
  })

  it('gives tfjs’s masked loss and gradients, with the state carried and reset per row', () => {
    const model = build()
    const random = seededRandom(21)
    const samples = 2 * ROWS
    const inputs = Array.from({ length: samples * STEPS }, () => Math.floor(random() * CLASSES))
    const labels = Array.from({ length: samples * STEPS }, () => Math.floor(random() * CLASSES))
    // masked: the tail of row 2 in batch 0, the head of row 0 in batch 1, a whole row in batch 1
    const weights = Array.from({ length: samples * STEPS }, (_, i): number => {
      const sample = Math.floor(i / STEPS)
      const t = i % STEPS
      if (sample === 2 && t >= 4) return 0
      if (sample === 3 && t < 2) return 0
      if (sample === 5) return 0
      return 1
    })
    const fast = FastNetwork.fromModel(model, ROWS)
    if (!fast.ok) throw new Error(fast.reason)
    const network = fast.network
    for (const [k, resetRows] of [[0, []], [1, [1]]] as const) {
      const rows = Array.from({ length: ROWS }, (_, r) => k * ROWS + r)
      resetStateRows(model, resetRows)
      network.resetRows(resetRows)
      const theirs = tf.tidy(() => {
        const x = tf.tensor2d(inputs.slice(k * ROWS * STEPS, (k + 1) * ROWS * STEPS), [ROWS, STEPS])
        const y = tf.tensor2d(labels.slice(k * ROWS * STEPS, (k + 1) * ROWS * STEPS), [ROWS, STEPS], 'int32')
        const w = tf.tensor2d(weights.slice(k * ROWS * STEPS, (k + 1) * ROWS * STEPS), [ROWS, STEPS])
        const { value, grads } = tf.variableGrads(() => maskedSequenceLoss(model.apply(x, { training: true }) as tf.Tensor, y, w, CLASSES).loss)
        return { loss: value.dataSync()[0]!, gradients: model.trainableWeights.map((weight) => grads[weight.name]!.dataSync()) }
      })
      const totals = network.computeSequenceGradients(inputs, labels, weights, rows)
      const unmasked = weights.slice(k * ROWS * STEPS, (k + 1) * ROWS * STEPS).reduce((a, b) => a + b, 0)
      expect(totals.steps).toBe(unmasked)
      expect(totals.lossSum / totals.steps).toBeCloseTo(theirs.loss, 5)
      const ours = network.gradientArrays()
      network.clearGradients()
      expect(ours).toHaveLength(theirs.gradients.length)
      ours.forEach((gradient, i) => expect(relativeError(gradient, theirs.gradients[i]!)).toBeLessThan(1e-4))
      expect(Math.max(...ours.map((g) => Math.max(...g.map(Math.abs))))).toBeGreaterThan(1e-3)
      // the kept state is tfjs's
      network.lstmStates().forEach((state, i) => {
        const layer = model.layers[i + 1] as unknown as { states: tf.Tensor[] }
        expect(relativeError(state.h, layer.states[0]!.dataSync())).toBeLessThan(1e-5)
      })
    }
    // a masked step's label does not count: changing it changes nothing
    network.resetStates()
    const before = network.evaluateSequence(inputs, labels, weights, [0, 1, 2])
    network.resetStates()
    const moved = labels.slice()
    moved[2 * STEPS + 5] = (moved[2 * STEPS + 5]! + 1) % CLASSES
    const after = network.evaluateSequence(inputs, moved, weights, [0, 1, 2])
    expect(after.lossSum).toBe(before.lossSum)
    model.resetStates()
    model.dispose()
  })
})
