import { describe, expect, it } from 'vitest'
import {
  ACCURACY_COLOUR,
  EPOCH_INCREMENTS,
  LOSS_COLOUR,
  accuracyTicks,
  epochRange,
  epochTicks,
  legendValue,
  lossTicks,
  runName,
  runStyle,
  seriesLabel,
  songTitle,
  withAlpha
} from './chartFormat'

const percent = (x: number) => `${(x * 100).toFixed(0)} %`

describe('the loss chart’s epoch axis', () => {
  it('steps by whole epochs only', () => {
    expect(EPOCH_INCREMENTS.every((step) => Number.isInteger(step) && step >= 1)).toBe(true)
    expect([...EPOCH_INCREMENTS].sort((a, b) => a - b)).toEqual(EPOCH_INCREMENTS)
  })

  it('labels whole epochs and leaves anything between epochs blank', () => {
    expect(epochTicks([1, 1.5, 2, 2.5, 3])).toEqual(['1', '', '2', '', '3'])
    expect(epochTicks([0, 100, 200])).toEqual(['0', '100', '200'])
  })

  it('spans whole epochs, at least one wide (one point is not drawn at epoch 0.5 to 1.5)', () => {
    expect(epochRange(1, 1)).toEqual([1, 2])
    expect(epochRange(1.2, 19.7)).toEqual([1, 20])
    expect(epochRange(null, null)).toEqual([0, 1])
    expect(epochRange(-0.4, 3)).toEqual([0, 3])
  })
})

describe('the loss and accuracy axes', () => {
  it('write the loss with few digits and the accuracy as a percentage', () => {
    expect(lossTicks([0, 0.5, 1.25, 2.123456])).toEqual(['0', '0.5', '1.25', '2.12'])
    expect(accuracyTicks([0, 0.25, 1], percent)).toEqual(['0 %', '25 %', '100 %'])
  })

  it('give legend values per metric, a dash where a run has no point', () => {
    expect(legendValue(0.123456, 'loss', percent)).toBe('0.1235')
    expect(legendValue(0.874, 'accuracy', percent)).toBe('87 %')
    expect(legendValue(null, 'loss', percent)).toBe('—')
    expect(legendValue(Number.NaN, 'accuracy', percent)).toBe('—')
  })

  it('colour loss and accuracy apart, and tell overlaid runs apart by their line', () => {
    expect(LOSS_COLOUR).not.toBe(ACCURACY_COLOUR)
    expect(runStyle(2, 3)).toEqual({ alpha: 1 })
    expect(runStyle(0, 3).dash).toBeDefined()
    expect(runStyle(0, 3).dash).not.toEqual(runStyle(1, 3).dash)
    expect(withAlpha('#1f6feb', 1)).toBe('#1f6feb')
    expect(withAlpha('#1f6feb', 0.5)).toBe('rgba(31, 111, 235, 0.5)')
  })
})

describe('run names on the chart', () => {
  it('name the song, the model and the epochs', () => {
    expect(runName({ song: 'Nabiya', model: 'stateful-lstm-2f', epochs: '300 epochs' })).toBe('Nabiya · stateful-lstm-2f · 300 epochs')
    expect(seriesLabel('Nabiya · lstm · 20 epochs', 'loss')).toBe('loss (Nabiya · lstm · 20 epochs)')
  })

  it('leave out what is not known, and add a date where asked', () => {
    expect(runName({ model: 'mlp', epochs: '5 epochs' })).toBe('mlp · 5 epochs')
    expect(runName({ song: ' ', model: 'mlp' })).toBe('mlp')
    expect(runName({ song: 'Arirang', model: 'lstm', epochs: '20 epochs', date: '2025-01-02 10:00' })).toBe('Arirang · lstm · 20 epochs · 2025-01-02 10:00')
  })

  it('shorten a long title and drop an empty one', () => {
    expect(songTitle('  Twinkle,\n Twinkle ')).toBe('Twinkle, Twinkle')
    expect(songTitle('')).toBeUndefined()
    expect(songTitle(undefined)).toBeUndefined()
    const long = songTitle('x'.repeat(100), 10)
    expect(long).toBe(`${'x'.repeat(9)}…`)
  })
})
