// Callbacks proven on purpose-made cases: validation windows whose labels contradict the
// training song, so that fitting the song makes the validation loss rise.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { abcToMelodies } from '../notation/abcIn'
import { prepareCorpusTraining } from '../corpusTraining'
import type { WindowDataset } from '../dataset/windows'
import { loadTrainedModel, saveTrainedModel } from '../library/modelFiles'
import { buildModel, disposeModel } from '../models/build'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes, sharedPath } from '../testing/seedSong'
import { metricsToCsv } from './callbacks'
import { seededRandom, shuffledOrder } from './random'
import { evaluateModel, trainModel } from './trainer'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

function contradictingSetup(learningRate: number) {
  const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { units: 16, epochs: 300, learningRate, seed: 3 })
  const order = shuffledOrder(setup.dataset.labels.length, seededRandom(9))
  const validation: WindowDataset = { ...setup.dataset, labels: order.map((i) => setup.dataset.labels[i]!) }
  return { setup, validation }
}

describe.each(['auto', 'off'] as const)('callbacks (fast path %s)', (fastPath) => {
  it('early stopping stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const { setup, validation } = contradictingSetup(0.01)
    const model = buildModel(setup.spec)
    const outcome = await trainModel(model, setup.spec, setup, {
      fastPath,
      validation,
      earlyStopping: { monitor: 'val_loss', patience: 4, restoreBestWeights: true }
    })
    expect(outcome.stoppedEarly).toBeDefined()
    const { epoch, bestEpoch } = outcome.stoppedEarly!
    expect(epoch).toBe(bestEpoch + 4)
    expect(epoch).toBeLessThan(300)
    const valLosses = outcome.history.map((e) => e.valLoss!)
    expect(Math.min(...valLosses)).toBe(valLosses[bestEpoch - 1])
    // The model now holds the best epoch's weights: tfjs's own evaluation agrees.
    const now = evaluateModel(model, setup.spec, validation)
    expect(now.lossSum / validation.labels.length).toBeCloseTo(valLosses[bestEpoch - 1]!, 4)
    expect(now.lossSum / validation.labels.length).not.toBeCloseTo(valLosses.at(-1)!, 4)
    disposeModel(model)
  })

  it('ReduceLROnPlateau lowers the learning rate after `patience` epochs on a plateau, down to its floor', async () => {
    const { setup } = contradictingSetup(1e-3)
    const model = buildModel({ ...setup.spec, epochs: 10 })
    const outcome = await trainModel(model, { ...setup.spec, epochs: 10 }, setup, {
      fastPath,
      // a minimum change of 100 never happens: every epoch after the first is on the plateau
      reduceLrOnPlateau: { monitor: 'loss', factor: 0.5, patience: 2, minDelta: 100, minLearningRate: 1e-4 }
    })
    expect(outcome.history.map((e) => e.learningRate)).toEqual([1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 1.25e-4, 1.25e-4, 1e-4])
    disposeModel(model)
  })
})

describe('checkpoints and the metrics log', () => {
  it('ModelCheckpoint keeps the best epoch on disk, and the log exports as CSV', async () => {
    const { setup, validation } = contradictingSetup(0.01)
    const spec = { ...setup.spec, epochs: 30 }
    const model = buildModel(spec)
    const folder = await mkdtemp(join(tmpdir(), 'checkpoint-'))
    const saved: number[] = []
    try {
      const outcome = await trainModel(model, spec, setup, {
        validation,
        checkpoint: {
          monitor: 'val_loss',
          save: async (epoch) => {
            saved.push(epoch)
            await saveTrainedModel(folder, model, { spec, vocabulary: setup.vocabulary, song: setup.song })
          }
        }
      })
      const valLosses = outcome.history.map((e) => e.valLoss!)
      const best = valLosses.indexOf(Math.min(...valLosses)) + 1
      expect(saved.at(-1)).toBe(best)
      expect(saved).toEqual([...saved].sort((a, b) => a - b))
      const checkpoint = await loadTrainedModel(folder)
      const onDisk = evaluateModel(checkpoint.model, spec, validation)
      expect(onDisk.lossSum / validation.labels.length).toBeCloseTo(valLosses[best - 1]!, 4)
      disposeModel(checkpoint.model)
      const csv = metricsToCsv(outcome.history).trim().split('\n')
      expect(csv[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,elapsed_ms')
      expect(csv).toHaveLength(31)
      expect(csv[1]!.split(',')).toHaveLength(7)
    } finally {
      disposeModel(model)
      await rm(folder, { recursive: true, force: true })
    }
  })

  it('resumes after a checkpoint’s epoch with the epochs numbered on', async () => {
    const { setup } = contradictingSetup(1e-3)
    const spec = { ...setup.spec, epochs: 6 }
    const model = buildModel(spec)
    const outcome = await trainModel(model, spec, setup, { resumeAfterEpoch: 3 })
    expect(outcome.history.map((e) => e.epoch)).toEqual([4, 5, 6])
    disposeModel(model)
  })
})

describe('corpus training setup', () => {
  const songs = abcToMelodies(readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'), 'utf8')).tunes.flatMap((tune) =>
    tune.melody ? [{ title: tune.title, melody: tune.melody }] : []
  )

  it('splits the jigs by tune, augments by transposition within range, one vocabulary over all', () => {
    const setup = prepareCorpusTraining(songs, 'lstm', { window: 16, transpose: 2, seed: 5, scheme: 'windows' })
    expect(setup.validationTitles).toHaveLength(34)
    expect(setup.trainingTitles).toHaveLength(306)
    expect(setup.trainingTitles.some((title) => setup.validationTitles.includes(title) && songs.filter((s) => s.title === title).length === 1)).toBe(false)
    expect(setup.transposed).toBeGreaterThan(300)
    expect(setup.transposed).toBeLessThanOrEqual(306 * 4)
    expect(setup.dataset.inputs[0]).toHaveLength(16)
    expect([...setup.dataset.labels, ...setup.validation.labels].reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(setup.vocabulary.codes.length)
    expect(setup.spec.classes).toBe(setup.vocabulary.codes.length)
    const again = prepareCorpusTraining(songs, 'lstm', { window: 16, transpose: 2, seed: 5, scheme: 'windows' })
    expect(again.validationTitles).toEqual(setup.validationTitles)
  })

  it('refuses a corpus of one song, and more streams than songs', () => {
    expect(() => prepareCorpusTraining(songs.slice(0, 1), 'lstm')).toThrow('a corpus needs at least 2 songs')
    expect(() => prepareCorpusTraining(songs.slice(0, 12), 'stateful-lstm', { batchSize: 11, validationShare: 0.5, scheme: 'windows' })).toThrow('11 parallel streams need at least 11 songs, got 6')
  })

  it('stateful streams: songs dealt into parallel batch rows, each row’s state zeroed where its next song starts', async () => {
    const few = songs.slice(0, 8)
    const setup = prepareCorpusTraining(few, 'stateful-lstm', { batchSize: 2, units: 16, window: 4, validationShare: 0.25, epochs: 1, scheme: 'windows' })
    expect(setup.spec.stateful).toBe(true)
    const starts = setup.dataset.starts!
    expect(starts).toHaveLength(setup.dataset.labels.length)
    expect(setup.dataset.labels.length % 2).toBe(0)
    expect(starts.slice(0, 2)).toEqual([true, true])
    // 6 training songs in 2 streams: 4 more song starts after the first batch
    expect(starts.slice(2).filter(Boolean)).toHaveLength(4)
    // Both implementations reset the same rows at the same batches: the same first-epoch loss.
    const firstEpochLoss = async (fastPath: 'auto' | 'off', withStarts: boolean) => {
      const model = buildModel(setup.spec)
      const dataset = withStarts ? setup.dataset : { ...setup.dataset, starts: undefined }
      const outcome = await trainModel(model, setup.spec, { ...setup, dataset }, { fastPath })
      disposeModel(model)
      return outcome.history[0]!.loss
    }
    const [fast, tfjs, noResets] = [await firstEpochLoss('auto', true), await firstEpochLoss('off', true), await firstEpochLoss('auto', false)]
    expect(fast).toBeCloseTo(tfjs, 4)
    expect(Math.abs(fast - noResets)).toBeGreaterThan(1e-4)
  })
})
