// The desktop app's recent files (File › Open recent): paths of songs and projects opened or
// saved, newest first, kept in the user's data folder. No Electron import: a test can call it.
import { mkdir } from 'node:fs/promises'
import { basename, dirname, isAbsolute } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../engine/library/atomicWrite'
import { readSavedJson } from '../engine/library/savedFiles'

/** Files the menu lists: as many as a menu reads at a glance. */
export const RECENT_FILES_MAX = 10
const RECENT_FILE_MAX_BYTES = 64 * 1024
const RECENT_SCHEMA = z.object({ paths: z.array(z.string().min(1).max(4096)).max(100) })

/** The list with `path` first (moved there if it was listed already), at most RECENT_FILES_MAX long. */
export function withRecent(paths: readonly string[], path: string): string[] {
  return [path, ...paths.filter((listed) => listed !== path)].slice(0, RECENT_FILES_MAX)
}

/** What the menu shows for a path: the file's name, then its folder to tell same-named files apart. */
export function recentLabel(path: string): string {
  return `${basename(path)} — ${dirname(path)}`
}

/** The saved list; empty on a first start or where the file does not read (a menu is no place for an error). */
export async function loadRecentFiles(file: string): Promise<string[]> {
  try {
    const { paths } = await readSavedJson(file, RECENT_SCHEMA, RECENT_FILE_MAX_BYTES, 'RECENT_FILE_MAX_BYTES')
    return paths.filter((path) => isAbsolute(path)).slice(0, RECENT_FILES_MAX)
  } catch {
    return []
  }
}

export async function saveRecentFiles(file: string, paths: readonly string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeFileAtomic(file, JSON.stringify({ paths }))
}
