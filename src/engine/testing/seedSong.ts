// Test helpers: the seed song and its printed dataset, read from ../shared beside the checkout.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseNoteCodes, type PlacedNoteCode } from '../notation/noteCodes'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const SHARED_DIR = resolve(REPO_ROOT, '../shared')

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts)
}

export const NABIYA_CODES_PATH = sharedPath('songs/nabiya.codes')

export function nabiyaNotes(): PlacedNoteCode[] {
  return parseNoteCodes(readFileSync(NABIYA_CODES_PATH, 'utf8'))
}

/** The 50×5 matrix the seed printed for 나비야 with window 4. */
export function seedDatasetRows(): number[][] {
  return readFileSync(sharedPath('songs/seed_dataset.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.trim().split(/\s+/).map(Number))
}
