// One record format for every finished run, whoever trained it: the studio's library keeps
// records as `runs/<runId>.json`, the command line as `<folder>/run.json`. Records written before
// the format was shared are read and migrated here, the one place that knows the old shapes.
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../engine/library/atomicWrite'
import { abcToMelodies } from '../engine/notation/abcIn'
import type { Melody } from '../engine/notation/melody'
import { EMPTY_MELODY } from './predictionViews'
import { checkSaved, readSavedJson } from '../engine/library/savedFiles'
import { LAYER_STACK_SCHEMA } from '../shared/layerSpec'
import { ABC_FIELD_MAX_CHARS, ABC_MAX_CHARS, EPOCHS_MAX, MODEL_MAX_PARAMS, SAVED_JSON_MAX_BYTES } from '../shared/limits'
import { HISTORY_SCHEMA, METRIC_SCHEMA, RUN_RECORD_SCHEMA } from '../shared/studioSchemas'
import { STUDIO_MODEL_KINDS, type EpochPoint, type PredictionView, type RunRecord, type RunRequest, type TrainingRequest, type TrainingResult } from '../shared/studioApi'
import type { MetricsRow } from '../shared/metricsCsv'
import { isOutputRole } from '../shared/modelGraph'

export const RUN_RECORD_FILE = 'run.json'

/** A run id from any name: `run-` and lowercase letters, digits and dashes, as the API's schema wants. */
export function runIdFromName(name: string): string {
  const slug = name.toLowerCase().replace(/[^0-9a-z]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
  return `run-${slug || 'unnamed'}`
}

/** Bounded as the record's schema bounds it: a label never makes a record unreadable. */
function label(text: string): string {
  return text.length > ABC_FIELD_MAX_CHARS ? `${text.slice(0, ABC_FIELD_MAX_CHARS - 1)}…` : text
}

/** What a record keeps of a run's request: a corpus by its file names (the files are the person's). */
export function runRequest(request: TrainingRequest): RunRequest {
  const { corpus, ...rest } = request
  if (!corpus) return rest
  const { files, ...settings } = corpus
  return { ...rest, corpus: { ...settings, fileNames: files.map((file) => file.name) } }
}

/** The record of a run, as both the library and the command line save it. */
export function makeRunRecord(fields: {
  runId: string
  name?: string
  trainedOn?: string
  request: RunRequest
  history: readonly EpochPoint[]
  result: TrainingResult
}): RunRecord {
  return {
    format: 'melody-studio-run',
    version: 2,
    runId: fields.runId,
    ...(fields.name !== undefined ? { name: label(fields.name) } : {}),
    ...(fields.trainedOn !== undefined ? { trainedOn: label(fields.trainedOn) } : {}),
    savedAt: new Date().toISOString(),
    request: fields.request,
    history: [...fields.history],
    result: fields.result
  }
}

/** The figures of an epoch a record keeps (the trainer's progress carries speed and time left too). */
export function epochPointOf(progress: MetricsRow): EpochPoint {
  return {
    epoch: progress.epoch,
    loss: progress.loss,
    accuracy: progress.accuracy,
    ...(progress.valLoss !== undefined ? { valLoss: progress.valLoss } : {}),
    ...(progress.valAccuracy !== undefined ? { valAccuracy: progress.valAccuracy } : {}),
    ...(progress.learningRate !== undefined ? { learningRate: progress.learningRate } : {}),
    ...(progress.heads?.length ? { heads: progress.heads.flatMap((head) => (isOutputRole(head.name) ? [{ ...head, name: head.name }] : [])) } : {})
  }
}

export async function saveRunRecord(folder: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(folder, RUN_RECORD_FILE), JSON.stringify(record))
}

// ── Version 1: what `studio train --save` and `train-corpus --save` wrote before version 2 ──
const text = z.string().max(ABC_FIELD_MAX_CHARS)
const epoch = z.number().int().min(0).max(EPOCHS_MAX)
const RUN_RECORD_V1_SCHEMA = z.object({
  format: z.literal('melody-studio-run'),
  version: z.literal(1),
  name: text,
  kind: text,
  layers: LAYER_STACK_SCHEMA.optional(),
  params: z.number().int().min(0).max(MODEL_MAX_PARAMS),
  trainedOn: text,
  epochs: epoch,
  trainMs: z.number().min(0),
  path: text,
  history: HISTORY_SCHEMA,
  oneStep: METRIC_SCHEMA.optional(),
  fullSong: METRIC_SCHEMA.optional(),
  valAccuracy: METRIC_SCHEMA.optional(),
  bestEpoch: epoch.optional()
})

/** A prediction a version-1 record kept only the accuracy of (NaN where it kept none). */
function accuracyOnly(accuracy: number | undefined): PredictionView {
  return { accuracy: accuracy ?? Number.NaN, abc: '', melody: EMPTY_MELODY, wrong: [] }
}

/** A version-1 record as version 2: what it did not keep (the song, the backend) is left empty. */
export function migrateRunRecordV1(old: z.infer<typeof RUN_RECORD_V1_SCHEMA>): RunRecord {
  const runId = runIdFromName(old.name)
  const model = STUDIO_MODEL_KINDS.find((kind) => kind === old.kind) ?? 'lstm'
  const weightsEpoch = old.bestEpoch ?? old.epochs
  return {
    format: 'melody-studio-run',
    version: 2,
    runId,
    name: old.name,
    trainedOn: old.trainedOn,
    savedAt: '',
    request: { abc: '', model, epochs: Math.max(old.epochs, 1), untilPerfect: false, ...(old.layers ? { options: { layers: old.layers } } : {}) },
    history: old.history,
    result: {
      runId,
      model,
      backend: 'unknown',
      trainingPath: old.path,
      params: old.params,
      epochs: old.epochs,
      trainMs: old.trainMs,
      oneStep: accuracyOnly(old.oneStep),
      fullSong: accuracyOnly(old.fullSong),
      weightsEpoch,
      ...(old.valAccuracy !== undefined
        ? {
            corpus: {
              songs: 0,
              heldOut: 0,
              transposed: 0,
              vocabulary: 0,
              windows: 0,
              validationWindows: 0,
              bestValAccuracy: old.valAccuracy,
              bestEpoch: weightsEpoch,
              evaluatedOn: '',
              skipped: []
            }
          }
        : {})
    }
  }
}

/** The melody of ABC a record kept (an older record kept only the text); a melody with no notes where it has none. */
function melodyOfKeptAbc(abc: unknown): Melody {
  if (typeof abc !== 'string' || abc.trim() === '' || abc.length > ABC_MAX_CHARS) return EMPTY_MELODY
  try {
    return abcToMelodies(abc).tunes[0]?.melody ?? EMPTY_MELODY
  } catch {
    return EMPTY_MELODY
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Records saved before melodies crossed between processes kept a song, and each prediction and
 * continuation, as ABC only: their melodies are read from that ABC once, here, so the UI can
 * export and train them again as any other. The schema then checks the record whole.
 */
function withMelodiesFromAbc(json: unknown): unknown {
  if (!isObject(json) || !isObject(json['result'])) return json
  const fill = (view: unknown) => (isObject(view) && !('melody' in view) ? { ...view, melody: melodyOfKeptAbc(view['abc']) } : view)
  const result = json['result']
  const request = json['request']
  return {
    ...json,
    ...(isObject(request) && !('melody' in request) && !('corpus' in request) && typeof request['abc'] === 'string' && request['abc'] !== ''
      ? { request: { ...request, melody: melodyOfKeptAbc(request['abc']) } }
      : {}),
    result: {
      ...result,
      oneStep: fill(result['oneStep']),
      fullSong: fill(result['fullSong']),
      ...(Array.isArray(result['continuations']) ? { continuations: result['continuations'].map(fill) } : {})
    }
  }
}

/**
 * A run record read from a file, of any version: checked field by field against its version's
 * schema, an older one migrated.
 * @throws ModelFileError naming the file and the field when it is damaged or not a run record
 */
export function runRecordFromJson(path: string, json: unknown): RunRecord {
  const version = (json as { version?: unknown } | null)?.version
  if (version === 1) return migrateRunRecordV1(checkSaved(path, RUN_RECORD_V1_SCHEMA, json))
  return checkSaved(path, RUN_RECORD_SCHEMA, withMelodiesFromAbc(json))
}

/**
 * A saved run's record (`<folder>/run.json`), refused over SAVED_JSON_MAX_BYTES before it is read.
 * @throws ModelFileError when the folder holds no run record, or a damaged one; LimitError when it is too large
 */
export async function loadRunRecord(folder: string): Promise<RunRecord> {
  const path = join(folder, RUN_RECORD_FILE)
  return runRecordFromJson(path, await readSavedJson(path, z.unknown(), SAVED_JSON_MAX_BYTES, 'SAVED_JSON_MAX_BYTES'))
}

/** The seed's summary figure as a table: one row per run. */
export function compareRuns(records: readonly RunRecord[]): { header: string[]; rows: string[][] } {
  const percent = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)} %`)
  const header = ['run', 'model', 'params', 'epochs', 'time', 'loss', 'accuracy', 'val accuracy', 'one-step', 'full song']
  const rows = records.map((record) => {
    const last = record.history.at(-1)
    const layers = record.request.options?.layers
    return [
      record.name ?? record.runId,
      layers ? `${record.request.model} + ${layers.map((layer) => layer.type).join('/')}` : record.request.model,
      record.result.params.toLocaleString('en'),
      String(record.result.epochs),
      `${(record.result.trainMs / 1000).toFixed(1)} s`,
      last ? last.loss.toFixed(4) : '—',
      percent(last?.accuracy),
      percent(record.result.corpus?.bestValAccuracy),
      percent(record.result.oneStep.accuracy),
      percent(record.result.fullSong.accuracy)
    ]
  })
  return { header, rows }
}
