// Use case: a melody as a sound file (WAV or MP3), played by one instrument of the shipped sound
// font. The font is read from disk once per process and kept: parsing its 11 MB takes longer than
// rendering a short song.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { encodeMp3, encodeWav, loadSoundFont, renderMelodyAudio, type RenderedAudio, type SoundFont } from '../engine/audio'
import type { Melody } from '../engine/notation/melody'
import { DEFAULT_INSTRUMENT, SOUND_FONT_RELATIVE_PATH, type InstrumentId } from '../shared/instruments'
import type { AudioExportFormat } from '../shared/studioNames'

/** Where a different sound font may be named (a larger GM bank, or a packaged app's own layout). */
export const SOUND_FONT_ENV = 'MELODY_STUDIO_SOUNDFONT'

export interface AudioFileOptions {
  readonly instrument?: InstrumentId
  readonly tempo?: number
  readonly sampleRate?: number
}

export interface AudioFile {
  readonly bytes: Uint8Array
  readonly audio: RenderedAudio
  /** Seconds of CPU time the rendering and encoding took (for the CLI's speed line and the bench). */
  readonly cpuSeconds: number
}

/**
 * The places the shipped sound font can be: $MELODY_STUDIO_SOUNDFONT; a packaged app's
 * resources folder (electron-builder's extraResources); the repository, two folders above this
 * module both as source (src/usecases) and as a bundle (out/<process>); the working directory.
 */
export function soundFontCandidates(): string[] {
  const fromEnv = process.env[SOUND_FONT_ENV]
  if (fromEnv) return [fromEnv]
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath
  const here = dirname(fileURLToPath(import.meta.url))
  return [
    ...(packaged ? [resolve(packaged, SOUND_FONT_RELATIVE_PATH.replace(/^resources\//, ''))] : []),
    resolve(here, '../..', SOUND_FONT_RELATIVE_PATH),
    resolve(process.cwd(), SOUND_FONT_RELATIVE_PATH)
  ]
}

let cachedFont: { path: string; font: SoundFont } | undefined

export function shippedSoundFont(): SoundFont {
  const candidates = soundFontCandidates()
  const path = candidates.find((candidate) => existsSync(candidate))
  if (!path) throw new Error(`no sound font to play the melody with: looked for ${candidates.join(', ')}`)
  if (cachedFont?.path !== path) cachedFont = { path, font: loadSoundFont(readFileSync(path)) }
  return cachedFont.font
}

/** The melody rendered and encoded as `format`. */
export async function melodyToAudioFile(melody: Melody, format: AudioExportFormat, options: AudioFileOptions = {}): Promise<AudioFile> {
  const soundFont = shippedSoundFont()
  const before = process.cpuUsage()
  const audio = await renderMelodyAudio(melody, {
    instrument: options.instrument ?? DEFAULT_INSTRUMENT,
    soundFont,
    ...(options.tempo !== undefined ? { tempo: options.tempo } : {}),
    ...(options.sampleRate !== undefined ? { sampleRate: options.sampleRate } : {})
  })
  const bytes = format === 'wav' ? encodeWav(audio.left, audio.right, audio.sampleRate) : encodeMp3(audio.left, audio.right, audio.sampleRate)
  const used = process.cpuUsage(before)
  return { bytes, audio, cpuSeconds: (used.user + used.system) / 1e6 }
}
