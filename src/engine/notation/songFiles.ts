import { SongError, StudioError } from '../errors'
import { abcToMelodies, type AbcProblem, type RepeatReading } from './abcIn'
import { melodyToAbc } from './abcOut'
import type { Melody } from './melody'
import { midiToMelody, melodyToMidi, type MidiTrackSummary } from './midi'
import { melodyToNoteCodes, noteCodesToMelody, noteCodesToText, parseNoteCodes } from './noteCodes'

/** The song formats the studio reads and writes, by file extension. */
export type SongFormat = 'abc' | 'midi' | 'codes'

export function songFormatOf(path: string): SongFormat | undefined {
  const extension = /\.([^./\\]+)$/.exec(path.toLowerCase())?.[1]
  if (extension === 'abc') return 'abc'
  if (extension === 'mid' || extension === 'midi') return 'midi'
  if (extension === 'codes' || extension === 'txt') return 'codes'
  return undefined
}

export interface SongImportOptions {
  /** ABC: the tune's `X:` number (default the first tune). */
  readonly tune?: string
  /** MIDI: the 0-based track (default the most melodic). */
  readonly track?: number
  readonly voice?: number
  readonly repeats?: RepeatReading
}

export interface ImportedSong {
  readonly melody: Melody
  readonly warnings: string[]
}

function describeProblem(problem: AbcProblem): string {
  return problem.line > 0 ? `line ${problem.line}, column ${problem.column}: ${problem.message}` : problem.message
}

/**
 * Any song file's bytes → one melody.
 * @throws SongError (or MidiImportError, SongSyntaxError) naming what is wrong and where
 */
export function importSong(bytes: Uint8Array, format: SongFormat, options: SongImportOptions = {}): ImportedSong {
  if (format === 'midi') {
    const imported = midiToMelody(bytes, { track: options.track })
    return { melody: imported.melody, warnings: imported.warnings }
  }
  const text = new TextDecoder('utf-8').decode(bytes)
  if (format === 'codes') return { melody: noteCodesToMelody(parseNoteCodes(text)), warnings: [] }
  const imported = abcToMelodies(text, { voice: options.voice, repeats: options.repeats })
  const fatal = imported.problems.find((p) => p.severity === 'error')
  if (fatal) throw new SongError(describeProblem(fatal))
  const tune = options.tune === undefined ? imported.tunes[0] : imported.tunes.find((t) => t.number === options.tune)
  if (!tune) {
    const numbers = imported.tunes.map((t) => t.number).slice(0, 20).join(', ')
    throw new SongError(`there is no tune X:${options.tune} here; the tunes are X: ${numbers}${imported.tunes.length > 20 ? ', …' : ''}`)
  }
  const error = tune.problems.find((p) => p.severity === 'error')
  if (!tune.melody || error) {
    throw new SongError(`tune X:${tune.number}${tune.title ? ` (${tune.title.length > 60 ? `${tune.title.slice(0, 60)}…` : tune.title})` : ''}: ${error ? describeProblem(error) : 'no melody'}`)
  }
  return { melody: tune.melody, warnings: tune.problems.map(describeProblem) }
}

/** A melody → file bytes in a format; `svg` is drawn by the caller (it needs a DOM shim). */
export function exportSong(melody: Melody, format: SongFormat): Uint8Array {
  if (format === 'midi') return melodyToMidi(melody)
  const text = format === 'abc' ? melodyToAbc(melody) : noteCodesToText(melodyToNoteCodes(melody))
  return new TextEncoder().encode(text)
}

export interface SongFileSummary {
  readonly format: SongFormat
  readonly tunes: {
    readonly number: string
    readonly title: string
    readonly notes: number
    readonly key: string | null
    readonly meter: string | null
    readonly tempo: number | null
    readonly voices: number
    readonly warnings: string[]
    readonly errors: string[]
  }[]
  readonly tracks?: MidiTrackSummary[]
  readonly chosenTrack?: number
  readonly problems: string[]
}

function describe(melody: Melody | null) {
  if (!melody) return { notes: 0, key: null, meter: null, tempo: null }
  return {
    notes: melody.notes.filter((n) => n.pitch !== null).length,
    key: `${melody.key.tonic} ${melody.key.mode}`,
    meter: `${melody.meter.numerator}/${melody.meter.denominator}`,
    tempo: melody.tempo
  }
}

/** What `studio inspect` prints: every tune (or the MIDI tracks), never throwing for bad input. */
export function inspectSong(bytes: Uint8Array, format: SongFormat): SongFileSummary {
  try {
    if (format === 'abc') {
      const imported = abcToMelodies(new TextDecoder('utf-8').decode(bytes))
      return {
        format,
        problems: imported.problems.map(describeProblem),
        tunes: imported.tunes.map((tune) => ({
          number: tune.number,
          title: tune.title,
          ...describe(tune.melody),
          voices: tune.voices,
          warnings: tune.problems.filter((p) => p.severity === 'warning').map(describeProblem),
          errors: tune.problems.filter((p) => p.severity === 'error').map(describeProblem)
        }))
      }
    }
    if (format === 'midi') {
      const imported = midiToMelody(bytes)
      return {
        format,
        problems: [],
        tracks: imported.tracks,
        chosenTrack: imported.track,
        tunes: [{ number: '1', title: imported.melody.title, ...describe(imported.melody), voices: 1, warnings: imported.warnings, errors: [] }]
      }
    }
    const { melody } = importSong(bytes, format)
    return { format, problems: [], tunes: [{ number: '1', title: '', ...describe(melody), voices: 1, warnings: [], errors: [] }] }
  } catch (error) {
    if (error instanceof StudioError) return { format, problems: [error.message], tunes: [] }
    throw error
  }
}
