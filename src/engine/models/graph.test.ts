// Functional models end to end on real songs: Keras's JSON of a model with two inputs, a shared
// layer, a residual block and two outputs is summarised without building, built as tfjs reads the
// same JSON, trained on 나비야 and on tune books, saved, reloaded and continued; the
// pitch-and-length preset learns 나비야 to 100 %.
import * as tf from '@tensorflow/tfjs'
import { mkdtemp, rm } from 'node:fs/promises'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { corpusSongsFromFiles } from '../corpusTraining'
import { predictFullSong, predictOneStep, notePredictor } from '../generate/predict'
import { loadTrainedModel, saveTrainedModel } from '../library/modelFiles'
import { prepareSongTraining, trainOnSong } from '../songTraining'
import { nabiyaNotes, sharedPath } from '../testing/seedSong'
import { compileEventProtos, readEventFiles } from '../testing/tensorboardEvents'
import { graphToKerasJson, kerasJsonToGraph, type ModelGraph } from '../../shared/modelGraph'
import { trainCorpus } from '../../usecases/trainCorpus'
import { continueSavedModel } from '../../usecases/savedModels'
import { buildModel, disposeModel } from './build'
import { summarizeModel } from './summary'
import { countSpecParams, specLayerRows } from './spec'

const FIXTURE = join(__dirname, '../testing/kerasModels/residualTwoHeads.keras2.json')

function residualGraph(): ModelGraph {
  const parsed = kerasJsonToGraph(JSON.parse(readFileSync(FIXTURE, 'utf8')))
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.graph
}

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

describe('a functional model from Keras JSON: two inputs, a shared layer, a residual block, two outputs', () => {
  const graph = residualGraph()

  it('is summarised without building as tfjs builds it, and as tfjs reads the same JSON', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { graph, epochs: 1 })
    expect(setup.spec.encoding).toBe('token')
    const rows = specLayerRows(setup.spec)
    const model = buildModel(setup.spec)
    try {
      // Keras's counts: Embedding 7·8 and 2·8, the shared Dense 8·8+8 once, LSTM 4·(32·(16+32)+32),
      // the residual Dense pair 32·32+32 each, LSTM 4·(32·64+32), heads 32·7+7 and 32·2+2
      const expected = { pitch_embedding: 56, length_embedding: 16, project: 72, lstm_1: 6272, dense_1: 1056, dense_2: 1056, lstm_2: 8320, next_pitch: 231, next_length: 66 }
      for (const [name, params] of Object.entries(expected)) expect(rows.find((row) => row.name === name)?.params).toBe(params)
      expect(countSpecParams(setup.spec)).toBe(model.countParams())
      const summary = summarizeModel(model)
      expect(summary.rows.map((row) => [row.name, row.params])).toEqual(rows.map((row) => [row.name, row.params]))
      expect(rows.find((row) => row.name === 'residual')).toMatchObject({ type: 'Add', connectedTo: ['lstm_1', 'dense_2'], outputShape: [null, 4, 32], inputShapes: [[null, 4, 32], [null, 4, 32]] })
      expect(rows.find((row) => row.name === 'note')).toMatchObject({ type: 'Concatenate', connectedTo: ['project'], outputShape: [null, 4, 16] })
      expect(model.inputs.map((input) => input.name.split('/')[0])).toEqual(['pitch', 'length'])
      // Keras's gates come across: the JSON's sigmoid, not the seed's hardSigmoid
      expect((model.getLayer('lstm_1').getConfig() as { recurrentActivation?: string }).recurrentActivation).toBe('sigmoid')
      expect(model.outputs.map((output) => output.shape)).toEqual([
        [null, 7],
        [null, 2]
      ])
      // tfjs's own reader of Keras's JSON builds the same layers from what we write back
      const sizes = { window: setup.spec.window, vocabulary: { note: setup.spec.classes, pitch: 7, length: 2 } }
      const other = await tf.models.modelFromJSON(graphToKerasJson(graph, sizes) as Parameters<typeof tf.models.modelFromJSON>[0])
      expect(other.layers.map((layer) => [layer.name, layer.countParams()])).toEqual(model.layers.map((layer) => [layer.name, layer.countParams()]))
      other.dispose()
    } finally {
      disposeModel(model)
    }
  })

  it('trains on 나비야 with a loss and accuracy per output, saves, reloads to the same predictions, and continues the song', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { graph, epochs: 30, lossWeights: { next_pitch: 1, next_length: 0.5 } })
    const { model, outcome, check } = await trainOnSong(setup)
    const folder = await mkdtemp(join(tmpdir(), 'graph-model-'))
    try {
      expect(outcome.path).toMatchObject({ name: 'tfjs', reason: expect.stringContaining('functional model') })
      const first = outcome.history[0]!
      const last = outcome.history.at(-1)!
      expect(last.heads?.map((head) => head.name)).toEqual(['next_pitch', 'next_length'])
      // Keras's loss is the weighted sum of the heads' losses
      expect(last.loss).toBeCloseTo(last.heads![0]!.loss + 0.5 * last.heads![1]!.loss, 4)
      expect(last.loss).toBeLessThan(first.loss)
      // a note is right when both heads are: never more often than either
      for (const epoch of outcome.history) expect(epoch.accuracy).toBeLessThanOrEqual(Math.min(...epoch.heads!.map((head) => head.accuracy)) + 1e-9)
      expect(check.oneStep.accuracy).toBeGreaterThan(0.3)
      await saveTrainedModel(folder, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song })
      const loaded = await loadTrainedModel(folder)
      try {
        expect(loaded.info.spec.graph).toEqual(graph)
        expect(loaded.info.spec.lossWeights).toEqual({ next_pitch: 1, next_length: 0.5 })
        for (const predict of [predictOneStep, predictFullSong]) {
          expect(predict(loaded.model, loaded.info.spec, setup.song, setup.encoding)).toEqual(predict(model, setup.spec, setup.song, setup.encoding))
        }
        // one probability per code, summing to 1, as a stack's softmax gives
        const predictor = notePredictor(loaded.model, loaded.info.spec)
        const probabilities = predictor.probabilities(setup.song.slice(0, 4).map((index) => [index]))
        predictor.dispose()
        expect(probabilities).toHaveLength(setup.spec.classes)
        expect([...probabilities].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
      } finally {
        disposeModel(loaded.model)
      }
      const [continued] = await continueSavedModel(folder, { bars: 2, temperature: 0, seed: 1 })
      expect(continued?.continuation.generated.length).toBeGreaterThan(0)
    } finally {
      disposeModel(model)
      await rm(folder, { recursive: true, force: true })
    }
  }, 300_000)

  it('trains on a tune book by windows, with validation per output, and saves with its record', async () => {
    const bytes = readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'))
    const songs = corpusSongsFromFiles([{ name: 'jigs.abc', bytes }]).songs.slice(0, 12)
    const folder = await mkdtemp(join(tmpdir(), 'graph-corpus-'))
    try {
      const { setup, outcome, record } = await trainCorpus({
        runId: 'run-graph-corpus',
        songs,
        request: { model: 'lstm', epochs: 2, untilPerfect: false, options: { graph, window: 8, batchSize: 32, seed: 5 }, corpus: { validationShare: 0.25, transpose: 0, fileNames: ['jigs.abc'] } },
        saveTo: folder
      })
      expect(setup.scheme).toBe('windows')
      const last = outcome.history.at(-1)!
      expect(last.heads?.map((head) => [head.name, Number.isFinite(head.valLoss), (head.valAccuracy ?? -1) >= 0])).toEqual([
        ['next_pitch', true, true],
        ['next_length', true, true]
      ])
      expect(record.request.options?.graph).toEqual(graph)
      // TensorBoard's logs, read back by TensorFlow's own Event protocol buffer: a scalar per output and epoch
      const protos = compileEventProtos()
      try {
        for (const split of ['train', 'validation'] as const) {
          const files = readdirSync(join(folder, 'logs', split)).map((name) => join(folder, 'logs', split, name))
          const read = readEventFiles(protos.folder, files)
          expect(read.error).toBeUndefined()
          const events = Object.values(read.events ?? {}).flat().filter((event) => event.what === 'summary')
          expect(events.map((event) => event.step)).toEqual(outcome.history.map((epoch) => epoch.epoch))
          events.forEach((event, index) => {
            const heads = outcome.history[index]!.heads!
            for (const head of heads) {
              expect(event.values[`epoch_${head.name}_accuracy`]).toBeCloseTo(split === 'train' ? head.accuracy : head.valAccuracy!, 5)
              expect(event.values[`epoch_${head.name}_loss`]).toBeCloseTo(split === 'train' ? head.loss : head.valLoss!, 4)
            }
          })
        }
      } finally {
        protos.remove()
      }
      const loaded = await loadTrainedModel(folder)
      expect(loaded.model.outputs).toHaveLength(2)
      disposeModel(loaded.model)
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  }, 300_000)

  it('refuses sequence training in words', async () => {
    const bytes = readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'))
    const songs = corpusSongsFromFiles([{ name: 'jigs.abc', bytes }]).songs.slice(0, 6)
    await expect(
      trainCorpus({ runId: 'run-graph-sequence', songs, request: { model: 'lstm', epochs: 1, untilPerfect: false, options: { graph }, corpus: { validationShare: 0.25, transpose: 0, fileNames: ['jigs.abc'], scheme: 'sequence' } } })
    ).rejects.toThrow('a functional model (named inputs and outputs) trains with windows')
  })
})

describe('the pitch-and-length preset', () => {
  it('learns 나비야 to 100 % one-step and full-song, its pitches and lengths as two outputs', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), 'pitch-length', { epochs: 300 })
    expect(setup.spec.graph?.inputs).toEqual(['pitch', 'length'])
    const { model, outcome, check } = await trainOnSong(setup, { untilPerfect: true, checkEvery: 10 })
    try {
      expect(outcome.perfectAtEpoch).toBeDefined()
      expect(check.oneStep.accuracy).toBe(1)
      expect(check.fullSong.accuracy).toBe(1)
      const last = outcome.history.at(-1)!
      expect(last.heads?.map((head) => head.name)).toEqual(['next_pitch', 'next_length'])
    } finally {
      disposeModel(model)
    }
  }, 600_000)
})
