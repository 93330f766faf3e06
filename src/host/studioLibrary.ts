import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../engine/library/atomicWrite'
import type { EpochPoint, LibraryView, RunRecord, RunRequest, StudioSettings, TrainingResult } from '../shared/studioApi'

function isRunRecord(value: unknown): value is RunRecord {
  const record = value as Partial<RunRecord> | null
  return (
    typeof record?.runId === 'string' &&
    typeof record.savedAt === 'string' &&
    typeof record.request?.model === 'string' &&
    Array.isArray(record.history) &&
    typeof record.result?.oneStep?.accuracy === 'number'
  )
}

/**
 * The studio's songs and runs on disk, in the user's data folder: the song being edited
 * (autosaved) and every finished run with its settings, loss per epoch and results. A file that
 * cannot be read is reported and skipped; the rest still loads.
 */
export class StudioLibrary {
  constructor(private readonly folder: string) {}

  /** Trained models, one folder per run (written by the training process). */
  get modelsFolder(): string {
    return join(this.folder, 'models')
  }

  private get runsFolder(): string {
    return join(this.folder, 'runs')
  }

  async saveSong(abc: string): Promise<void> {
    await mkdir(this.folder, { recursive: true })
    await writeFileAtomic(join(this.folder, 'song.json'), JSON.stringify({ abc, savedAt: new Date().toISOString() }))
  }

  async saveSettings(settings: StudioSettings): Promise<void> {
    await mkdir(this.folder, { recursive: true })
    await writeFileAtomic(join(this.folder, 'settings.json'), JSON.stringify(settings))
  }

  async saveRun(request: RunRequest, history: EpochPoint[], result: TrainingResult): Promise<RunRecord> {
    await mkdir(this.runsFolder, { recursive: true })
    const record: RunRecord = { runId: result.runId, savedAt: new Date().toISOString(), request, history, result }
    await writeFileAtomic(join(this.runsFolder, `${result.runId}.json`), JSON.stringify(record))
    return record
  }

  /** One finished run's record, or undefined where there is none that reads. */
  async loadRun(runId: string): Promise<RunRecord | undefined> {
    try {
      const record: unknown = JSON.parse(await readFile(join(this.runsFolder, `${runId}.json`), 'utf8'))
      return isRunRecord(record) ? record : undefined
    } catch {
      return undefined
    }
  }

  async load(): Promise<LibraryView> {
    const problems: string[] = []
    let song: string | null = null
    try {
      const saved = JSON.parse(await readFile(join(this.folder, 'song.json'), 'utf8')) as { abc?: unknown }
      if (typeof saved.abc === 'string') song = saved.abc
      else problems.push('song.json holds no song; it was skipped')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`song.json could not be read (${(error as Error).message}); it was skipped`)
    }
    let settings: StudioSettings = {}
    try {
      const saved = JSON.parse(await readFile(join(this.folder, 'settings.json'), 'utf8')) as { language?: unknown }
      if (saved.language === 'en' || saved.language === 'ko') settings = { language: saved.language }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`settings.json could not be read (${(error as Error).message}); defaults are used`)
    }
    const runs: RunRecord[] = []
    let names: string[] = []
    try {
      names = (await readdir(this.runsFolder)).filter((name) => name.endsWith('.json'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`the runs folder could not be read: ${(error as Error).message}`)
    }
    for (const name of names.sort()) {
      try {
        const record: unknown = JSON.parse(await readFile(join(this.runsFolder, name), 'utf8'))
        if (isRunRecord(record)) runs.push(record)
        else problems.push(`runs/${name} is not a run record; it was skipped`)
      } catch (error) {
        problems.push(`runs/${name} could not be read (${(error as Error).message}); it was skipped`)
      }
    }
    runs.sort((a, b) => a.savedAt.localeCompare(b.savedAt))
    return { song, settings, runs, problems }
  }
}
