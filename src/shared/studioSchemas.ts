// Every message from the UI is checked against these before main or the server acts on it.
import { z } from 'zod'
import { LAYER_STACK_SCHEMA } from './layerSpec'
import { CONTINUE_MAX_BARS } from './limits'
import {
  CORPUS_MAX_FILES,
  EPOCHS_MAX,
  EXPORT_FORMATS,
  IMPORT_MAX_BYTES,
  MONITOR_NAMES,
  SONG_TEXT_MAX_CHARS,
  STUDIO_MODEL_KINDS,
  type StudioMethod
} from './studioApi'

const songText = z.string().max(SONG_TEXT_MAX_CHARS)
const modelKind = z.enum(STUDIO_MODEL_KINDS)
const modelOptions = z.strictObject({
  layers: LAYER_STACK_SCHEMA.optional(),
  stateful: z.boolean().optional(),
  twoFeatures: z.boolean().optional(),
  units: z.number().int().min(1).max(1024).optional(),
  window: z.number().int().min(1).max(256).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  learningRate: z.number().positive().max(10).optional(),
  seed: z.number().int().min(0).max(2 ** 31).optional()
})

const base64File = z.string().max(Math.ceil(IMPORT_MAX_BYTES / 3) * 4)
const fileName = z.string().min(1).max(255)
const monitor = z.enum(MONITOR_NAMES)
const runId = z.string().regex(/^run-[0-9a-z-]{1,64}$/)
const patience = z.number().int().min(1).max(1000)
const callbacks = z.strictObject({
  earlyStopping: z.strictObject({ monitor, patience, restoreBestWeights: z.boolean() }).optional(),
  reduceLrOnPlateau: z
    .strictObject({ monitor, factor: z.number().gt(0).lt(1), patience, minLearningRate: z.number().min(0).max(1).optional() })
    .optional()
})
const corpus = z.strictObject({
  files: z.array(z.strictObject({ name: fileName, base64: base64File })).min(1).max(CORPUS_MAX_FILES),
  validationShare: z.number().gt(0).lt(1),
  transpose: z.number().int().min(0).max(12)
})

const trainingRequest = z.strictObject({
  abc: songText,
  model: modelKind,
  epochs: z.number().int().min(1).max(EPOCHS_MAX),
  untilPerfect: z.boolean(),
  options: modelOptions.optional(),
  callbacks: callbacks.optional(),
  corpus: corpus.optional(),
  resumeFrom: z.strictObject({ runId, afterEpoch: z.number().int().min(0).max(EPOCHS_MAX) }).optional()
})

/** A request as a run record keeps it (a corpus by its file names): run records read back from disk are checked with it. */
export const RUN_REQUEST_SCHEMA = trainingRequest.extend({
  corpus: corpus.omit({ files: true }).extend({ fileNames: z.array(fileName).max(CORPUS_MAX_FILES) }).optional()
})

export const RUN_ID_SCHEMA = runId

export const STUDIO_ARGUMENTS = {
  getAppInfo: z.tuple([]),
  checkSong: z.tuple([songText]),
  describeModel: z.tuple([songText, modelKind, modelOptions]),
  getBackend: z.tuple([]),
  startTraining: z.tuple([trainingRequest]),
  stopTraining: z.tuple([runId]),
  predictAgain: z.tuple([runId]),
  continueMelody: z.tuple([
    runId,
    z.strictObject({
      bars: z.number().int().min(1).max(CONTINUE_MAX_BARS),
      temperature: z.number().min(0).max(10),
      topK: z.number().int().min(1).max(1000).optional(),
      seed: z.number().int().min(0).max(2 ** 31),
      variations: z.number().int().min(1).max(8),
      primeAbc: songText.optional()
    })
  ]),
  exportSong: z.tuple([songText, z.enum(EXPORT_FORMATS)]),
  loadLibrary: z.tuple([]),
  importFile: z.tuple([fileName, base64File, z.string().max(32).optional()]),
  saveSong: z.tuple([songText]),
  saveSettings: z.tuple([z.strictObject({ language: z.enum(['en', 'ko']).optional(), midiInput: z.boolean().optional() })])
} as const satisfies Record<StudioMethod, z.ZodType<unknown[]>>

export function isStudioMethod(name: string): name is StudioMethod {
  return Object.hasOwn(STUDIO_ARGUMENTS, name)
}
