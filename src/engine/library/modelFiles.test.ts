import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { predictFullSong, predictOneStep } from '../generate/predict'
import { disposeModel } from '../models/build'
import { makeInputEncoding } from '../notation/vocabulary'
import { prepareSongTraining, trainOnSong } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { loadTrainedModel, ModelFileError, saveTrainedModel } from './modelFiles'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

describe('saved models', () => {
  it('predict again after loading exactly as before saving, stateful state included', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), 'stateful-lstm-2f', { epochs: 3, units: 16 })
    const { model, check } = await trainOnSong(setup)
    const folder = join(mkdtempSync(join(tmpdir(), 'model-')), 'run-1')
    await saveTrainedModel(folder, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song })
    disposeModel(model)
    const loaded = await loadTrainedModel(folder)
    expect(loaded.info.spec).toEqual(setup.spec)
    const encoding = makeInputEncoding(loaded.info.spec.encoding, loaded.info.vocabulary)
    expect(predictOneStep(loaded.model, loaded.info.spec, loaded.info.song, encoding)).toEqual(check.oneStep)
    expect(predictFullSong(loaded.model, loaded.info.spec, loaded.info.song, encoding)).toEqual(check.fullSong)
    disposeModel(loaded.model)
  })

  it('refuses a missing or foreign model folder with a ModelFileError', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'model-'))
    await expect(loadTrainedModel(folder)).rejects.toThrow(ModelFileError)
    writeFileSync(join(folder, 'model.json'), '{"format":"other"}')
    writeFileSync(join(folder, 'weights.bin'), '')
    await expect(loadTrainedModel(folder)).rejects.toThrow(/not one of ours/)
  })
})
