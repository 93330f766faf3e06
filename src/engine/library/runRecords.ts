import { join } from 'node:path'
import { z } from 'zod'
import { LAYER_STACK_SCHEMA } from '../../shared/layerSpec'
import { ABC_FIELD_MAX_CHARS, EPOCHS_MAX, MODEL_MAX_PARAMS, SAVED_JSON_MAX_BYTES } from '../../shared/limits'
import { HISTORY_SCHEMA, METRIC_SCHEMA } from '../../shared/savedSchemas'
import type { LayerSpec } from '../models/layers'
import type { EpochMetrics } from '../training/callbacks'
import { writeFileAtomic } from './atomicWrite'
import { readSavedJson } from './savedFiles'

/** What a finished run says about itself beside its model: for comparing runs later. */
export interface SavedRun {
  readonly format: 'melody-studio-run'
  readonly version: 1
  readonly name: string
  readonly kind: string
  readonly layers?: readonly LayerSpec[]
  readonly params: number
  readonly trainedOn: string
  readonly epochs: number
  readonly trainMs: number
  readonly path: string
  readonly history: readonly EpochMetrics[]
  /** One-step and full-song accuracy on the song (song runs). */
  readonly oneStep?: number
  readonly fullSong?: number
  /** Best validation accuracy (corpus runs), and the epoch it came at. */
  readonly valAccuracy?: number
  readonly bestEpoch?: number
}

export async function saveRunRecord(folder: string, record: Omit<SavedRun, 'format' | 'version'>): Promise<void> {
  const full: SavedRun = { format: 'melody-studio-run', version: 1, ...record }
  await writeFileAtomic(join(folder, 'run.json'), JSON.stringify(full))
}

const text = z.string().max(ABC_FIELD_MAX_CHARS)
const epoch = z.number().int().min(0).max(EPOCHS_MAX)

const SAVED_RUN_SCHEMA = z.object({
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
}) satisfies z.ZodType<SavedRun>

/**
 * A saved run's record, refused over SAVED_JSON_MAX_BYTES before it is read and checked field by field.
 * @throws ModelFileError when the folder holds no run record, or one that is damaged (naming the file and the field); LimitError when it is too large
 */
export async function loadRunRecord(folder: string): Promise<SavedRun> {
  return readSavedJson(join(folder, 'run.json'), SAVED_RUN_SCHEMA, SAVED_JSON_MAX_BYTES, 'SAVED_JSON_MAX_BYTES')
}

/** The seed's summary figure as a table: one row per run. */
export function compareRuns(records: readonly SavedRun[]): { header: string[]; rows: string[][] } {
  const percent = (x: number | undefined) => (x === undefined ? '—' : `${(x * 100).toFixed(1)} %`)
  const header = ['run', 'model', 'params', 'epochs', 'time', 'loss', 'accuracy', 'val accuracy', 'one-step', 'full song']
  const rows = records.map((record) => {
    const last = record.history.at(-1)
    return [
      record.name,
      record.layers ? `${record.kind} + ${record.layers.map((layer) => layer.type).join('/')}` : record.kind,
      record.params.toLocaleString('en'),
      String(record.epochs),
      `${(record.trainMs / 1000).toFixed(1)} s`,
      last ? last.loss.toFixed(4) : '—',
      percent(last?.accuracy),
      percent(record.valAccuracy),
      percent(record.oneStep),
      percent(record.fullSong)
    ]
  })
  return { header, rows }
}
