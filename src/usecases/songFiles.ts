// Use cases at the edge where songs come in: reading the song being typed, opening a song file.
// Notation only (abcjs, @tonejs/midi): the app's main process runs these itself.
import { abcToMelodies } from '../engine/notation/abcIn'
import { melodyToAbc } from '../engine/notation/abcOut'
import { midiToMelody } from '../engine/notation/midi'
import { importSong, songFormatOf } from '../engine/notation/songFiles'
import { SongError } from '../engine/errors'
import { saying } from '../shared/engineMessages'
import type { ImportedFile, SongReport } from '../shared/studioApi'

/** The first tune of ABC text as the engine reads it: its note count, title and every problem with its line and column. */
export function readSongReport(abc: string): SongReport {
  const imported = abcToMelodies(abc)
  const tune = imported.tunes[0]
  return {
    notes: tune?.melody?.notes.filter((n) => n.pitch !== null).length ?? 0,
    title: tune?.title ?? '',
    problems: [...imported.problems, ...(tune?.problems ?? [])],
    melody: tune?.melody ?? null
  }
}

/** The text of one tune of a tune book, from its X: line to the next tune. */
function tuneText(text: string, number: string): string {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex((line) => new RegExp(`^X:\\s*${number.replace(/[^\w]/g, '')}\\s*$`).test(line))
  if (start < 0) return ''
  const end = lines.findIndex((line, i) => i > start && /^X:/.test(line))
  return lines.slice(start, end < 0 ? undefined : end).join('\n').trim() + '\n'
}

const stem = (fileName: string) => fileName.replace(/\.[^.]+$/, '')

/**
 * A song file (.abc, .mid, .codes) opened: the song as ABC, or the tunes or tracks to choose from
 * when there are several and `pick` names none of them. A tune of a book keeps its own text.
 * @throws SongError, MidiImportError for files that hold no song
 */
export function importSongFile(fileName: string, bytes: Uint8Array, pick?: string): ImportedFile {
  const format = songFormatOf(fileName)
  if (!format) throw new SongError(saying('unknownSongFormat', { file: fileName }))
  if (format === 'abc') {
    const text = new TextDecoder().decode(bytes)
    const tunes = abcToMelodies(text).tunes.filter((tune) => tune.melody)
    if (tunes.length === 0) throw new SongError(saying('noTuneWithNotes', { file: fileName }))
    const choices = tunes.map((tune) => ({ id: tune.number, label: `X:${tune.number} ${tune.title}`.trim() }))
    const chosen = tunes.length === 1 ? tunes[0] : tunes.find((tune) => tune.number === pick)
    if (!chosen?.melody) return { abc: null, choices, warnings: [] }
    const abc = tuneText(text, chosen.number) || melodyToAbc(chosen.melody)
    return { abc, choices, warnings: chosen.problems.map((p) => `line ${p.line}: ${p.message}`) }
  }
  if (format === 'midi') {
    const summary = midiToMelody(bytes)
    const tracks = summary.tracks.filter((track) => track.notes > 0)
    const choices = tracks.map((track) => ({
      id: String(track.index),
      label: `track ${track.index + 1}${track.name ? ` "${track.name}"` : ''}: ${track.notes} notes${track.polyphony > 0 ? ', chords' : ''}${track.index === summary.track ? ' (the melody, by our guess)' : ''}`
    }))
    if (tracks.length > 1 && pick === undefined) return { abc: null, choices, warnings: [] }
    const imported = pick === undefined ? summary : midiToMelody(bytes, { track: Number(pick) })
    return { abc: melodyToAbc({ ...imported.melody, title: imported.melody.title || stem(fileName) }), choices, warnings: imported.warnings }
  }
  const { melody } = importSong(bytes, format)
  return { abc: melodyToAbc({ ...melody, title: stem(fileName) }), choices: [], warnings: [] }
}
