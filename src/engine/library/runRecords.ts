import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LayerSpec } from '../models/layers'
import type { EpochMetrics } from '../training/callbacks'
import { writeFileAtomic } from './atomicWrite'
import { ModelFileError } from './modelFiles'

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

/** @throws ModelFileError when the folder holds no run record */
export async function loadRunRecord(folder: string): Promise<SavedRun> {
  let record: SavedRun
  try {
    record = JSON.parse(await readFile(join(folder, 'run.json'), 'utf8')) as SavedRun
  } catch (error) {
    throw new ModelFileError(`${folder}: no run record (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
  if (record.format !== 'melody-studio-run') throw new ModelFileError(`${folder}: run.json is not a run record`)
  return record
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
