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

function setup(batchSize = 1, samples = 6) {
  // A learning rate this small leaves the weights as they were (to float precision), so the
  // state after training can be compared with a forward pass of the untouched model.
  const spec: ModelSpec = resolveModelSpec('stateful-lstm', { units: 8, learningRate: 1e-12, batchSize }, 12)
  const encoding = makeInputEncoding('index', SEED_VOCABULARY)
  const song = indexNotes(nabiyaNotes(), SEED_VOCABULARY).slice(0, samples + 4)
  const dataset = buildWindowDataset(song, 4, encoding)
  return { spec, dataset, model: buildModel(spec) }
}

function expectClose(actual: number[][], expected: number[][]) {
  expect(actual.length).toBe(expected.length)
  actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i]?.[j] ?? NaN, 5)))
}

describe('stateful training', () => {
  it('carries the state from each batch into the next within an epoch', async () => {
    const { spec, dataset, model } = setup()
    const tensors = sampleTensors(spec, dataset)
    const optimizer = tf.train.adam(spec.learningRate)
    model.resetStates()
    await trainEpoch(model, optimizer, tensors, epochBatches(spec, 6, Math.random))
    const afterEpoch = lstmState(model)

    // The same six windows, one after the other, from a zero state with no training.
    model.resetStates()
    for (let i = 0; i < 6; i++) tf.dispose(model.predictOnBatch(tensors.xs.slice(i, 1)))
    const carried = lstmState(model)
    // Only the last window, from a zero state: what the state would be without carrying.
    model.resetStates()
    tf.dispose(model.predictOnBatch(tensors.xs.slice(5, 1)))
    const lastOnly = lstmState(model)

    expectClose(afterEpoch, carried)
    expect(Math.max(...afterEpoch[0]!.map((v, i) => Math.abs(v - lastOnly[0]![i]!)))).toBeGreaterThan(1e-3)
    tf.dispose([tensors.xs, tensors.labels, tensors.ys])
    optimizer.dispose()
    disposeModel(model)
  })

  it('is exactly zero after a reset', async () => {
    const { spec, dataset, model } = setup()
    const tensors = sampleTensors(spec, dataset)
    const optimizer = tf.train.adam(spec.learningRate)
    await trainEpoch(model, optimizer, tensors, epochBatches(spec, 6, Math.random))
    expect(lstmState(model).flat().some((v) => v !== 0)).toBe(true)
    model.resetStates()
    expect(lstmState(model).flat().every((v) => v === 0)).toBe(true)
    tf.dispose([tensors.xs, tensors.labels, tensors.ys])
    optimizer.dispose()
    disposeModel(model)
  })

  it('keeps one state per batch row: row r of batch k continues row r of batch k − 1', async () => {
    const { spec, dataset, model } = setup(2, 6)
    expect(epochBatches(spec, 6, Math.random)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5]
    ])
    const tensors = sampleTensors(spec, dataset)
    const optimizer = tf.train.adam(spec.learningRate)
    model.resetStates()
    await trainEpoch(model, optimizer, tensors, epochBatches(spec, 6, Math.random))
    const afterEpoch = lstmState(model)
    model.resetStates()
    for (let k = 0; k < 3; k++) tf.dispose(model.predictOnBatch(tensors.xs.slice(2 * k, 2)))
    expectClose(afterEpoch, lstmState(model))
    expect(() => epochBatches(resolveModelSpec('stateful-lstm', { batchSize: 7 }, 12), 50, Math.random)).toThrow(
      /batch size 7 does not divide 50/
    )
    tf.dispose([tensors.xs, tensors.labels, tensors.ys])
    optimizer.dispose()
    disposeModel(model)
  })
})
