// Use case: a song saved as a file, in any format the studio writes. Drawing sheet music needs
// jsdom, abcjs and pdfkit: only the training process and the command line load this.
import { exportSong } from '../engine/notation/songFiles'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import type { Melody } from '../engine/notation/melody'
import type { ExportedFile, ExportFormat, ExportOptions } from '../shared/studioApi'
import { melodyToAudioFile } from './exportAudio'

export const EXPORT_TYPES: Record<ExportFormat, { extension: string; mimeType: string }> = {
  midi: { extension: 'mid', mimeType: 'audio/midi' },
  abc: { extension: 'abc', mimeType: 'text/vnd.abc' },
  svg: { extension: 'svg', mimeType: 'image/svg+xml' },
  pdf: { extension: 'pdf', mimeType: 'application/pdf' },
  codes: { extension: 'codes', mimeType: 'text/plain' },
  wav: { extension: 'wav', mimeType: 'audio/wav' },
  mp3: { extension: 'mp3', mimeType: 'audio/mpeg' }
}

/** The format a file name asks for by its extension (.mid, .abc, .svg, .pdf, .codes, .wav, .mp3). */
export function exportFormatOf(fileName: string): ExportFormat | undefined {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase()
  if (extension === 'midi') return 'midi'
  return (Object.keys(EXPORT_TYPES) as ExportFormat[]).find((format) => EXPORT_TYPES[format].extension === extension || (format === 'codes' && extension === 'txt'))
}

/**
 * A melody as a file's bytes: MIDI, ABC or note codes, sheet music as SVG or PDF (jsdom, abcjs
 * and pdfkit are loaded on the first drawing only: they take a second and are not needed to
 * train), or audio as WAV or MP3 played by `options.instrument` (piano) at `options.tempo` (the
 * song's own).
 */
export async function melodyToFileBytes(melody: Melody, format: ExportFormat, options: Omit<ExportOptions, 'name'> = {}): Promise<Uint8Array> {
  if (format === 'wav' || format === 'mp3') return (await melodyToAudioFile(melody, format, options)).bytes
  if (format !== 'svg' && format !== 'pdf') return exportSong(melody, format)
  const drawing = await import('../render/sheetMusic')
  const marks = { ...(options.wrong ? { wrong: options.wrong } : {}), ...(options.wrongLength ? { wrongLength: options.wrongLength } : {}) }
  return format === 'pdf' ? drawing.melodyToPdf(melody, marks) : new TextEncoder().encode(drawing.melodyToSvg(melody, marks))
}

/** A file name's stem as file systems take it: letters, digits, spaces, ()_- only, at most 80 characters. */
export function fileStem(text: string): string {
  return text.replace(/[^\p{L}\p{N} ()_-]+/gu, '').trim().slice(0, 80).trim() || 'melody'
}

/**
 * A melody as a file to save, named `options.name` (the song, the model and the date, as the UI
 * names a prediction) or else for its title; a drawing marks the wrong notes red, those of the
 * wrong length only amber with an "L" above.
 * @throws LimitError for a melody over a limit (its bars, its notes' lengths)
 */
export async function exportSongFile(melody: Melody, format: ExportFormat, options: ExportOptions = {}): Promise<ExportedFile> {
  checkMelodyLimits(melody)
  const bytes = await melodyToFileBytes(melody, format, options)
  // File systems take names of 255 bytes: a long title makes a shorter name.
  const name = fileStem(options.name ?? melody.title)
  const { extension, mimeType } = EXPORT_TYPES[format]
  return { fileName: `${name}.${extension}`, mimeType, base64: Buffer.from(bytes).toString('base64') }
}
