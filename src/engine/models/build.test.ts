import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { OptionError } from '../errors'
import { buildModel, disposeModel } from './build'
import { SEED_MODEL_KINDS } from '../../shared/studioNames'
import { countSpecParams, resolveModelSpec } from './spec'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

describe('seed models', () => {
  // Keras's figures for the same layers: Dense(128) on 4 inputs 640, Dense(128) 16,512,
  // LSTM(128) on 1 feature 66,560 and on 2 features 67,072, Dense(12) on 128 inputs 1,548.
  const expected = { mlp: 18_700, lstm: 68_108, 'stateful-lstm': 68_108, 'stateful-lstm-2f': 68_620 }

  it.each(SEED_MODEL_KINDS)('%s has Keras\'s parameter count', (kind) => {
    const spec = resolveModelSpec(kind, {}, 12)
    const model = buildModel(spec)
    expect(model.countParams()).toBe(expected[kind])
    expect(countSpecParams(spec)).toBe(expected[kind])
    disposeModel(model)
    // The count without building matches the built model for other options too.
    const other = resolveModelSpec(kind, { units: 24, window: 6 }, 9)
    const built = buildModel(other)
    expect(countSpecParams(other)).toBe(built.countParams())
    disposeModel(built)
  })

  it('counts an LSTM(128) on one feature at 66,560 parameters', () => {
    const model = buildModel(resolveModelSpec('lstm', {}, 12))
    expect(model.layers[0]?.countParams()).toBe(66_560)
    disposeModel(model)
  })

  it('uses the seed\'s hyperparameters by default', () => {
    expect(resolveModelSpec('mlp', {}, 12)).toMatchObject({ units: 128, window: 4, batchSize: 10, shuffle: true, epochs: 2000, learningRate: 1e-3, seed: 5 })
    expect(resolveModelSpec('lstm', {}, 12)).toMatchObject({ batchSize: 14, stateful: false, encoding: 'index' })
    expect(resolveModelSpec('stateful-lstm', {}, 12)).toMatchObject({ batchSize: 1, stateful: true, shuffle: false })
    expect(resolveModelSpec('stateful-lstm-2f', {}, 12)).toMatchObject({ batchSize: 1, stateful: true, encoding: 'pitch-length' })
  })

  it('builds the same weights from the same seed, other weights from another', () => {
    const weightsOf = (seed: number) => {
      const model = buildModel(resolveModelSpec('stateful-lstm', { seed, units: 8 }, 12))
      const values = model.getWeights().map((w) => Array.from(w.dataSync()))
      disposeModel(model)
      return values
    }
    expect(weightsOf(5)).toEqual(weightsOf(5))
    expect(weightsOf(5)).not.toEqual(weightsOf(6))
  })

  it('lets an LSTM be stateful or not and take one or two features, whatever its preset', () => {
    expect(resolveModelSpec('lstm', { stateful: true }, 12)).toMatchObject({ stateful: true, batchSize: 1, shuffle: false, encoding: 'index' })
    expect(resolveModelSpec('stateful-lstm', { stateful: false }, 12)).toMatchObject({ stateful: false, batchSize: 14, shuffle: true })
    expect(resolveModelSpec('stateful-lstm', { twoFeatures: true }, 12)).toMatchObject({ stateful: true, encoding: 'pitch-length' })
    expect(resolveModelSpec('stateful-lstm-2f', { twoFeatures: false }, 12)).toMatchObject({ encoding: 'index' })
    expect(() => resolveModelSpec('mlp', { stateful: true }, 12)).toThrow(/an MLP has no state to keep/)
  })

  it('refuses options out of range, naming them', () => {
    expect(() => resolveModelSpec('mlp', { epochs: 0 }, 12)).toThrow(OptionError)
    expect(() => resolveModelSpec('mlp', { epochs: -5 }, 12)).toThrow(/epochs must be a whole number ≥ 1, got -5/)
    expect(() => resolveModelSpec('mlp', { window: 0 }, 12)).toThrow(/window must be/)
    expect(() => resolveModelSpec('mlp', { learningRate: Number.NaN }, 12)).toThrow(/learning rate must be a number > 0, got NaN/)
    expect(() => resolveModelSpec('mlp', { learningRate: 0 }, 12)).toThrow(OptionError)
    expect(() => resolveModelSpec('mlp', { units: 1.5 }, 12)).toThrow(/units/)
    expect(() => resolveModelSpec('mlp', { batchSize: 0 }, 12)).toThrow(/batch size/)
  })
})
