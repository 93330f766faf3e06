import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { TrainingCancelledError } from '../errors'
import { buildModel, disposeModel } from '../models/build'
import type { ModelKind } from '../models/spec'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { trainModel, type EpochProgress } from './trainer'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

function smallSetup(kind: ModelKind, epochs: number) {
  const setup = prepareSongTraining(nabiyaNotes(), kind, { epochs, units: 16 })
  return { setup, model: buildModel(setup.spec) }
}

// 'auto' takes the fast CPU path on this machine's backend; 'off' keeps tfjs's own operations.
describe.each(['auto', 'off'] as const)('trainer (fast path %s)', (fastPath) => {
  it('reports every epoch with loss, accuracy, elapsed, time left and samples/s', async () => {
    const { setup, model } = smallSetup('lstm', 5)
    const events: EpochProgress[] = []
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, onEpochEnd: (p) => events.push(p) })
    disposeModel(model)
    expect(outcome.path.name).toBe(fastPath === 'off' ? 'tfjs' : 'fast-cpu')
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5])
    expect(outcome.history).toEqual(events)
    for (const event of events) {
      expect(event.epochs).toBe(5)
      expect(event.loss).toBeGreaterThan(0)
      expect(event.accuracy).toBeGreaterThanOrEqual(0)
      expect(event.accuracy).toBeLessThanOrEqual(1)
      expect(event.samplesPerSecond).toBeGreaterThan(0)
    }
    expect(events.at(-1)?.etaMs).toBe(0)
    expect(events[0]!.etaMs).toBeGreaterThan(0)
    expect(events.map((e) => e.elapsedMs)).toEqual([...events.map((e) => e.elapsedMs)].sort((a, b) => a - b))
    // The loss of the seed's first epochs: ln(12) ≈ 2.48 for a uniform guess, then falling.
    expect(events[0]!.loss).toBeGreaterThan(2)
    expect(events[0]!.loss).toBeLessThan(3)
  })

  it.each(['mlp', 'lstm', 'stateful-lstm', 'stateful-lstm-2f'] as const)('%s leaks no tensors across epochs', async (kind) => {
    const before = tf.memory().numTensors
    const { setup, model } = smallSetup(kind, 6)
    const afterBuild = tf.memory().numTensors
    const counts: number[] = []
    await trainModel(model, setup.spec, setup, {
      fastPath,
      onEpochEnd: () => counts.push(tf.memory().numTensors),
      untilPerfect: true,
      checkEvery: 2
    })
    // Adam's slots appear in the first epoch; from then on the count stays flat.
    expect(new Set(counts.slice(1)).size).toBe(1)
    expect(tf.memory().numTensors).toBe(afterBuild)
    disposeModel(model)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('stops between batches when cancelled, and frees its tensors', async () => {
    const { setup, model } = smallSetup('stateful-lstm', 100)
    const afterBuild = tf.memory().numTensors
    const abort = new AbortController()
    const run = trainModel(model, setup.spec, setup, {
      fastPath,
      signal: abort.signal,
      onEpochEnd: (p) => {
        if (p.epoch === 2) abort.abort()
      }
    })
    await expect(run).rejects.toThrow(TrainingCancelledError)
    await expect(run).rejects.toMatchObject({ epochsDone: 2 })
    expect(tf.memory().numTensors).toBe(afterBuild)
    disposeModel(model)
  })

  it('stops within a batch or two when cancelled from outside mid-epoch', async () => {
    const { setup, model } = smallSetup('stateful-lstm', 1_000_000)
    const abort = new AbortController()
    let epochs = 0
    const run = trainModel(model, setup.spec, setup, { fastPath, signal: abort.signal, onEpochEnd: () => epochs++ })
    setTimeout(() => abort.abort(), 150)
    const started = performance.now()
    await expect(run).rejects.toThrow(TrainingCancelledError)
    expect(epochs).toBeLessThan(1_000_000)
    // Reported, not asserted as a limit: timing belongs to the benchmark.
    console.log(`cancelled ${(performance.now() - started).toFixed(0)} ms after the call, after ${epochs} epochs`)
    disposeModel(model)
  })

  it('stops early once one-step and full-song are perfect, checking every K epochs', async () => {
    const setup = prepareSongTraining(nabiyaNotes().slice(0, 12), 'stateful-lstm-2f', { epochs: 500, units: 32 })
    const model = buildModel(setup.spec)
    const checked: number[] = []
    const outcome = await trainModel(model, setup.spec, setup, {
      fastPath,
      untilPerfect: true,
      checkEvery: 5,
      onCheck: (c) => checked.push(c.epoch)
    })
    disposeModel(model)
    expect(outcome.perfectAtEpoch).toBeDefined()
    expect(outcome.epochsRun).toBe(outcome.perfectAtEpoch)
    expect(outcome.epochsRun).toBeLessThan(500)
    expect(checked.every((epoch) => epoch % 5 === 0)).toBe(true)
    expect(checked.at(-1)).toBe(outcome.perfectAtEpoch)
  })
})
