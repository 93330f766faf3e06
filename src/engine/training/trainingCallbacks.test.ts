// Callbacks as objects: hooks called in order and awaited, a callback of the caller's that stops
// the run, changes the learning rate or picks the weights to end on, and each built-in used as
// an instance (the shorthand options build the same ones: callbacks.test.ts covers those).
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import type { WindowDataset } from '../dataset/windows'
import { buildModel, disposeModel } from '../models/build'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import {
  EarlyStopping,
  LambdaCallback,
  ModelCheckpoint,
  ReduceLrOnPlateau,
  UntilPerfect,
  type TrainingCallback,
  type TrainingContext
} from './callbacks'
import { seededRandom, shuffledOrder } from './random'
import { evaluateModel, trainModel, type SongPredictions, type TrainingOutcome } from './trainer'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

function lstmSetup(epochs: number, learningRate = 1e-3) {
  const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { units: 16, epochs, learningRate, seed: 3 })
  return { setup, model: buildModel(setup.spec) }
}

/** Validation windows whose labels contradict the song: fitting the song makes val_loss rise. */
function contradicting(dataset: WindowDataset): WindowDataset {
  const order = shuffledOrder(dataset.labels.length, seededRandom(9))
  return { ...dataset, labels: order.map((i) => dataset.labels[i]!) }
}

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => weight.dataSync().slice() as Float32Array)
}

describe.each(['auto', 'off'] as const)('training callbacks (fast path %s)', (fastPath) => {
  it('calls every hook in order, with the context, awaiting each one that returns a promise', async () => {
    const { setup, model } = lstmSetup(3)
    const batches = Math.ceil(setup.dataset.labels.length / setup.spec.batchSize)
    const log: string[] = []
    let ended: { outcome: TrainingOutcome; context: TrainingContext } | undefined
    const recorder: TrainingCallback = {
      onTrainBegin: (context) => void log.push(`train begin at ${context.epoch}`),
      onEpochBegin: (epoch, context) => void log.push(`epoch ${epoch} begin (context ${context.epoch})`),
      onBatchEnd: (batch, context) => void log.push(`epoch ${context.epoch} batch ${batch}`),
      async onEpochEnd(progress) {
        log.push(`epoch ${progress.epoch} end`)
        // a turn of the event loop: a trainer that did not await would start the next epoch now
        await new Promise((resolve) => setImmediate(resolve))
        log.push(`epoch ${progress.epoch} end awaited`)
      },
      onTrainEnd: (outcome, context) => {
        log.push('train end')
        ended = { outcome, context }
      }
    }
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [recorder] })
    const epochLog = (epoch: number) => [
      `epoch ${epoch} begin (context ${epoch})`,
      ...Array.from({ length: batches }, (_, batch) => `epoch ${epoch} batch ${batch}`),
      `epoch ${epoch} end`,
      `epoch ${epoch} end awaited`
    ]
    expect(log).toEqual(['train begin at 0', ...epochLog(1), ...epochLog(2), ...epochLog(3), 'train end'])
    expect(ended?.outcome).toBe(outcome)
    // After the run the weights are the model's: nothing may act on the training any more.
    expect(() => ended?.context.stop({ reason: 'callback', message: 'late' })).toThrow('cannot stop the training: the training has ended')
    expect(() => ended?.context.snapshotWeights()).toThrow('the training has ended')
    disposeModel(model)
  })

  it('lets a callback of ours stop the run after epoch 3, every callback still seeing that epoch end', async () => {
    const { setup, model } = lstmSetup(20)
    const seen: number[] = []
    const stopAt3 = new LambdaCallback({
      onEpochEnd: (progress, context) => {
        if (progress.epoch === 3) context.stop({ reason: 'callback', message: 'three is enough' })
      }
    })
    const after = new LambdaCallback({ onEpochEnd: (progress) => void seen.push(progress.epoch) })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [stopAt3, after] })
    expect(outcome.history.map((e) => e.epoch)).toEqual([1, 2, 3])
    expect(seen).toEqual([1, 2, 3])
    expect(outcome).toMatchObject({ epochsRun: 3, weightsEpoch: 3, stoppedByCallback: { epoch: 3, message: 'three is enough' } })
    expect(outcome.stoppedEarly).toBeUndefined()
    expect(outcome.perfectAtEpoch).toBeUndefined()
    // a stop asked for before an epoch trains: that epoch does not run
    const beforeEpoch2 = new LambdaCallback({
      onEpochBegin: (epoch, context) => (epoch === 2 ? context.stop({ reason: 'callback', message: 'no second epoch' }) : undefined)
    })
    const short = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [beforeEpoch2] })
    expect(short.history.map((e) => e.epoch)).toEqual([1])
    expect(short.stoppedByCallback).toEqual({ epoch: 1, message: 'no second epoch' })
    disposeModel(model)
  })

  it('lets a callback set the learning rate: at 0 the weights, and so the loss, stay as they are', async () => {
    const { setup, model } = lstmSetup(5, 0.01)
    const freezeAfter2 = new LambdaCallback({
      onEpochEnd: (progress, context) => {
        if (progress.epoch === 2) context.setLearningRate(0)
      }
    })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [freezeAfter2] })
    expect(outcome.history.map((e) => e.learningRate)).toEqual([0.01, 0.01, 0, 0, 0])
    const losses = outcome.history.map((e) => e.loss)
    expect(Math.abs(losses[1]! - losses[0]!)).toBeGreaterThan(1e-3)
    // epochs 4 and 5 see the weights epoch 3 saw (the batches come in another order: float sums)
    expect(losses[3]).toBeCloseTo(losses[2]!, 5)
    expect(losses[4]).toBeCloseTo(losses[2]!, 5)
    disposeModel(model)
  })

  it('lets a callback take a snapshot and end on it, reported as the weights epoch', async () => {
    const { setup, model } = lstmSetup(6, 0.01)
    let atEpoch2: Float32Array[] = []
    const keepEpoch2 = new LambdaCallback({
      onEpochEnd: (progress, context) => {
        if (progress.epoch !== 2) return
        context.endWith(context.snapshotWeights())
        context.syncModel()
        atEpoch2 = weightValues(model)
      }
    })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [keepEpoch2] })
    expect(outcome.epochsRun).toBe(6)
    expect(outcome.weightsEpoch).toBe(2)
    expect(weightValues(model)).toEqual(atEpoch2)
    disposeModel(model)
  })

  it('EarlyStopping as an instance: stops `patience` epochs after the best, ends on its weights, frees its copies', async () => {
    const { setup, model } = lstmSetup(300, 0.01)
    const validation = contradicting(setup.dataset)
    const afterBuild = tf.memory().numTensors
    const earlyStopping = new EarlyStopping({ monitor: 'val_loss', patience: 4, restoreBestWeights: true })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, validation, callbacks: [earlyStopping] })
    const valLosses = outcome.history.map((e) => e.valLoss!)
    const best = valLosses.indexOf(Math.min(...valLosses)) + 1
    expect(outcome.stoppedEarly).toEqual({ epoch: best + 4, bestEpoch: best })
    expect(outcome.epochsRun).toBe(best + 4)
    expect(outcome).toMatchObject({ weightsEpoch: best, bestEpoch: best })
    expect(earlyStopping.bestEpoch).toBe(best)
    const now = evaluateModel(model, setup.spec, validation)
    expect(now.lossSum / validation.labels.length).toBeCloseTo(valLosses[best - 1]!, 4)
    expect(tf.memory().numTensors).toBe(afterBuild)
    // The instance starts afresh on its next run: the same seed and data, the same stop.
    const again = buildModel(setup.spec)
    const second = await trainModel(again, setup.spec, setup, { fastPath, validation, callbacks: [earlyStopping] })
    expect(second.stoppedEarly).toEqual(outcome.stoppedEarly)
    disposeModel(again)
    disposeModel(model)
  })

  it('ReduceLrOnPlateau as an instance lowers the rate after `patience` flat epochs, down to its floor', async () => {
    const { setup, model } = lstmSetup(10)
    // a minimum change of 100 never happens: every epoch after the first is on the plateau
    const plateau = new ReduceLrOnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, minDelta: 100, minLearningRate: 1e-4 })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [plateau] })
    expect(outcome.history.map((e) => e.learningRate)).toEqual([1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 1.25e-4, 1.25e-4, 1e-4])
    disposeModel(model)
  })

  it('ModelCheckpoint as an instance saves at every new best, with the model holding that epoch’s weights', async () => {
    const { setup, model } = lstmSetup(25, 0.01)
    const validation = contradicting(setup.dataset)
    const saved: { epoch: number; valLoss: number }[] = []
    const checkpoint = new ModelCheckpoint({
      monitor: 'val_loss',
      save: async (epoch) => {
        // what a save would write: the model's weights, measured by tfjs itself
        const { lossSum } = evaluateModel(model, setup.spec, validation)
        saved.push({ epoch, valLoss: lossSum / validation.labels.length })
      }
    })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, validation, callbacks: [checkpoint] })
    const valLosses = outcome.history.map((e) => e.valLoss!)
    const newBests = valLosses.flatMap((loss, i) => (valLosses.slice(0, i).every((before) => loss < before) ? [i + 1] : []))
    expect(newBests.length).toBeGreaterThan(1)
    expect(newBests.length).toBeLessThan(25)
    expect(saved.map((s) => s.epoch)).toEqual(newBests)
    for (const { epoch, valLoss } of saved) expect(valLoss).toBeCloseTo(valLosses[epoch - 1]!, 4)
    disposeModel(model)
  })

  it('UntilPerfect as an instance checks every K epochs and stops at the first perfect check', async () => {
    const setup = prepareSongTraining(nabiyaNotes().slice(0, 12), 'stateful-lstm-2f', { epochs: 500, units: 32 })
    const model = buildModel(setup.spec)
    const checks: SongPredictions[] = []
    const untilPerfect = new UntilPerfect({ checkEvery: 5, onCheck: (check) => checks.push(check) })
    const outcome = await trainModel(model, setup.spec, setup, { fastPath, callbacks: [untilPerfect] })
    disposeModel(model)
    expect(outcome.perfectAtEpoch).toBeDefined()
    expect(outcome.epochsRun).toBe(outcome.perfectAtEpoch)
    expect(checks.map((c) => c.epoch)).toEqual(Array.from({ length: outcome.perfectAtEpoch! / 5 }, (_, i) => 5 * (i + 1)))
    expect(checks.slice(0, -1).every((c) => c.oneStep.accuracy < 1 || c.fullSong.accuracy < 1)).toBe(true)
    expect(checks.at(-1)).toMatchObject({ oneStep: { accuracy: 1 }, fullSong: { accuracy: 1 } })
  })
})

describe('the shorthand options', () => {
  it('train exactly as the same built-ins given as instances do', async () => {
    const run = async (asInstances: boolean) => {
      const { setup, model } = lstmSetup(40, 0.01)
      const validation = contradicting(setup.dataset)
      const saved: number[] = []
      const checks: number[] = []
      const settings = {
        earlyStopping: { monitor: 'val_loss', patience: 6, restoreBestWeights: true },
        reduceLrOnPlateau: { monitor: 'val_loss', factor: 0.5, patience: 2, minLearningRate: 1e-3 },
        checkpoint: { monitor: 'val_loss', save: async (epoch: number) => void saved.push(epoch) },
        untilPerfect: { checkEvery: 5, onCheck: (check: SongPredictions) => void checks.push(check.epoch) }
      } as const
      const outcome = await trainModel(
        model,
        setup.spec,
        setup,
        asInstances
          ? {
              validation,
              callbacks: [
                new ModelCheckpoint(settings.checkpoint),
                new EarlyStopping(settings.earlyStopping),
                new ReduceLrOnPlateau(settings.reduceLrOnPlateau),
                new UntilPerfect(settings.untilPerfect)
              ]
            }
          : { validation, ...settings, untilPerfect: true, checkEvery: 5, onCheck: settings.untilPerfect.onCheck }
      )
      const weights = weightValues(model)
      disposeModel(model)
      const { trainMs: _trainMs, history, ...rest } = outcome
      return { ...rest, history: history.map(({ elapsedMs: _e, etaMs: _t, samplesPerSecond: _s, ...figures }) => figures), saved, checks, weights }
    }
    const fromOptions = await run(false)
    const fromInstances = await run(true)
    expect(fromOptions.stoppedEarly).toBeDefined()
    expect(new Set(fromOptions.history.map((e) => e.learningRate)).size).toBeGreaterThan(1)
    expect(fromOptions.checks.length).toBeGreaterThan(1)
    expect(fromInstances).toEqual(fromOptions)
  })
})
