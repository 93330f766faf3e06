// What the studio reads back from its data folder is checked as strictly as what the UI sends:
// these schemas bound every array and string by the limits in ./limits, so a damaged or crafted
// run record is refused whole, with the field that is wrong.
import { z } from 'zod'
import {
  ABC_FIELD_MAX_CHARS,
  ABC_MAX_CHARS,
  CONTINUE_MAX_VARIATIONS,
  CORPUS_MAX_FILES,
  EPOCHS_MAX,
  HISTORY_MAX_POINTS,
  MODEL_MAX_PARAMS,
  SONG_MAX_NOTES
} from './limits'
import { STUDIO_MODEL_KINDS, type FailedRunRecord, type RunRecord, type TrainingResult } from './studioApi'
import { RUN_ID_SCHEMA, RUN_REQUEST_SCHEMA } from './studioSchemas'

/** A loss or accuracy: JSON writes a diverged run's NaN (or an infinity) as null, read back as NaN. */
export const METRIC_SCHEMA = z.union([z.number(), z.null().transform(() => Number.NaN)])

const count = (max: number) => z.number().int().min(0).max(max)
const epoch = count(EPOCHS_MAX)
const text = z.string().max(ABC_FIELD_MAX_CHARS)

/** One epoch of a saved curve (a metrics log's row: `elapsedMs` where it was measured). */
export const EPOCH_POINT_SCHEMA = z.object({
  epoch,
  loss: METRIC_SCHEMA,
  accuracy: METRIC_SCHEMA,
  valLoss: METRIC_SCHEMA.optional(),
  valAccuracy: METRIC_SCHEMA.optional(),
  learningRate: METRIC_SCHEMA.optional(),
  elapsedMs: z.number().min(0).optional()
})

export const HISTORY_SCHEMA = z.array(EPOCH_POINT_SCHEMA).max(HISTORY_MAX_POINTS)

const prediction = z.object({
  accuracy: METRIC_SCHEMA,
  abc: z.string().max(ABC_MAX_CHARS),
  wrong: z.array(count(SONG_MAX_NOTES)).max(SONG_MAX_NOTES)
})

export const TRAINING_RESULT_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  model: z.enum(STUDIO_MODEL_KINDS),
  backend: text,
  trainingPath: text.optional(),
  params: count(MODEL_MAX_PARAMS),
  epochs: epoch,
  trainMs: z.number().min(0),
  oneStep: prediction,
  fullSong: prediction,
  continuations: z.array(z.object({ seed: z.number().int(), abc: z.string().max(ABC_MAX_CHARS) })).max(CONTINUE_MAX_VARIATIONS).optional(),
  stoppedEarly: z.object({ epoch, bestEpoch: epoch }).optional(),
  stoppedByUser: z.object({ epoch }).optional(),
  weightsEpoch: epoch.optional(),
  corpus: z
    .object({
      songs: count(Number.MAX_SAFE_INTEGER),
      heldOut: count(Number.MAX_SAFE_INTEGER),
      transposed: count(Number.MAX_SAFE_INTEGER),
      vocabulary: count(Number.MAX_SAFE_INTEGER),
      windows: count(Number.MAX_SAFE_INTEGER),
      validationWindows: count(Number.MAX_SAFE_INTEGER),
      bestValAccuracy: METRIC_SCHEMA,
      bestEpoch: epoch,
      evaluatedOn: text,
      // Files, or tunes of a tune book, left out: a few per file at most in practice.
      skipped: z.array(text).max(CORPUS_MAX_FILES * 100)
    })
    .optional(),
  saveError: text.optional()
}) satisfies z.ZodType<TrainingResult>

/** The request a run record keeps; fields an older studio wrote and this one no longer has are dropped. */
const savedRequest = z.object(RUN_REQUEST_SCHEMA.shape)

const savedAt = z.string().max(64)

/** A finished run's record as the library saves it (`runs/<runId>.json`). */
export const RUN_RECORD_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  savedAt,
  request: savedRequest,
  history: HISTORY_SCHEMA,
  result: TRAINING_RESULT_SCHEMA
}) satisfies z.ZodType<RunRecord>

/** A failed run's record (`runs/<runId>.json` too, told apart by its status). */
export const FAILED_RUN_SCHEMA = z.object({
  runId: RUN_ID_SCHEMA,
  savedAt,
  status: z.literal('failed'),
  request: savedRequest,
  history: HISTORY_SCHEMA,
  error: z.object({ name: text, message: z.string().max(ABC_MAX_CHARS) })
}) satisfies z.ZodType<FailedRunRecord>
