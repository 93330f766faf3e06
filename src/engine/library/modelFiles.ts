import * as tf from '@tensorflow/tfjs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { LAYER_STACK_SCHEMA } from '../../shared/layerSpec'
import { LOSS_WEIGHTS_SCHEMA, MODEL_GRAPH_SCHEMA } from '../../shared/modelGraph'
import {
  ABC_FIELD_MAX_CHARS,
  BAR_MAX_QUARTERS,
  EPOCHS_MAX,
  LAYER_MAX_UNITS,
  METER_MAX_DENOMINATOR,
  METER_MAX_NUMERATOR,
  MODEL_MAX_PARAMS,
  SAVED_BATCH_MAX_SIZE,
  SAVED_JSON_MAX_BYTES,
  SAVED_VOCABULARY_MAX_CODES,
  SAVED_WEIGHTS_MAX_BYTES,
  SONG_MAX_NOTES,
  TEMPO_MAX_BPM,
  TEMPO_MIN_BPM
} from '../../shared/limits'
import { LimitError } from '../errors'
import { buildModel, disposeModel } from '../models/build'
import { countSpecParams, MODEL_KINDS, type ModelSpec } from '../models/spec'
import { TICKS_PER_QUARTER, type Melody } from '../notation/melody'
import { readNoteCode } from '../notation/noteCodes'
import type { Vocabulary } from '../notation/vocabulary'
import { writeFileAtomic } from './atomicWrite'
import { ModelFileError, readSavedBytes, readSavedJson } from './savedFiles'

export { ModelFileError } from './savedFiles'

/** What a saved model needs besides its weights to predict again: its spec, vocabulary and song. */
export interface TrainedModelInfo {
  readonly spec: ModelSpec
  readonly vocabulary: Vocabulary
  /** The song it was trained on, as class indices. */
  readonly song: number[]
  /** Title, tempo, meter and key of that song, to write predictions out as music. */
  readonly header?: Omit<Melody, 'notes'>
}

interface SavedModelJson {
  readonly format: 'melody-studio-model'
  readonly version: 1
  readonly info: TrainedModelInfo
  readonly modelTopology: tf.io.ModelArtifacts['modelTopology']
  readonly weightSpecs: tf.io.WeightsManifestEntry[]
}

/**
 * Saves a trained model in a folder: `model.json` (topology, weight manifest and the spec,
 * vocabulary and song) and `weights.bin`. The weights are written first, so a `model.json` on
 * disk always has its weights beside it.
 */
export async function saveTrainedModel(folder: string, model: tf.LayersModel, info: TrainedModelInfo): Promise<void> {
  await mkdir(folder, { recursive: true })
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice() : new ArrayBuffer(0)
      await writeFileAtomic(join(folder, 'weights.bin'), new Uint8Array(weights))
      const json: SavedModelJson = {
        format: 'melody-studio-model',
        version: 1,
        info,
        modelTopology: artifacts.modelTopology,
        weightSpecs: artifacts.weightSpecs ?? []
      }
      await writeFileAtomic(join(folder, 'model.json'), JSON.stringify(json))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
}

const SPEC_SCHEMA = z.object({
  kind: z.enum(MODEL_KINDS),
  units: z.number().int().min(1).max(LAYER_MAX_UNITS),
  window: z.number().int().min(1).max(SONG_MAX_NOTES),
  encoding: z.enum(['index', 'pitch-length', 'token']),
  classes: z.number().int().min(2).max(SAVED_VOCABULARY_MAX_CODES),
  stateful: z.boolean(),
  batchSize: z.number().int().min(1).max(SAVED_BATCH_MAX_SIZE),
  shuffle: z.boolean(),
  epochs: z.number().int().min(1).max(EPOCHS_MAX),
  learningRate: z.number().positive(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  layers: LAYER_STACK_SCHEMA.optional(),
  graph: MODEL_GRAPH_SCHEMA.optional(),
  parts: z
    .strictObject({
      pitchOf: z.array(z.number().int().min(0).max(SAVED_VOCABULARY_MAX_CODES)).max(SAVED_VOCABULARY_MAX_CODES),
      lengthOf: z.array(z.number().int().min(0).max(SAVED_VOCABULARY_MAX_CODES)).max(SAVED_VOCABULARY_MAX_CODES),
      pitches: z.number().int().min(1).max(SAVED_VOCABULARY_MAX_CODES),
      lengths: z.number().int().min(1).max(SAVED_VOCABULARY_MAX_CODES)
    })
    .optional(),
  lossWeights: LOSS_WEIGHTS_SCHEMA.optional()
})

const HEADER_SCHEMA = z.object({
  title: z.string().max(ABC_FIELD_MAX_CHARS),
  tempo: z.number().min(TEMPO_MIN_BPM).max(TEMPO_MAX_BPM),
  meter: z.object({ numerator: z.number().int().min(1).max(METER_MAX_NUMERATOR), denominator: z.number().int().min(1).max(METER_MAX_DENOMINATOR) }),
  key: z.object({
    tonic: z.string().max(8),
    mode: z.enum(['major', 'minor', 'dorian', 'phrygian', 'lydian', 'mixolydian', 'locrian']),
    fifths: z.number().int().min(-7).max(7)
  }),
  // The song's short first bar, so predictions are drawn with its bar lines (shorter than any bar).
  pickupTicks: z.number().int().positive().max(BAR_MAX_QUARTERS * TICKS_PER_QUARTER).optional()
})

const INFO_SCHEMA = z
  .object({
    spec: SPEC_SCHEMA,
    vocabulary: z.object({
      kind: z.enum(['seed', 'song']),
      codes: z
        .array(z.string().max(32).refine((code) => readNoteCode(code) !== undefined, 'not a note code'))
        .min(1)
        .max(SAVED_VOCABULARY_MAX_CODES)
    }),
    song: z.array(z.number().int().min(0)).max(SONG_MAX_NOTES),
    header: HEADER_SCHEMA.optional()
  })
  .superRefine((info, context) => {
    const codes = info.vocabulary.codes.length
    if (info.spec.classes > codes) context.addIssue({ code: 'custom', path: ['spec', 'classes'], message: `${info.spec.classes} classes for a vocabulary of ${codes} codes` })
    const parts = info.spec.parts
    if (parts && (parts.pitchOf.length !== codes || parts.lengthOf.length !== codes || parts.pitchOf.some((p) => p >= parts.pitches) || parts.lengthOf.some((l) => l >= parts.lengths))) {
      context.addIssue({ code: 'custom', path: ['spec', 'parts'], message: `the pitches and lengths do not fit the vocabulary of ${codes} codes` })
    }
    if (info.spec.graph && !parts) context.addIssue({ code: 'custom', path: ['spec', 'parts'], message: 'a functional model needs its pitches and lengths' })
    const outside = info.song.findIndex((index) => index >= codes)
    if (outside >= 0) context.addIssue({ code: 'custom', path: ['song', outside], message: `note ${info.song[outside]} is not in the vocabulary of ${codes} codes` })
  })

const SAVED_MODEL_SCHEMA = z.object({
  format: z.literal('melody-studio-model'),
  version: z.literal(1),
  info: INFO_SCHEMA,
  weightSpecs: z
    .array(
      z.object({
        name: z.string().max(1000),
        shape: z.array(z.number().int().min(0).max(MODEL_MAX_PARAMS)).max(8),
        dtype: z.literal('float32'),
        quantization: z.never().optional()
      })
    )
    .max(1000)
})

/** `model.json` read and checked: its spec must describe a model this studio can build, under MODEL_MAX_PARAMS. */
async function readModelJson(jsonPath: string): Promise<{ json: z.infer<typeof SAVED_MODEL_SCHEMA>; info: TrainedModelInfo }> {
  const json = await readSavedJson(jsonPath, SAVED_MODEL_SCHEMA, SAVED_JSON_MAX_BYTES, 'SAVED_JSON_MAX_BYTES')
  const info: TrainedModelInfo = json.info
  let params: number
  try {
    params = countSpecParams(info.spec)
  } catch (error) {
    throw new ModelFileError(`${jsonPath} is damaged or not one of ours: spec: ${(error as Error).message}`)
  }
  if (params > MODEL_MAX_PARAMS) {
    throw new LimitError('MODEL_MAX_PARAMS', `${jsonPath} describes a model of ${params.toLocaleString('en')} parameters, more than ${MODEL_MAX_PARAMS.toLocaleString('en')}`)
  }
  return { json, info }
}

/**
 * What a saved model is, without its weights (to describe or draw it): `model.json` checked as
 * `loadTrainedModel` checks it.
 * @throws ModelFileError, LimitError as loadTrainedModel
 */
export async function readTrainedModelInfo(folder: string): Promise<TrainedModelInfo> {
  return (await readModelJson(join(folder, 'model.json'))).info
}

/**
 * Loads a saved model: `model.json` and `weights.bin`, each refused over its size limit before it
 * is read, the spec, vocabulary and song checked with the UI's limits, and the model rebuilt from
 * the checked spec (not from the topology in the file) with the weights checked against it.
 * @throws ModelFileError when the folder holds no readable saved model, naming the file and what is wrong; LimitError for a file or model over its limit
 */
export async function loadTrainedModel(folder: string): Promise<{ model: tf.LayersModel; info: TrainedModelInfo }> {
  const jsonPath = join(folder, 'model.json')
  const weightsPath = join(folder, 'weights.bin')
  const { json, info } = await readModelJson(jsonPath)
  const sizes = json.weightSpecs.map((entry) => entry.shape.reduce((product, dimension) => product * dimension, 1))
  const bytes = sizes.reduce((sum, size) => sum + size, 0) * Float32Array.BYTES_PER_ELEMENT
  if (bytes > SAVED_WEIGHTS_MAX_BYTES) {
    throw new LimitError('SAVED_WEIGHTS_MAX_BYTES', `${jsonPath} describes ${(bytes / 2 ** 20).toFixed(1)} MiB of weights, more than a saved model may have`)
  }
  const weights = await readSavedBytes(weightsPath, SAVED_WEIGHTS_MAX_BYTES, 'SAVED_WEIGHTS_MAX_BYTES')
  if (weights.byteLength !== bytes) {
    throw new ModelFileError(`${weightsPath} holds ${weights.byteLength} bytes, but ${jsonPath} describes ${bytes}: the saved model is damaged`)
  }
  const model = buildModel(info.spec)
  try {
    const expected = model.weights.map((weight) => weight.shape.join('×'))
    const saved = json.weightSpecs.map((entry) => entry.shape.join('×'))
    if (expected.join(' ') !== saved.join(' ')) {
      throw new ModelFileError(`${jsonPath} is damaged: its weights (${saved.join(', ') || 'none'}) do not fit its model (${expected.join(', ')})`)
    }
    let offset = 0
    const tensors = json.weightSpecs.map((entry, i) => {
      const size = sizes[i] ?? 0
      // Copied out: a Float32Array needs an aligned start, which a file's Buffer need not have.
      const values = new Float32Array(weights.buffer.slice(weights.byteOffset + offset, weights.byteOffset + offset + size * Float32Array.BYTES_PER_ELEMENT))
      offset += size * Float32Array.BYTES_PER_ELEMENT
      return tf.tensor(values, entry.shape, 'float32')
    })
    try {
      model.setWeights(tensors)
    } finally {
      tf.dispose(tensors)
    }
  } catch (error) {
    disposeModel(model)
    throw error
  }
  return { model, info }
}
