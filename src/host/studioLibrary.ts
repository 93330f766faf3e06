import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../engine/library/atomicWrite'
import { checkSaved, ModelFileError, readSavedBytes, readSavedJson } from '../engine/library/savedFiles'
import { PROJECT_MAX_BYTES, PROJECT_MAX_MODEL_FILES, SAVED_JSON_MAX_BYTES, SONG_TEXT_MAX_CHARS } from '../shared/limits'
import { FAILED_RUN_SCHEMA, MODEL_FILE_NAME_SCHEMA } from '../shared/studioSchemas'
import { InvalidMessageError } from '../shared/studioErrors'
import { runRecordFromJson } from '../usecases/runRecords'
import type { EpochPoint, FailedRunRecord, LibraryView, RunRecord, RunRequest, SerializedError, StudioSettings } from '../shared/studioApi'

const SONG_FILE_SCHEMA = z.object({ abc: z.string().max(SONG_TEXT_MAX_CHARS) })
const SETTINGS_FILE_SCHEMA = z.object({ language: z.unknown().optional(), midiInput: z.unknown().optional() })

/** A run's record read from disk: a finished run's, or a failed one's (told apart by its status). */
async function readRecord(path: string): Promise<RunRecord | FailedRunRecord> {
  const json = await readSavedJson(path, z.unknown(), SAVED_JSON_MAX_BYTES, 'SAVED_JSON_MAX_BYTES')
  const failed = (json as { status?: unknown } | null)?.status === 'failed'
  return failed ? checkSaved(path, FAILED_RUN_SCHEMA, json) : runRecordFromJson(path, json)
}

function isFailed(record: RunRecord | FailedRunRecord): record is FailedRunRecord {
  return 'status' in record && record.status === 'failed'
}

function isMissing(error: unknown): boolean {
  return error instanceof ModelFileError && error.missing
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The studio's songs and runs on disk, in the user's data folder: the song being edited
 * (autosaved), every finished run with its settings, loss per epoch and results, and every failed
 * run with its curve so far and why. Every file read back is size-capped and checked against its
 * schema; a file that cannot be read is reported and skipped, the rest still loads. A run record
 * that cannot be saved is kept in memory, listed as unsaved, and saved again with the next save.
 */
export class StudioLibrary {
  /** Records that could not be saved, by run: the record and why it could not be. */
  private readonly unsaved = new Map<string, { record: RunRecord | FailedRunRecord; reason: string }>()
  private retrying: Promise<void> | undefined

  constructor(private readonly folder: string) {}

  /** Trained models, one folder per run (written by the training process). */
  get modelsFolder(): string {
    return join(this.folder, 'models')
  }

  private get runsFolder(): string {
    return join(this.folder, 'runs')
  }

  async saveSong(abc: string): Promise<void> {
    await this.saveUnsaved()
    await mkdir(this.folder, { recursive: true })
    await writeFileAtomic(join(this.folder, 'song.json'), JSON.stringify({ abc, savedAt: new Date().toISOString() }))
  }

  /** Saves the settings named, keeping the others as saved (the UI sends what it changes). */
  async saveSettings(settings: StudioSettings): Promise<void> {
    await this.saveUnsaved()
    await mkdir(this.folder, { recursive: true })
    const current = await this.readSettings().catch(() => ({}))
    await writeFileAtomic(join(this.folder, 'settings.json'), JSON.stringify({ ...current, ...settings }))
  }

  /** The saved settings that read as settings; unknown or malformed values are dropped. */
  private async readSettings(): Promise<StudioSettings> {
    const saved = await readSavedJson(join(this.folder, 'settings.json'), SETTINGS_FILE_SCHEMA, SAVED_JSON_MAX_BYTES, 'SAVED_JSON_MAX_BYTES')
    return {
      ...(saved.language === 'en' || saved.language === 'ko' ? { language: saved.language } : {}),
      ...(typeof saved.midiInput === 'boolean' ? { midiInput: saved.midiInput } : {})
    }
  }

  /**
   * Saves a finished run's record.
   * @throws the write's error when it cannot be saved: the record is then kept in memory, listed by load() as unsaved and saved again with the next save
   */
  async saveRun(record: RunRecord): Promise<RunRecord> {
    await this.saveRecord(record)
    return record
  }

  /**
   * Saves the record of a run that failed: what it was asked, its curve so far and the error.
   * @throws as saveRun, keeping the record in memory in the same way
   */
  async saveFailedRun(request: RunRequest, history: EpochPoint[], runId: string, error: SerializedError): Promise<FailedRunRecord> {
    const record: FailedRunRecord = { runId, savedAt: new Date().toISOString(), status: 'failed', request, history, error: { name: error.name, message: error.message } }
    await this.saveRecord(record)
    return record
  }

  /** One finished run's record, or undefined where there is none that reads (one held unsaved counts). */
  async loadRun(runId: string): Promise<RunRecord | undefined> {
    const held = this.unsaved.get(runId)?.record
    if (held) return isFailed(held) ? undefined : held
    try {
      const record = await readRecord(join(this.runsFolder, `${runId}.json`))
      return !isFailed(record) && record.runId === runId ? record : undefined
    } catch {
      return undefined
    }
  }

  /**
   * Deletes a run: its record (finished or failed, saved or held unsaved) and its saved model.
   * @throws InvalidMessageError when the library has no such run
   */
  async deleteRun(runId: string): Promise<void> {
    const held = this.unsaved.delete(runId)
    const record = join(this.runsFolder, `${runId}.json`)
    const onDisk = await stat(record).then(
      () => true,
      () => false
    )
    if (!held && !onDisk) throw new InvalidMessageError(`there is no run ${runId} to delete`)
    // The model first: a record left without its model still lists, a model without a record would not.
    await rm(join(this.modelsFolder, runId), { recursive: true, force: true })
    if (onDisk) await rm(record, { force: true })
  }

  /** Whether the library has a run of this id, finished or failed, saved or held unsaved. */
  async hasRun(runId: string): Promise<boolean> {
    if (this.unsaved.has(runId)) return true
    return stat(join(this.runsFolder, `${runId}.json`)).then(
      () => true,
      () => false
    )
  }

  /**
   * A run's saved model as its files' bytes, by name (empty where it has none: its model could
   * not be saved). Each file is size-capped; a name a project could not carry is left out.
   */
  async readModelFiles(runId: string): Promise<Map<string, Uint8Array>> {
    const folder = this.modelFolder(runId)
    let names: string[]
    try {
      names = await readdir(folder)
    } catch {
      return new Map()
    }
    const files = new Map<string, Uint8Array>()
    for (const name of names.sort()) {
      if (!MODEL_FILE_NAME_SCHEMA.safeParse(name).success || files.size >= PROJECT_MAX_MODEL_FILES) continue
      if (!(await stat(join(folder, name))).isFile()) continue
      files.set(name, new Uint8Array(await readSavedBytes(join(folder, name), PROJECT_MAX_BYTES, 'PROJECT_MAX_BYTES')))
    }
    return files
  }

  /**
   * Adds a run brought from elsewhere (a project file): its model's files first, then its record,
   * so a record never lists without the model it names.
   * @throws InvalidMessageError for a model file name that is not a plain file name (it could reach outside the run's folder)
   */
  async addRun(record: RunRecord, modelFiles: ReadonlyMap<string, Uint8Array>): Promise<void> {
    const folder = this.modelFolder(record.runId)
    for (const name of modelFiles.keys()) {
      const inside = relative(folder, resolve(folder, name))
      if (!MODEL_FILE_NAME_SCHEMA.safeParse(name).success || inside === '' || inside.startsWith('..') || inside.includes(sep)) {
        throw new InvalidMessageError(`${JSON.stringify(name.slice(0, 100))} is not a model file name`)
      }
    }
    if (modelFiles.size > 0) await mkdir(folder, { recursive: true })
    for (const [name, bytes] of modelFiles) await writeFileAtomic(join(folder, name), bytes)
    await this.saveRecord(record)
  }

  /** A run's saved model's folder; the id is the schema's (`run-` and letters, digits, dashes), never a path. */
  private modelFolder(runId: string): string {
    return join(this.modelsFolder, runId)
  }

  /** Tries again to save the records that could not be saved; those that still cannot stay in memory. Never throws. */
  saveUnsaved(): Promise<void> {
    if (this.unsaved.size === 0) return Promise.resolve()
    this.retrying ??= (async () => {
      for (const [runId, { record }] of [...this.unsaved]) {
        try {
          await this.writeRecord(record)
          this.unsaved.delete(runId)
        } catch (error) {
          this.unsaved.set(runId, { record, reason: reason(error) })
        }
      }
    })().finally(() => {
      this.retrying = undefined
    })
    return this.retrying
  }

  private async saveRecord(record: RunRecord | FailedRunRecord): Promise<void> {
    try {
      await this.writeRecord(record)
    } catch (error) {
      this.unsaved.set(record.runId, { record, reason: reason(error) })
      throw error
    }
    await this.saveUnsaved()
  }

  private async writeRecord(record: RunRecord | FailedRunRecord): Promise<void> {
    await mkdir(this.runsFolder, { recursive: true })
    await writeFileAtomic(join(this.runsFolder, `${record.runId}.json`), JSON.stringify(record))
  }

  async load(): Promise<LibraryView> {
    await this.saveUnsaved()
    const problems: string[] = []
    let song: string | null = null
    try {
      song = (await readSavedJson(join(this.folder, 'song.json'), SONG_FILE_SCHEMA, SAVED_JSON_MAX_BYTES, 'SAVED_JSON_MAX_BYTES')).abc
    } catch (error) {
      if (!isMissing(error)) problems.push(`${reason(error)}; the song was skipped`)
    }
    let settings: StudioSettings = {}
    try {
      settings = await this.readSettings()
    } catch (error) {
      if (!isMissing(error)) problems.push(`${reason(error)}; defaults are used`)
    }
    const runs: RunRecord[] = []
    const failedRuns: FailedRunRecord[] = []
    let names: string[] = []
    try {
      names = (await readdir(this.runsFolder)).filter((name) => name.endsWith('.json'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`the runs folder could not be read: ${reason(error)}`)
    }
    for (const name of names.sort()) {
      try {
        const record = await readRecord(join(this.runsFolder, name))
        if (isFailed(record)) failedRuns.push(record)
        else runs.push(record)
      } catch (error) {
        problems.push(`${reason(error)}; it was skipped`)
      }
    }
    // Runs that could not be saved are shown all the same, marked with why.
    const onDisk = new Set([...runs, ...failedRuns].map((record) => record.runId))
    for (const { record, reason: why } of this.unsaved.values()) {
      if (onDisk.has(record.runId)) continue
      if (isFailed(record)) failedRuns.push({ ...record, unsaved: why })
      else runs.push({ ...record, unsaved: why })
    }
    runs.sort((a, b) => a.savedAt.localeCompare(b.savedAt))
    failedRuns.sort((a, b) => a.savedAt.localeCompare(b.savedAt))
    return { song, settings, runs, failedRuns, problems }
  }
}
