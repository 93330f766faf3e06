import * as tf from '@tensorflow/tfjs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StudioError } from '../errors'
import type { ModelSpec } from '../models/spec'
import type { Melody } from '../notation/melody'
import type { Vocabulary } from '../notation/vocabulary'
import { writeFileAtomic } from './atomicWrite'

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

export class ModelFileError extends StudioError {
  override readonly name = 'ModelFileError'
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

/** @throws ModelFileError when the folder holds no readable saved model */
export async function loadTrainedModel(folder: string): Promise<{ model: tf.LayersModel; info: TrainedModelInfo }> {
  let json: SavedModelJson
  let weights: Buffer
  try {
    json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')) as SavedModelJson
    weights = await readFile(join(folder, 'weights.bin'))
  } catch (error) {
    throw new ModelFileError(`the saved model cannot be read: ${(error as Error).message}`)
  }
  if (json.format !== 'melody-studio-model' || !json.info?.spec) throw new ModelFileError('the saved model is not one of ours')
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength)
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightSpecs, weightData: buffer }))
  return { model, info: json.info }
}
