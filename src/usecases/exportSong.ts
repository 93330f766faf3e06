// Use case: a song saved as a file, in any format the studio writes. Drawing sheet music needs
// jsdom, abcjs and pdfkit: only the training process and the command line load this.
import { exportSong } from '../engine/notation/songFiles'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import type { Melody } from '../engine/notation/melody'
import type { ExportedFile, ExportFormat } from '../shared/studioApi'

export const EXPORT_TYPES: Record<ExportFormat, { extension: string; mimeType: string }> = {
  midi: { extension: 'mid', mimeType: 'audio/midi' },
  abc: { extension: 'abc', mimeType: 'text/vnd.abc' },
  svg: { extension: 'svg', mimeType: 'image/svg+xml' },
  pdf: { extension: 'pdf', mimeType: 'application/pdf' },
  codes: { extension: 'codes', mimeType: 'text/plain' }
}

/** The format a file name asks for by its extension (.mid, .abc, .svg, .pdf, .codes). */
export function exportFormatOf(fileName: string): ExportFormat | undefined {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase()
  if (extension === 'midi') return 'midi'
  return (Object.keys(EXPORT_TYPES) as ExportFormat[]).find((format) => EXPORT_TYPES[format].extension === extension || (format === 'codes' && extension === 'txt'))
}

/**
 * A melody as a file's bytes: MIDI, ABC or note codes, or sheet music as SVG or PDF (jsdom,
 * abcjs and pdfkit are loaded on the first drawing only: they take a second and are not needed
 * to train).
 */
export async function melodyToFileBytes(melody: Melody, format: ExportFormat): Promise<Uint8Array> {
  if (format !== 'svg' && format !== 'pdf') return exportSong(melody, format)
  const drawing = await import('../render/sheetMusic')
  return format === 'pdf' ? drawing.melodyToPdf(melody) : new TextEncoder().encode(drawing.melodyToSvg(melody))
}

/**
 * A melody as a file to save, named for its title.
 * @throws LimitError for a melody over a limit (its bars, its notes' lengths)
 */
export async function exportSongFile(melody: Melody, format: ExportFormat): Promise<ExportedFile> {
  checkMelodyLimits(melody)
  const bytes = await melodyToFileBytes(melody, format)
  // File systems take names of 255 bytes: a long title makes a shorter name.
  const name = (melody.title || 'melody').replace(/[^\p{L}\p{N} ()_-]+/gu, '').trim().slice(0, 80).trim() || 'melody'
  const { extension, mimeType } = EXPORT_TYPES[format]
  return { fileName: `${name}.${extension}`, mimeType, base64: Buffer.from(bytes).toString('base64') }
}
