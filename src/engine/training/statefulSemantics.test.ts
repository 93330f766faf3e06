import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { buildWindowDataset } from '../dataset/windows'
import { buildModel, disposeModel } from '../models/build'
import { resolveModelSpec, type ModelSpec } from '../models/spec'
import { indexNotes, makeInputEncoding, SEED_VOCABULARY } from '../notation/vocabulary'
import { nabiyaNotes } from '../testing/seedSong'
import { epochBatches } from './batches'
import { sampleTensors, trainEpoch } from './trainer'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

/** The LSTM layer's [h, c] state, as plain numbers. */
function lstmState(model: tf.LayersModel): number[][] {
  const layer = model.layers[0] as unknown as { states: tf.Tensor[] }
  return layer.states.map((state) => Array.from(state.dataSync()))
}

/**
 * One epoch of a small stateful model over the first six windows of 나비야, from a zero state.
 * A learning rate this small leaves the weights as they were (to float precision), so the state
 * after training can be compared with forward passes of the untouched model.
 */
async function trainOneEpoch(batchSize: number) {
  const spec: ModelSpec = resolveModelSpec('stateful-lstm', { units: 8, learningRate: 1e-12, batchSize }, 12)
  const encoding = makeInputEncoding('index', SEED_VOCABULARY)
  const song = indexNotes(nabiyaNotes(), SEED_VOCABULARY).slice(0, 10)
  const model = buildModel(spec)
  const tensors = sampleTensors(spec, buildWindowDataset(song, 4, encoding))
  const optimizer = tf.train.adam(spec.learningRate)
  const batches = epochBatches(spec, 6, Math.random)
  model.resetStates()
  await trainEpoch(model, optimizer, tensors, batches)
  return {
    model,
    batches,
    xs: tensors.xs,
    afterEpoch: lstmState(model),
    dispose() {
      tf.dispose([tensors.xs, tensors.labels])
      optimizer.dispose()
      disposeModel(model)
    }
  }
}

function expectClose(actual: number[][], expected: number[][]) {
  expect(actual.length).toBe(expected.length)
  actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i]?.[j] ?? NaN, 5)))
}

describe('stateful training', () => {
  it('carries the state from each batch into the next within an epoch', async () => {
    const { model, xs, afterEpoch, dispose } = await trainOneEpoch(1)
    // The same six windows, one after the other, from a zero state with no training.
    model.resetStates()
    for (let i = 0; i < 6; i++) tf.dispose(model.predictOnBatch(xs.slice(i, 1)))
    const carried = lstmState(model)
    // Only the last window, from a zero state: what the state would be without carrying.
    model.resetStates()
    tf.dispose(model.predictOnBatch(xs.slice(5, 1)))
    const lastOnly = lstmState(model)

    expectClose(afterEpoch, carried)
    expect(Math.max(...afterEpoch[0]!.map((v, i) => Math.abs(v - lastOnly[0]![i]!)))).toBeGreaterThan(1e-3)
    dispose()
  })

  it('is exactly zero after a reset', async () => {
    const { model, afterEpoch, dispose } = await trainOneEpoch(1)
    expect(afterEpoch.flat().some((v) => v !== 0)).toBe(true)
    model.resetStates()
    expect(lstmState(model).flat().every((v) => v === 0)).toBe(true)
    dispose()
  })

  it('keeps one state per batch row: row r of batch k continues row r of batch k − 1', async () => {
    const { model, xs, batches, afterEpoch, dispose } = await trainOneEpoch(2)
    expect(batches).toEqual([
      [0, 1],
      [2, 3],
      [4, 5]
    ])
    model.resetStates()
    for (let k = 0; k < 3; k++) tf.dispose(model.predictOnBatch(xs.slice(2 * k, 2)))
    expectClose(afterEpoch, lstmState(model))
    expect(() => epochBatches(resolveModelSpec('stateful-lstm', { batchSize: 7 }, 12), 50, Math.random)).toThrow(
      /batch size 7 does not divide 50/
    )
    dispose()
  })
})
