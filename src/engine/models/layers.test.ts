// The model lab's layers: every kind builds from its JSON spec, trains on a small song, saves and
// reloads to the same predictions; parameter counts are Keras's, worked out without building.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { OptionError } from '../errors'
import { predictFullSong, predictOneStep } from '../generate/predict'
import { loadTrainedModel, saveTrainedModel } from '../library/modelFiles'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { trainModel } from '../training/trainer'
import { buildModel, disposeModel } from './build'
import { inferLayerRows, type LayerSpec } from './layers'
import { countSpecParams, resolveModelSpec, specLayerRows, type ModelKind } from './spec'
import { formatDiagram, formatSummary, summarizeModel } from './summary'

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

interface LabCase {
  readonly name: string
  readonly kind: ModelKind
  readonly layers: LayerSpec[]
  /** Parameters of the hidden layers as Keras counts them (worked out by hand from its formulas). */
  readonly hiddenParams: number
}

// On 나비야 with the song's own vocabulary: 9 codes in, 9 classes out (window 4).
const CASES: LabCase[] = [
  // Embedding 9·8; GRU (reset_after=False) 3·(16·(8+16)+16)
  { name: 'Embedding → GRU', kind: 'lstm', layers: [{ type: 'embedding', outputDim: 8 }, { type: 'gru', units: 16 }], hiddenParams: 72 + 1200 },
  // SimpleRNN 16·(1+16)+16
  { name: 'SimpleRNN', kind: 'lstm', layers: [{ type: 'simple-rnn', units: 16 }], hiddenParams: 288 },
  // two LSTMs stacked: 4·(16·(1+16)+16) + 4·(12·(16+12)+12)
  {
    name: 'stacked LSTMs with dropout',
    kind: 'lstm',
    layers: [
      { type: 'lstm', units: 16, returnSequences: true, dropout: 0.1, recurrentDropout: 0.1 },
      { type: 'dropout', rate: 0.2 },
      { type: 'lstm', units: 12 }
    ],
    hiddenParams: 1152 + 1392
  },
  // Bidirectional LSTM: 2·4·(8·(1+8)+8), output 16
  { name: 'Bidirectional LSTM', kind: 'lstm', layers: [{ type: 'lstm', units: 8, bidirectional: true }], hiddenParams: 640 },
  // Conv1D 2·1·16+16 ('same': 4 steps), max pool 2 → 2 steps, flatten → 32, Dense 32·8+8
  {
    name: 'Conv1D → pooling → Dense',
    kind: 'lstm',
    layers: [
      { type: 'conv1d', filters: 16, kernelSize: 2, padding: 'same' },
      { type: 'max-pooling1d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 8, activation: 'tanh' }
    ],
    hiddenParams: 48 + 264
  },
  // Conv1D valid 3 → 2 steps, global average pooling
  {
    name: 'Conv1D → global average pooling',
    kind: 'lstm',
    layers: [{ type: 'conv1d', filters: 8, kernelSize: 3 }, { type: 'global-average-pooling1d' }],
    hiddenParams: 3 * 8 + 8
  },
  // a stateful SimpleRNN: 8·(1+8)+8
  { name: 'stateful SimpleRNN', kind: 'stateful-lstm', layers: [{ type: 'simple-rnn', units: 8 }], hiddenParams: 80 }
]

describe.each(CASES)('lab model: $name', (lab) => {
  it('counts Keras’s parameters without building, and the built model agrees', () => {
    const setup = prepareSongTraining(nabiyaNotes(), lab.kind, { layers: lab.layers, vocabulary: 'song', epochs: 3 })
    const rows = specLayerRows(setup.spec)
    const hidden = rows.slice(0, -1).reduce((sum, row) => sum + row.params, 0)
    expect(hidden).toBe(lab.hiddenParams)
    const model = buildModel(setup.spec)
    expect(countSpecParams(setup.spec)).toBe(model.countParams())
    const summary = summarizeModel(model)
    expect(summary.rows.map((row) => row.params)).toEqual(rows.map((row) => row.params))
    expect(summary.rows.map((row) => row.outputShape.slice(1))).toEqual(rows.map((row) => row.outputShape.slice(1)))
    expect(formatSummary(summary)).toContain(`Total params: ${model.countParams().toLocaleString('en')}`)
    expect(formatDiagram(summary).split('▼')).toHaveLength(summary.rows.length + 1)
    disposeModel(model)
  })

  it('trains on 나비야, then saves and reloads to the same predictions', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), lab.kind, { layers: lab.layers, vocabulary: 'song', epochs: 3 })
    const model = buildModel(setup.spec)
    const outcome = await trainModel(model, setup.spec, setup)
    expect(outcome.history).toHaveLength(3)
    expect(outcome.history.every((epoch) => Number.isFinite(epoch.loss))).toBe(true)
    const folder = await mkdtemp(join(tmpdir(), 'lab-model-'))
    try {
      await saveTrainedModel(folder, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song })
      const loaded = await loadTrainedModel(folder)
      expect(loaded.info.spec.layers).toEqual(lab.layers)
      for (const predict of [predictOneStep, predictFullSong]) {
        expect(predict(loaded.model, loaded.info.spec, setup.song, setup.encoding, 'off')).toEqual(predict(model, setup.spec, setup.song, setup.encoding, 'off'))
      }
      // The spec saved beside the weights is the whole model: built from it, the weights fit and predict the same.
      const rebuilt = buildModel(loaded.info.spec)
      rebuilt.setWeights(loaded.model.getWeights())
      expect(predictOneStep(rebuilt, loaded.info.spec, setup.song, setup.encoding, 'off')).toEqual(predictOneStep(model, setup.spec, setup.song, setup.encoding, 'off'))
      disposeModel(rebuilt)
      disposeModel(loaded.model)
    } finally {
      disposeModel(model)
      await rm(folder, { recursive: true, force: true })
    }
  })
})

describe('lab specs that cannot be built', () => {
  const input = { steps: 4, features: 1 }
  it('say which layer does not fit and why', () => {
    expect(() => inferLayerRows([{ type: 'lstm', units: 8 }, { type: 'lstm', units: 8 }], input, 12)).toThrow(
      'layer 2 (lstm) needs a sequence, but the layer before it gives one vector per window'
    )
    expect(() => inferLayerRows([{ type: 'lstm', units: 8, returnSequences: true }], input, 12)).toThrow('the last layer gives a sequence')
    expect(() => inferLayerRows([{ type: 'conv1d', filters: 4, kernelSize: 5 }, { type: 'flatten' }], input, 12)).toThrow(
      'layer 1 (conv1d): a kernel of 5 is longer than the 4 steps it gets'
    )
    expect(() => inferLayerRows([{ type: 'embedding', outputDim: 4 }, { type: 'flatten' }], input, 12)).toThrow('an Embedding must be the first layer, on token input')
    expect(() => inferLayerRows([{ type: 'dropout', rate: 1.5 }, { type: 'flatten' }], input, 12)).toThrow('rate must be in [0, 1)')
    expect(() => resolveModelSpec('lstm', { layers: [{ type: 'gru', units: 0 }] }, 12)).toThrow(OptionError)
  })

  it('refuses a stateful bidirectional layer', () => {
    const spec = resolveModelSpec('stateful-lstm', { layers: [{ type: 'lstm', units: 4, bidirectional: true }] }, 12)
    expect(() => buildModel(spec)).toThrow('a stateful model cannot have a bidirectional layer')
  })

  it('gives the seed presets their Keras counts through the same path', () => {
    expect(countSpecParams(resolveModelSpec('mlp', {}, 12))).toBe(18700)
    expect(countSpecParams(resolveModelSpec('stateful-lstm', {}, 12))).toBe(68108)
    expect(countSpecParams(resolveModelSpec('stateful-lstm-2f', {}, 12))).toBe(68620)
  })
})
