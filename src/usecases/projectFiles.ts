// Use case: a song and its runs as one project file (`.mstudio`), and such a file read back. Pure:
// the host reads the library's records and model files and writes what a project brings (see
// host/studioService), so every check of a hostile file is here, where a test can call it.
import { z } from 'zod'
import { LimitError, StudioError } from '../engine/errors'
import { ModelFileError } from '../engine/library/savedFiles'
import { saying } from '../shared/engineMessages'
import { PROJECT_MAX_BYTES, PROJECT_MAX_RUNS } from '../shared/limits'
import { MODEL_FILE_NAME_SCHEMA, PROJECT_EXTENSION, PROJECT_FILE_SCHEMA, PROJECT_FORMAT } from '../shared/studioSchemas'
import type { ExportedFile, RunRecord } from '../shared/studioApi'
import { fileStem } from './exportSong'
import { runRecordFromJson } from './runRecords'

export { isProjectFileName } from '../shared/studioSchemas'
export const PROJECT_MIME_TYPE = 'application/json'

/** A project file that cannot be opened: not a project, a newer version, or damaged (naming the field). */
export class ProjectFileError extends StudioError {
  override readonly name = 'ProjectFileError'
}

/** A run as a project carries it: its record and its saved model's files, by file name. */
export interface ProjectRun {
  readonly record: RunRecord
  readonly model: ReadonlyMap<string, Uint8Array>
}

/** A project file read back: the song's text and its runs, every field checked. */
export interface OpenedProjectFile {
  readonly song: string
  readonly runs: readonly ProjectRun[]
}

/**
 * Whether a run belongs to the song being edited, and so goes into its project: it was trained on
 * this very text, or on a song of the same title (the text edited since). Corpus runs trained on
 * many songs and belong to none.
 */
export function isRunOfSong(record: RunRecord, song: { readonly abc: string; readonly title: string }): boolean {
  if (record.request.corpus !== undefined) return false
  if (record.request.abc !== undefined && record.request.abc === song.abc) return true
  const title = song.title.trim()
  return title !== '' && record.request.melody?.title.trim() === title
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`
}

/**
 * The project file of a song and its runs: JSON, named for the song's title.
 * @throws LimitError when the runs' models come to more than PROJECT_MAX_BYTES, or there are more than PROJECT_MAX_RUNS runs (it could not be opened again)
 */
export function buildProjectFile(song: { readonly abc: string; readonly title: string }, runs: readonly ProjectRun[], savedAt = new Date()): ExportedFile {
  if (runs.length > PROJECT_MAX_RUNS) throw new LimitError('PROJECT_MAX_RUNS', `the song has ${runs.length} runs, more than a project holds (${PROJECT_MAX_RUNS}); delete some first`)
  const project: z.input<typeof PROJECT_FILE_SCHEMA> = {
    format: PROJECT_FORMAT,
    version: 1,
    savedAt: savedAt.toISOString(),
    song: { abc: song.abc },
    runs: runs.map(({ record, model }) => ({
      // What is held only in memory (why it could not be saved) is this studio's, not the project's.
      record: { ...record, unsaved: undefined },
      model: Object.fromEntries([...model].map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]))
    }))
  }
  const bytes = Buffer.from(JSON.stringify(project), 'utf8')
  if (bytes.byteLength > PROJECT_MAX_BYTES) {
    throw new LimitError('PROJECT_MAX_BYTES', `the project would be ${megabytes(bytes.byteLength)}, larger than ${megabytes(PROJECT_MAX_BYTES)}; delete some of the song's runs first`)
  }
  return { fileName: `${fileStem(song.title)}.${PROJECT_EXTENSION}`, mimeType: PROJECT_MIME_TYPE, base64: bytes.toString('base64') }
}

/**
 * A project file's bytes read back: its size bounded before it is parsed, the envelope checked
 * against the schema, each run record read by runRecordFromJson (any version, migrated) and each
 * model file's name checked so it cannot name a path.
 * @throws LimitError over PROJECT_MAX_BYTES; ProjectFileError for anything else that is not a project this studio can open
 */
export function readProjectFile(bytes: Uint8Array): OpenedProjectFile {
  if (bytes.byteLength > PROJECT_MAX_BYTES) {
    throw new LimitError('PROJECT_MAX_BYTES', `the project is ${megabytes(bytes.byteLength)}, larger than ${megabytes(PROJECT_MAX_BYTES)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    throw new ProjectFileError(saying('notAProjectJson'))
  }
  const envelope = json as { format?: unknown; version?: unknown } | null
  if (typeof envelope !== 'object' || envelope === null || envelope.format !== PROJECT_FORMAT) throw new ProjectFileError(saying('notAProject'))
  if (typeof envelope.version === 'number' && envelope.version > 1) {
    throw new ProjectFileError(saying('projectFromNewerStudio', { version: String(envelope.version) }))
  }
  const parsed = PROJECT_FILE_SCHEMA.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : ''
    throw new ProjectFileError(saying('projectDamaged', { detail: `${field}${issue?.message ?? 'not as expected'}` }))
  }
  const seen = new Set<string>()
  const runs = parsed.data.runs.map(({ record: json, model }, index): ProjectRun => {
    let record: RunRecord
    try {
      record = runRecordFromJson(`the project's run ${index + 1}`, json)
    } catch (error) {
      throw error instanceof ModelFileError ? new ProjectFileError(error.message) : error
    }
    if (seen.has(record.runId)) throw new ProjectFileError(`the project is damaged: it holds run ${record.runId} twice`)
    seen.add(record.runId)
    const files = new Map<string, Uint8Array>()
    for (const [name, base64] of Object.entries(model)) {
      // The schema checked the names already; checked again here because a path is what a crafted file would aim at.
      MODEL_FILE_NAME_SCHEMA.parse(name)
      files.set(name, new Uint8Array(Buffer.from(base64, 'base64')))
    }
    return { record, model: files }
  })
  return { song: parsed.data.song.abc, runs }
}
