import { exportSong, importSong } from '../engine/notation/songFiles'
import { melodyToPdf, melodyToSvg } from '../render/sheetMusic'
import type { ExportedFile, ExportFormat } from '../shared/studioApi'

const EXPORT_TYPES: Record<ExportFormat, { extension: string; mimeType: string }> = {
  midi: { extension: 'mid', mimeType: 'audio/midi' },
  abc: { extension: 'abc', mimeType: 'text/vnd.abc' },
  svg: { extension: 'svg', mimeType: 'image/svg+xml' },
  pdf: { extension: 'pdf', mimeType: 'application/pdf' },
  codes: { extension: 'codes', mimeType: 'text/plain' }
}

/**
 * A song's ABC → a file to save: MIDI, ABC, SVG or PDF sheet music, or note codes. Runs in the
 * training process (see TrainingHost.exportSong), never on the UI's or the server's thread.
 */
export async function exportSongFile(abc: string, format: ExportFormat): Promise<ExportedFile> {
  const { melody } = importSong(new TextEncoder().encode(abc), 'abc')
  const bytes =
    format === 'svg' ? new TextEncoder().encode(melodyToSvg(melody)) : format === 'pdf' ? await melodyToPdf(melody) : exportSong(melody, format)
  // File systems take names of 255 bytes: a long title makes a shorter name.
  const stem = (melody.title || 'melody').replace(/[^\p{L}\p{N} ()_-]+/gu, '').trim().slice(0, 80).trim() || 'melody'
  const { extension, mimeType } = EXPORT_TYPES[format]
  return { fileName: `${stem}.${extension}`, mimeType, base64: Buffer.from(bytes).toString('base64') }
}

