import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { TrainingCancelledError } from '../errors'
import { buildModel, disposeModel } from '../models/build'
import type { ModelKind } from '../models/spec'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { LambdaCallback } from './callbacks'
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
  it('reports every epoch with loss, accuracy, elapsed, time left and samples/s, timing the batches only', async () => {
    const { setup, model } = smallSetup('lstm', 5)
    const events: EpochProgress[] = []
    // A clock of the test's own: 10 ms pass per batch, and 1000 in every epoch's callbacks
    // (which must not count as training time).
    let now = 0
    const passTime = new LambdaCallback({
      onBatchEnd: () => {
        now += 10
      },
      onEpochEnd: () => {
        now += 1000
      }
    })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, onEpochEnd: (p) => events.push(p), callbacks: [passTime], clock: () => now })
    disposeModel(model)
    const batches = Math.ceil(setup.dataset.labels.length / setup.spec.batchSize)
    const epochMs = 10 * batches
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
    expect(events.map((e) => e.elapsedMs)).toEqual([1, 2, 3, 4, 5].map((epoch) => epoch * epochMs))
    expect(events.map((e) => e.etaMs)).toEqual([4, 3, 2, 1, 0].map((left) => left * epochMs))
    expect(events.map((e) => e.samplesPerSecond)).toEqual(events.map(() => setup.dataset.labels.length / (epochMs / 1000)))
    expect(outcome.trainMs).toBe(5 * epochMs)
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

  /** Aborts the signal after batch `batch` of epoch `epoch`, recording every batch run as "epoch:batch". */
  function abortAtBatch(abort: AbortController, epoch: number, batch: number, batchesRun: string[]) {
    return new LambdaCallback({
      onBatchEnd: (index, context) => {
        batchesRun.push(`${context.epoch}:${index}`)
        if (context.epoch === epoch && index === batch) abort.abort()
      }
    })
  }

  it('stops at the next batch when the signal is aborted mid-epoch, runs no batch after it, and frees its tensors', async () => {
    const { setup, model } = smallSetup('stateful-lstm', 100)
    const batchesPerEpoch = setup.dataset.labels.length / setup.spec.batchSize
    expect(batchesPerEpoch).toBe(50)
    const afterBuild = tf.memory().numTensors
    const abort = new AbortController()
    const batchesRun: string[] = []
    const epochsEnded: number[] = []
    const run = trainModel(model, setup.spec, setup, {
      fastPath,
      signal: abort.signal,
      onEpochEnd: (p) => epochsEnded.push(p.epoch),
      callbacks: [abortAtBatch(abort, 3, 9, batchesRun)]
    })
    await expect(run).rejects.toThrow(TrainingCancelledError)
    await expect(run).rejects.toMatchObject({ epochsDone: 2 })
    // Two whole epochs, then the ten batches of the third up to the abort, and not one more.
    expect(epochsEnded).toEqual([1, 2])
    expect(batchesRun).toHaveLength(2 * batchesPerEpoch + 10)
    expect(batchesRun.at(-1)).toBe('3:9')
    expect(tf.memory().numTensors).toBe(afterBuild)
    disposeModel(model)
  })

  it('keeps the work of a run stopped mid-epoch, the batches since the last whole epoch included', async () => {
    const { setup, model } = smallSetup('stateful-lstm', 100)
    const afterBuild = tf.memory().numTensors
    const abort = new AbortController()
    let atEpoch2: Float32Array[] = []
    const keepEpoch2 = new LambdaCallback({
      onEpochEnd: (progress, context) => {
        if (progress.epoch !== 2) return
        context.syncModel()
        atEpoch2 = model.getWeights().map((weight) => weight.dataSync().slice() as Float32Array)
      }
    })
    const outcome = await trainModel(model, setup.spec, setup, {
      fastPath,
      signal: abort.signal,
      keepOnStop: true,
      callbacks: [keepEpoch2, abortAtBatch(abort, 3, 9, [])]
    })
    expect(outcome.stoppedByUser).toEqual({ epoch: 2 })
    expect(outcome.epochsRun).toBe(2)
    expect(outcome.weightsEpoch).toBe(2)
    // The model holds epoch 2's weights moved on by the ten batches of epoch 3.
    const final = model.getWeights().map((weight) => weight.dataSync())
    expect(final.some((values, i) => values.some((value, j) => value !== atEpoch2[i]![j]))).toBe(true)
    expect(tf.memory().numTensors).toBe(afterBuild)
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
