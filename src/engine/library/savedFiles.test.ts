// Saved models and run records read back from disk are checked as strictly as input from the UI:
// a crafted or damaged file is one clear error naming the file, never an out-of-memory or a TypeError.
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { SAVED_JSON_MAX_BYTES, SAVED_WEIGHTS_MAX_BYTES } from '../../shared/limits'
import { chooseBackend } from '../backend/chooseBackend'
import { LimitError } from '../errors'
import { buildModel, disposeModel } from '../models/build'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { loadTrainedModel, ModelFileError, saveTrainedModel } from './modelFiles'

let saved: string

beforeAll(async () => {
  await chooseBackend({ env: process.env })
  const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { epochs: 1, units: 8 })
  const model = buildModel(setup.spec)
  saved = join(mkdtempSync(join(tmpdir(), 'saved-')), 'model')
  await saveTrainedModel(saved, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song })
  disposeModel(model)
})

/** A copy of the saved model folder with model.json (as text) and weights.bin as given. */
function craftedModel(json: (text: string) => string, weights?: (bytes: Buffer) => Buffer | undefined): string {
  const folder = mkdtempSync(join(tmpdir(), 'crafted-'))
  writeFileSync(join(folder, 'model.json'), json(readFileSync(join(saved, 'model.json'), 'utf8')))
  const bytes = readFileSync(join(saved, 'weights.bin'))
  const written = weights ? weights(bytes) : bytes
  if (written) writeFileSync(join(folder, 'weights.bin'), written)
  return folder
}

describe('reading a saved model back', () => {
  it('loads the model as saved', async () => {
    const { model, info } = await loadTrainedModel(craftedModel((text) => text))
    expect(info.spec.kind).toBe('lstm')
    expect(model.countParams()).toBeGreaterThan(0)
    disposeModel(model)
  })

  it('refuses a model.json whose song has 8,000,000 notes, naming the file and the field', async () => {
    const notes = `[${'0,'.repeat(7_999_999)}0]`
    const folder = craftedModel((text) => text.replace(/"song":\[[^\]]*\]/, `"song":${notes}`))
    const error = await loadTrainedModel(folder).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelFileError)
    expect((error as Error).message).toMatch(/model\.json .*info\.song: .*50000/)
  })

  it('refuses weights the manifest makes huge before reading them, and a missing or cut weights file', async () => {
    const huge = craftedModel((text) => text.replace(/"shape":\[\d+,(\d+)\]/, '"shape":[20000000,$1]'))
    await expect(loadTrainedModel(huge)).rejects.toThrow(LimitError)
    await expect(loadTrainedModel(huge)).rejects.toThrow(/SAVED_WEIGHTS_MAX_BYTES/)
    const missing = craftedModel((text) => text, () => undefined)
    await expect(loadTrainedModel(missing)).rejects.toThrow(/weights\.bin cannot be read \(ENOENT\)/)
    const cut = craftedModel((text) => text, (bytes) => bytes.subarray(0, bytes.byteLength - 4))
    await expect(loadTrainedModel(cut)).rejects.toThrow(ModelFileError)
    await expect(loadTrainedModel(cut)).rejects.toThrow(/weights\.bin holds .* bytes, but .*model\.json describes/)
    // A weights file past the limit is refused from its size alone (a sparse file: nothing is written).
    const large = craftedModel((text) => text)
    truncateSync(join(large, 'weights.bin'), SAVED_WEIGHTS_MAX_BYTES + 1)
    await expect(loadTrainedModel(large)).rejects.toThrow(/weights\.bin is .* MiB.*SAVED_WEIGHTS_MAX_BYTES/)
  })

  it('refuses a cut-short, oversized or foreign model.json with a ModelFileError or LimitError naming it', async () => {
    const truncated = craftedModel((text) => text.slice(0, text.length / 2))
    await expect(loadTrainedModel(truncated)).rejects.toThrow(ModelFileError)
    await expect(loadTrainedModel(truncated)).rejects.toThrow(/model\.json is not JSON, or is cut short/)
    const large = craftedModel((text) => text)
    truncateSync(join(large, 'model.json'), SAVED_JSON_MAX_BYTES + 1)
    await expect(loadTrainedModel(large)).rejects.toThrow(LimitError)
    const noSpec = craftedModel((text) => text.replace('"spec":', '"notSpec":'))
    await expect(loadTrainedModel(noSpec)).rejects.toThrow(/model\.json is damaged or not one of ours: info\.spec: /)
    const badIndex = craftedModel((text) => text.replace(/"song":\[\d+/, '"song":[99'))
    await expect(loadTrainedModel(badIndex)).rejects.toThrow(/info\.song\.0: note 99 is not in the vocabulary/)
    const wrongShape = craftedModel((text) => text.replace(/"units":8/, '"units":9'))
    await expect(loadTrainedModel(wrongShape)).rejects.toThrow(ModelFileError)
  })
})
