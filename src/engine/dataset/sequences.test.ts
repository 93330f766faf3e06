import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OptionError } from '../errors'
import { sharedPath } from '../testing/seedSong'
import { abcCorpusTokens } from './corpus'
import { buildSequenceDataset, sequenceStartRows, type SequenceDataset } from './sequences'

/**
 * Reads the dataset back lane by lane, as the trainer walks it: every real step must be the next
 * pair of the tune that started at the last startsTune of its lane, the padding masked, and
 * every tune found exactly once.
 */
function checkDataset(tunes: readonly (readonly number[])[], dataset: SequenceDataset): void {
  const { window: W, streams: S, batches } = dataset
  expect(dataset.inputs.length).toBe(batches * S * W)
  const found: number[][] = []
  for (let lane = 0; lane < S; lane++) {
    let current: number[] | undefined
    let expectedNext = 0
    for (let k = 0; k < batches; k++) {
      const sample = k * S + lane
      if (dataset.startsTune[sample]) {
        current = []
        found.push(current)
        expectedNext = 0
      }
      for (let t = 0; t < W; t++) {
        const at = sample * W + t
        if (dataset.weights[at] === 0) {
          // padding: input 0, label 0, after the tune's last step
          expect([dataset.inputs[at], dataset.labels[at], dataset.positions[at]]).toEqual([0, 0, 0])
          if (current) expectedNext = -1
          continue
        }
        expect(dataset.weights[at]).toBe(1)
        expect(current).toBeDefined()
        // a real step never follows padding within a tune, and positions count on
        expect(expectedNext).toBeGreaterThanOrEqual(0)
        expect(dataset.positions[at]).toBe(expectedNext + 1)
        if (expectedNext === 0) current!.push(dataset.inputs[at]!)
        else expect(dataset.inputs[at]).toBe(current!.at(-1))
        current!.push(dataset.labels[at]!)
        expectedNext++
      }
    }
  }
  // startsTune exactly where tunes start (at window boundaries) and nowhere else
  expect(dataset.startsTune.reduce((a, b) => a + b, 0)).toBe(found.length)
  const usable = tunes.filter((tune) => tune.length >= 2)
  const key = (tune: readonly number[]) => tune.join(',')
  expect(found.map(key).sort()).toEqual(usable.map(key).sort())
  expect(dataset.steps).toBe(usable.reduce((sum, tune) => sum + tune.length - 1, 0))
  expect(dataset.weights.reduce((a, b) => a + b, 0)).toBe(dataset.steps)
}

describe('sequence dataset', () => {
  const jigs = abcCorpusTokens(readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'), 'utf8')).tunes.map((tune) => tune.tokens)

  it('holds every step of every jig once, each label the next token of its tune', () => {
    const dataset = buildSequenceDataset(jigs, 32, 16)
    checkDataset(jigs, dataset)
    expect(dataset.tunes).toBe(jigs.length)
    // dealt longest first to the shortest lane: the filling is under one window per tune a lane holds
    const padding = dataset.inputs.length - dataset.steps
    expect(padding / dataset.inputs.length).toBeLessThan(0.2)
  })

  it('marks the rows to zero in each batch', () => {
    const dataset = buildSequenceDataset([[1, 2, 3], [4, 5, 6, 7, 8], [9, 10]], 2, 2)
    // lane 0: the 5-token tune (2 windows); lane 1: the 3-token tune (1 window), then the 2-token one
    expect(dataset.batches).toBe(2)
    expect(sequenceStartRows(dataset, 0)).toEqual([0, 1])
    expect(sequenceStartRows(dataset, 1)).toEqual([1])
    expect(Array.from(dataset.inputs)).toEqual([4, 5, 1, 2, 6, 7, 9, 0])
    expect(Array.from(dataset.labels)).toEqual([5, 6, 2, 3, 7, 8, 10, 0])
    expect(Array.from(dataset.weights)).toEqual([1, 1, 1, 1, 1, 1, 1, 0])
  })

  it('keeps every token of any tunes, any window and any streams (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        (tunes, window, streams) => {
          const usable = tunes.filter((tune) => tune.length >= 2).length
          if (usable < streams) {
            expect(() => buildSequenceDataset(tunes, window, streams)).toThrow(OptionError)
            if (usable === 0) return
            checkDataset(tunes, buildSequenceDataset(tunes, window, streams, { emptyLanes: true }))
            return
          }
          checkDataset(tunes, buildSequenceDataset(tunes, window, streams))
        }
      ),
      { numRuns: 300 }
    )
  })
})
