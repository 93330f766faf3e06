// Reading songs named on the command line: any format, with a tune or track choice, and errors
// that name the file.
import { readFile } from 'node:fs/promises'
import { songToTrain, type SongToTrain } from '../usecases/trainSong'
import {
  importSong,
  noteCodesToMelody,
  melodyToPlacedCodes,
  OptionError,
  parseNoteCodes,
  SongError,
  songFormatOf,
  StudioError,
  type Melody,
  type PlacedNoteCode,
  type SongFormat
} from '../engine'

export interface SongFileOptions {
  tune?: string
  track?: string
}

export async function readSongBytes(path: string | undefined): Promise<{ path: string; bytes: Uint8Array; format: SongFormat }> {
  if (!path) throw new OptionError('no song given: name a song file (.codes, .abc or .mid), e.g. ../shared/songs/nabiya.codes')
  const format = songFormatOf(path)
  if (!format) throw new OptionError(`${path}: unknown song format; use .codes, .abc, .mid or .midi`)
  try {
    return { path, bytes: new Uint8Array(await readFile(path)), format }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new OptionError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`}`)
  }
}

export function wholeNumberOption(name: string, text: string | undefined): number | undefined {
  const value = numberOption(name, text)
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new OptionError(`--${name} must be a whole number ≥ 0, got ${value}`)
  return value
}

export type SongFile = Awaited<ReturnType<typeof readSongBytes>>

/** Runs `read` on a file's bytes; a song error comes out naming the file. */
export function fromFile<T>(file: SongFile, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof StudioError) throw new SongError(`${file.path}: ${error.message}`)
    throw error
  }
}

export function melodyOf(file: SongFile, options: SongFileOptions): Melody {
  const { melody, warnings } = fromFile(file, () =>
    importSong(file.bytes, file.format, { tune: options.tune, track: wholeNumberOption('track', options.track) })
  )
  for (const warning of warnings) process.stderr.write(`studio: warning: ${file.path}: ${warning}\n`)
  return melody
}

export async function readMelody(path: string | undefined, options: SongFileOptions): Promise<Melody> {
  return melodyOf(await readSongBytes(path), options)
}

/** Note codes keep their place in the text for error messages; other formats go through a melody. */
export async function readSong(path: string | undefined, options: SongFileOptions = {}): Promise<PlacedNoteCode[]> {
  const file = await readSongBytes(path)
  if (file.format === 'codes') return fromFile(file, () => parseNoteCodes(new TextDecoder().decode(file.bytes)))
  return melodyToPlacedCodes(melodyOf(file, options))
}

export function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || Number.isNaN(value)) throw new OptionError(`--${name} must be a number, got '${text}'`)
  return value
}


/** A song file read for training: its notes (code files keep where each was written) and its header. */
export async function readSongToTrain(path: string | undefined, options: SongFileOptions = {}): Promise<SongToTrain> {
  const file = await readSongBytes(path)
  if (file.format !== 'codes') return songToTrain(melodyOf(file, options))
  const notes = fromFile(file, () => parseNoteCodes(new TextDecoder().decode(file.bytes)))
  return songToTrain(noteCodesToMelody(notes), { notes })
}

/** An options object without the keys left undefined (the request's schema has no undefined). */
export function definedOnly<T extends object>(options: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> }
}
