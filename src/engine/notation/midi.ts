import toneMidi from '@tonejs/midi'
import {
  ABC_FIELD_MAX_CHARS,
  BAR_MAX_QUARTERS,
  BAR_MIN_QUARTERS,
  IMPORT_MAX_NOTES,
  METER_MAX_DENOMINATOR,
  METER_MAX_NUMERATOR,
  MIDI_MAX_BYTES,
  MIDI_MAX_EVENTS,
  SONG_MAX_QUARTERS,
  TEMPO_MAX_BPM,
  TEMPO_MIN_BPM
} from '../../shared/limits'
import { saying } from '../../shared/engineMessages'
import { LimitError, StudioError } from '../errors'
import { checkMelodyLimits, SONG_MAX_TICKS } from './melodyLimits'
import { CLEAR_GRID_MARGIN, inferBarGrid, type InferredGrid } from './barGrid'
import {
  barGridOf,
  barNumberAt,
  barTicksOf,
  DEFAULT_METER,
  DEFAULT_TEMPO,
  skyline,
  TICKS_PER_QUARTER,
  TICKS_PER_WHOLE,
  withPickup,
  type BarGrid,
  type KeyMode,
  type KeySignature,
  type Melody,
  type MelodyNote,
  type Meter
} from './melody'

/** A MIDI file that cannot be read as a melody (not MIDI, truncated, no notes, no such track). */
export class MidiImportError extends StudioError {
  override readonly name = 'MidiImportError'
}

/** The major key for each count of fifths, −7…7, as MIDI key-signature events name them. */
const MAJOR_KEYS = ['Cb', 'Gb', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#']
const MINOR_KEYS = ['Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#', 'G#', 'D#', 'A#']

export { MIDI_MAX_BYTES }

/**
 * A melody → a standard MIDI file (format 1, 480 ticks a quarter) with tempo, time signature,
 * key signature and the title as file and track name. MIDI keys are major or minor only:
 * modes are written as the major or minor key with the same signature.
 *
 * MIDI has no bar lines: readers count bars from tick 0 in the time signature's length. The notes
 * keep their ticks (a pickup plays from tick 0), and a text event names the first bar line for our
 * own import (BAR_LINE_TEXT), which then needs no guess. A pickup is not written as a first bar of
 * its own time signature (1/8, then 6/8 an eighth in): midi2abc and other readers that take the
 * first time signature for the whole file then write the tune in 1/8.
 *
 * The bytes are the ones @tonejs/midi 2.0.28 writes (a test compares them), but written here in
 * one pass: its writer (midi-file 1.2.4) copies the whole file so far for every delta time over
 * 127 ticks, so a song of 16,000 notes took minutes. The key-signature byte is the standard one,
 * where @tonejs/midi writes it 7 too high.
 * @throws LimitError for a melody past the limits of real music (checked before writing)
 */
export function melodyToMidi(melody: Melody): Uint8Array {
  checkMelodyLimits(melody)
  const fifths = Math.max(-7, Math.min(7, melody.key.fifths))
  const minor = melody.key.mode === 'minor'
  const title = new TextEncoder().encode(melody.title)
  const out = new ByteWriter(64 + 2 * title.length + melody.notes.length * 10)
  out.ascii('MThd').u32(6).u16(1).u16(2).u16(TICKS_PER_QUARTER)

  // Track 0: the file's name, key signature, tempo and time signature, all at tick 0.
  const header = out.startChunk('MTrk')
  out.varInt(0).bytes([0xff, 0x03]).varInt(title.length).bytes(title)
  out.varInt(0).bytes([0xff, 0x59, 0x02, fifths & 0xff, minor ? 1 : 0])
  const { pickupTicks } = barGridOf(melody)
  const barLineText = new TextEncoder().encode(`${BAR_LINE_TEXT}${pickupTicks}`)
  out.varInt(0).bytes([0xff, 0x01]).varInt(barLineText.length).bytes(barLineText)
  out.varInt(0).bytes([0xff, 0x51, 0x03]).u24(Math.floor(60_000_000 / melody.tempo))
  const denominatorPower = Math.floor(Math.log2(melody.meter.denominator)) & 0xff
  out.varInt(0).bytes([0xff, 0x58, 0x04, melody.meter.numerator & 0xff, denominatorPower, 24, 8])
  out.varInt(0).bytes([0xff, 0x2f, 0x00])
  out.endChunk(header)

  // Track 1: its name, piano, then each note's on and off in time order (an off before an on at
  // the same tick, as @tonejs/midi orders them).
  const events: { ticks: number; status: number; pitch: number; velocity: number }[] = []
  for (const note of melody.notes) {
    if (note.pitch === null) continue
    events.push({ ticks: note.startTicks, status: 0x90, pitch: note.pitch, velocity: NOTE_VELOCITY })
    events.push({ ticks: note.startTicks + note.durationTicks, status: 0x80, pitch: note.pitch, velocity: 0 })
  }
  events.sort((a, b) => a.ticks - b.ticks)
  const notes = out.startChunk('MTrk')
  out.varInt(0).bytes([0xff, 0x03]).varInt(title.length).bytes(title)
  out.varInt(0).bytes([0xc0, 0x00])
  let time = 0
  for (const event of events) {
    out.varInt(event.ticks - time).bytes([event.status, event.pitch, event.velocity])
    time = event.ticks
  }
  out.varInt(0).bytes([0xff, 0x2f, 0x00])
  out.endChunk(notes)
  return out.result()
}

/**
 * The text event (in the first track, at tick 0) by which our files say where their first bar line
 * is, in ticks at 480 a quarter: `Melody Studio: first bar line at tick 240`.
 */
export const BAR_LINE_TEXT = 'Melody Studio: first bar line at tick '

/** @tonejs/midi's velocity 0.8, as it stores it: floor(0.8 × 127). */
const NOTE_VELOCITY = 101

/** A growing byte buffer for the MIDI writer: amortised doubling, so writing is linear. */
class ByteWriter {
  private buffer: Uint8Array
  private length = 0

  constructor(capacity: number) {
    this.buffer = new Uint8Array(Math.max(64, capacity))
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes))
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }

  bytes(values: ArrayLike<number>): this {
    this.room(values.length)
    for (let i = 0; i < values.length; i++) this.buffer[this.length++] = (values[i] ?? 0) & 0xff
    return this
  }

  ascii(text: string): this {
    return this.bytes(Array.from(text, (char) => char.charCodeAt(0)))
  }

  u16(value: number): this {
    return this.bytes([(value >> 8) & 0xff, value & 0xff])
  }

  u24(value: number): this {
    return this.bytes([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff])
  }

  u32(value: number): this {
    return this.bytes([(value >>> 24) & 0xff, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff])
  }

  /** MIDI's variable-length quantity: 7 bits a byte, high bit set on all but the last. */
  varInt(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0 || value > 0x0fffffff) throw new LimitError('SONG_MAX_QUARTERS', `a MIDI time of ${value} ticks cannot be written`)
    const groups = [value & 0x7f]
    for (let rest = value >>> 7; rest > 0; rest >>>= 7) groups.unshift((rest & 0x7f) | 0x80)
    return this.bytes(groups)
  }

  /** Writes a chunk's id and a placeholder length; `endChunk` fills the length in. */
  startChunk(id: string): number {
    this.ascii(id).u32(0)
    return this.length
  }

  endChunk(start: number): void {
    const size = this.length - start
    this.buffer.set([(size >>> 24) & 0xff, (size >> 16) & 0xff, (size >> 8) & 0xff, size & 0xff], start - 4)
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

/**
 * MIDI text events are bytes; @tonejs/midi reads one character per byte. We write titles as UTF-8
 * bytes and read them back as UTF-8, so a title such as 나비야 survives.
 */
function fromMidiText(text: string): string {
  const bytes = Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff)
  return new TextDecoder('utf-8').decode(bytes)
}

export interface MidiTrackSummary {
  readonly index: number
  readonly name: string
  readonly notes: number
  readonly meanPitch: number
  /** Share of notes that sound together with another note of the track, 0…1. */
  readonly polyphony: number
}

export interface MidiImport {
  readonly melody: Melody
  readonly track: number
  readonly tracks: MidiTrackSummary[]
  readonly warnings: string[]
}

type ToneTrack = InstanceType<typeof toneMidi.Midi>['tracks'][number]

function summarize(track: ToneTrack, index: number): MidiTrackSummary {
  const notes = track.notes
  let overlapping = 0
  notes.forEach((note, i) => {
    const previous = notes[i - 1]
    const next = notes[i + 1]
    if ((previous && previous.ticks + previous.durationTicks > note.ticks) || (next && next.ticks < note.ticks + note.durationTicks)) overlapping++
  })
  return {
    index,
    name: fromMidiText(track.name),
    notes: notes.length,
    meanPitch: notes.length ? notes.reduce((sum, n) => sum + n.midi, 0) / notes.length : 0,
    polyphony: notes.length ? overlapping / notes.length : 0
  }
}

/** The melody is the track that sounds one note at a time, and the higher one when several do. */
function mostMelodic(tracks: MidiTrackSummary[]): MidiTrackSummary | undefined {
  const score = (t: MidiTrackSummary) => t.meanPitch - 24 * t.polyphony
  return tracks.filter((t) => t.notes > 0).sort((a, b) => score(b) - score(a))[0]
}

/**
 * @tonejs/midi reads a chunk cut short as if it were whole and returns what it found; a truncated
 * download would silently lose its end. We check the chunk layout first.
 */
function chunkDamage(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const declaredTracks = view.getUint16(10)
  let offset = 8 + view.getUint32(4)
  let tracks = 0
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) return `${bytes.length - offset} stray bytes at the end`
    const id = String.fromCharCode(...bytes.slice(offset, offset + 4))
    const length = view.getUint32(offset + 4)
    if (offset + 8 + length > bytes.length) return `chunk ${id} at byte ${offset} needs ${length} bytes, ${bytes.length - offset - 8} are left`
    if (id === 'MTrk') tracks++
    offset += 8 + length
  }
  return tracks < declaredTracks ? `the header announces ${declaredTracks} tracks, the file holds ${tracks}` : undefined
}

/**
 * midi-file (inside @tonejs/midi) trusts the lengths written in a track: a meta event that says
 * it holds 2^28 bytes makes it build a string that long past the end of a 2 KB file (out of
 * memory). Every event is walked here first, by the MIDI spec: a delta time, then a channel event
 * (running status allowed) of one or two data bytes, or a meta (FF) or system-exclusive (F0, F7)
 * event whose length must fit in its track.
 */
function eventDamage(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let events = 0
  for (let chunk = 8 + view.getUint32(4); chunk + 8 <= bytes.length; chunk += 8 + view.getUint32(chunk + 4)) {
    if (String.fromCharCode(...bytes.subarray(chunk, chunk + 4)) !== 'MTrk') continue
    const end = chunk + 8 + view.getUint32(chunk + 4)
    let at = chunk + 8
    let running: number | undefined
    const varInt = (): number | undefined => {
      let value = 0
      for (let i = 0; i < 4 && at < end; i++) {
        const byte = bytes[at++] ?? 0
        value = value * 128 + (byte & 0x7f)
        if ((byte & 0x80) === 0) return value
      }
      return undefined
    }
    while (at < end) {
      if (++events > MIDI_MAX_EVENTS) return `the file holds more than ${MIDI_MAX_EVENTS.toLocaleString('en-US')} events (limit MIDI_MAX_EVENTS)`
      const start = at
      if (varInt() === undefined || at >= end) return `the event at byte ${start} is cut off`
      const status = bytes[at] ?? 0
      if (status === 0xff || status === 0xf0 || status === 0xf7) {
        at += status === 0xff ? 2 : 1
        const length = varInt()
        if (length === undefined || at + length > end) return `the event at byte ${start} says it holds ${length ?? 'an unreadable number of'} bytes, more than its track has left`
        at += length
        running = undefined
      } else if (status > 0xf0) {
        return `byte ${at} (0x${status.toString(16)}) is not a MIDI file event`
      } else {
        if (status & 0x80) {
          running = status
          at++
        } else if (running === undefined) {
          return `byte ${at} is data with no event before it`
        }
        at += running >> 4 === 0xc || running >> 4 === 0xd ? 1 : 2
        if (at > end) return `the event at byte ${start} is cut off`
      }
    }
  }
  return undefined
}

/** 1/96 of a whole note: fine enough for 64ths and for triplet 32nds. */
const NOTATED_GRID_TICKS = TICKS_PER_QUARTER / 24

/** Nearest point on the sixteenth grid or the triplet-eighth grid, whichever is closer. */
export function quantizeTicks(ticks: number): number {
  const sixteenth = TICKS_PER_QUARTER / 4
  const tripletEighth = TICKS_PER_QUARTER / 3
  const onSixteenths = Math.round(ticks / sixteenth) * sixteenth
  const onTriplets = Math.round(ticks / tripletEighth) * tripletEighth
  return Math.abs(onTriplets - ticks) < Math.abs(onSixteenths - ticks) ? onTriplets : onSixteenths
}

/** A note moved further than this by quantising is named in a bar's warning (1/96 of a whole). */
const MOVED_TICKS = TICKS_PER_QUARTER / 24
/** Bars named one by one in the warnings; the rest are counted. */
export const BAR_WARNINGS_MAX = 10

/** What a note off the sixteenth and triplet-eighth grids was most likely written as. */
function offGridKind(exactTicks: number): string {
  const near = (spacing: number) => Math.abs(exactTicks - Math.round(exactTicks / spacing) * spacing) <= TICKS_PER_QUARTER / 48
  if (near(TICKS_PER_QUARTER / 6)) return 'sixteenth-note triplets'
  if (near(TICKS_PER_QUARTER / 8)) return '32nd notes'
  if (near(TICKS_PER_QUARTER / 5)) return 'quintuplets'
  return 'played off the grid'
}

/**
 * What an import could not keep exactly, gathered by tick and told by bar once the bar lines are
 * known: `bar 12: 3 notes (sixteenth-note triplets) moved to the nearest sixteenth or triplet eighth`.
 */
class BarIssues {
  private readonly counts = new Map<number, Map<string, number>>()
  private readonly notes = new Map<number, string[]>()

  /** Counts one more of a kind of loss at a tick (describeLoss words the count). */
  count(ticks: number, what: string): void {
    const kinds = this.counts.get(ticks) ?? new Map<string, number>()
    kinds.set(what, (kinds.get(what) ?? 0) + 1)
    this.counts.set(ticks, kinds)
  }

  /** A sentence about a place in the file. */
  note(ticks: number, text: string): void {
    const texts = this.notes.get(ticks) ?? []
    // Each track of a file may repeat the same time signature or tempo event.
    if (!texts.includes(text)) this.notes.set(ticks, [...texts, text])
  }

  /** One warning a bar, in bar order, at most BAR_WARNINGS_MAX, then how many more bars. */
  warnings(grid: BarGrid): string[] {
    const byBar = new Map<number, { counts: Map<string, number>; notes: string[] }>()
    const barOf = (ticks: number) => {
      const bar = barNumberAt(Math.max(0, ticks), grid)
      const entry = byBar.get(bar) ?? { counts: new Map<string, number>(), notes: [] }
      byBar.set(bar, entry)
      return entry
    }
    for (const [ticks, kinds] of this.counts) {
      const entry = barOf(ticks)
      for (const [what, n] of kinds) entry.counts.set(what, (entry.counts.get(what) ?? 0) + n)
    }
    for (const [ticks, texts] of this.notes) barOf(ticks).notes.push(...texts)
    const bars = [...byBar.keys()].sort((a, b) => a - b)
    const lines = bars.map((bar) => {
      const entry = byBar.get(bar) as { counts: Map<string, number>; notes: string[] }
      const parts = [...[...entry.counts].map(([what, n]) => describeLoss(what, n)), ...entry.notes]
      return `${bar === 0 ? 'the pickup bar' : `bar ${bar}`}: ${parts.join('; ')}`
    })
    if (lines.length <= BAR_WARNINGS_MAX) return lines
    const rest = bars.length - BAR_WARNINGS_MAX
    return [...lines.slice(0, BAR_WARNINGS_MAX), `and ${rest} more bar${rest === 1 ? '' : 's'} like these, up to bar ${bars.at(-1)}`]
  }
}

const LOSSES: Record<string, (n: number) => string> = {
  dropped: (n) => `${n === 1 ? 'a note' : `${n} notes`} shorter than the grid dropped`,
  chord: (n) => `${n === 1 ? 'a note' : `${n} notes`} under a higher one at the same time left out`,
  cut: (n) => `${n === 1 ? 'a held note' : `${n} held notes`} cut short where the next note starts`
}

function describeLoss(what: string, n: number): string {
  const loss = LOSSES[what]
  if (loss) return loss(n)
  // The rest are notes moved by quantising, by what they were most likely written as.
  return `${n === 1 ? 'a note' : `${n} notes`} (${what}) moved to the nearest sixteenth or triplet eighth`
}

/** A length in words, in the largest note value it is a whole number of: `3 eighths`, `a quarter`. */
export function describeTicks(ticks: number): string {
  const values: [number, string][] = [
    [TICKS_PER_WHOLE, 'whole note'],
    [TICKS_PER_WHOLE / 2, 'half note'],
    [TICKS_PER_QUARTER, 'quarter'],
    [TICKS_PER_QUARTER / 2, 'eighth'],
    [TICKS_PER_QUARTER / 4, 'sixteenth'],
    [TICKS_PER_QUARTER / 8, '32nd'],
    [TICKS_PER_QUARTER / 3, 'triplet eighth']
  ]
  const fit = values.find(([size]) => ticks % size === 0)
  if (!fit) return `${ticks} ticks`
  const count = ticks / fit[0]
  return count === 1 ? `${/^[aeiou]/.test(fit[1]) ? 'an' : 'a'} ${fit[1]}` : `${count} ${fit[1]}s`
}

/**
 * A MIDI file → a melody: the track asked for, else the most melodic one; onsets and ends
 * quantised to the nearest sixteenth or triplet eighth unless the file is already on a notated
 * grid (`quantize: true` forces it, `false` keeps the ticks); overlapping notes reduced to their
 * skyline; tempo, meter and key kept; the bar lines placed (see barLines). Warnings say what could
 * not be kept exactly, bar by bar.
 * @throws MidiImportError for data that is not a readable MIDI file or holds no notes
 */
export function midiToMelody(
  bytes: Uint8Array,
  options: { track?: number; title?: string; quantize?: boolean | 'auto' } = {}
): MidiImport {
  if (bytes.length > MIDI_MAX_BYTES) throw new MidiImportError(`the MIDI file is ${(bytes.length / 2 ** 20).toFixed(1)} MB; the limit is ${MIDI_MAX_BYTES / 2 ** 20} MB`)
  if (bytes.length < 14 || String.fromCharCode(...bytes.slice(0, 4)) !== 'MThd') {
    throw new MidiImportError('this is not a MIDI file: it does not start with a MIDI header (MThd)')
  }
  const damage = chunkDamage(bytes) ?? eventDamage(bytes)
  if (damage) throw new MidiImportError(saying('midiDamaged', { detail: damage }))
  let midi: InstanceType<typeof toneMidi.Midi>
  try {
    midi = new toneMidi.Midi(bytes)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new MidiImportError(saying('midiDamaged', { detail: reason }))
  }
  const tracks = midi.tracks.map(summarize)
  const chosen = options.track !== undefined ? tracks[options.track] : mostMelodic(tracks)
  if (options.track !== undefined && !chosen) {
    throw new MidiImportError(`the file has ${tracks.length} track${tracks.length === 1 ? '' : 's'}; there is no track ${options.track}`)
  }
  if (!chosen || chosen.notes === 0) throw new MidiImportError('the MIDI file has no notes')
  const scale = TICKS_PER_QUARTER / midi.header.ppq
  const warnings: string[] = []
  const issues = new BarIssues()
  const written = midi.tracks[chosen.index]?.notes ?? []
  // A file already on a fine notated grid (as our own exports are) is taken exactly; played
  // or humanised timing is snapped to the nearest sixteenth or triplet eighth.
  const onGrid = written.every((note) => [note.ticks, note.ticks + note.durationTicks].every((t) => Number.isInteger((t * scale) / NOTATED_GRID_TICKS)))
  const quantizing = !(options.quantize === false || (options.quantize !== true && onGrid))
  const place = quantizing ? (t: number) => quantizeTicks(t * scale) : (t: number) => Math.round(t * scale)
  if (!onGrid && options.quantize !== false) warnings.push('timing quantised to the nearest sixteenth or triplet eighth')
  const notes = written.flatMap((note) => {
    const start = place(note.ticks)
    const end = place(note.ticks + note.durationTicks)
    if (end <= start) {
      issues.count(start, 'dropped')
      return []
    }
    if (quantizing && Math.abs(start - note.ticks * scale) > MOVED_TICKS) issues.count(start, offGridKind(note.ticks * scale))
    return [{ pitch: note.midi, startTicks: start, durationTicks: end - start, velocity: Math.round(note.velocity * 127) }]
  })
  if (notes.length < chosen.notes) warnings.push(`${chosen.notes - notes.length} note(s) shorter than the grid were dropped`)
  if (chosen.polyphony > 0) warnings.push('the track sounds several notes at once: the highest was kept')
  // A few bytes can place a note hours in: refuse before the gaps become rests and the rests ABC.
  if (notes.length > IMPORT_MAX_NOTES) {
    throw new LimitError('IMPORT_MAX_NOTES', `the track has ${notes.length.toLocaleString('en-US')} notes; a song may have at most ${IMPORT_MAX_NOTES.toLocaleString('en-US')}`)
  }
  const end = notes.reduce((latest, note) => Math.max(latest, note.startTicks + note.durationTicks), 0)
  if (end > SONG_MAX_TICKS) {
    throw new LimitError('SONG_MAX_QUARTERS', `the track lasts ${Math.round(end / TICKS_PER_QUARTER).toLocaleString('en-US')} quarter notes; a song may last at most ${SONG_MAX_QUARTERS.toLocaleString('en-US')}`)
  }
  const line = skyline(notes)
  countSkylineLosses(notes, line, issues)
  // The velocity of the note the skyline kept at each onset (the highest), for the bar grid.
  const kept = new Map<number, { pitch: number; velocity: number }>()
  for (const note of notes) {
    const held = kept.get(note.startTicks)
    if (!held || note.pitch > held.pitch) kept.set(note.startTicks, note)
  }
  const gridNotes = line.flatMap((note) => (note.pitch === null ? [] : [{ ...note, velocity: kept.get(note.startTicks)?.velocity }]))
  const otherOnsets = midi.tracks.flatMap((track, index) => (index === chosen.index ? [] : track.notes.map((note) => place(note.ticks))))
  const [keySignature] = midi.header.keySignatures
  const [tempo] = midi.header.tempos
  const { meter, pickupTicks } = barLines(midi, scale, { notes: gridNotes, otherOnsets }, warnings, issues)
  for (const change of midi.header.tempos.slice(1)) {
    if (Math.round(change.bpm) !== Math.round(tempo?.bpm ?? 0)) issues.note(Math.round(change.ticks * scale), `the tempo changes to ${Math.round(change.bpm)} (the melody keeps one tempo)`)
  }
  const melody: Melody = withPickup(
    {
      title: (options.title ?? fromMidiText(midi.header.name || chosen.name)).slice(0, ABC_FIELD_MAX_CHARS),
      tempo: tempoFromMidi(tempo?.bpm, warnings),
      meter,
      key: keyFromMidi(keySignature),
      notes: line
    },
    pickupTicks
  )
  checkMelodyLimits(melody, 'the MIDI track')
  warnings.push(...issues.warnings(barGridOf(melody)))
  return { track: chosen.index, tracks, warnings, melody }
}

/** Counts the notes the skyline left out (under a higher one at the same onset) or cut short. */
function countSkylineLosses(notes: readonly { pitch: number; startTicks: number; durationTicks: number }[], line: readonly MelodyNote[], issues: BarIssues): void {
  const keptAt = new Map<number, MelodyNote>()
  for (const note of line) if (note.pitch !== null) keptAt.set(note.startTicks, note)
  const seen = new Set<number>()
  for (const note of notes) {
    const kept = keptAt.get(note.startTicks)
    if (!kept) continue
    if (kept.pitch !== note.pitch || seen.has(note.startTicks)) {
      issues.count(note.startTicks, 'chord')
      continue
    }
    seen.add(note.startTicks)
    if (kept.durationTicks < note.durationTicks) issues.count(note.startTicks, 'cut')
  }
}

/**
 * The meter and the first bar line. In order of trust:
 * 1. our own files say where their first bar line is (BAR_LINE_TEXT);
 * 2. a first bar shorter than the meter's, written as a time signature of its own (a pickup as
 *    notation programs write it: 1/8 at tick 0, then 6/8 where the first whole bar starts);
 * 3. otherwise the bar lines are guessed from the notes (inferBarGrid), with a warning that says
 *    so unless the tune plainly starts on a downbeat, and one for each stretch that fits a shifted
 *    grid better (a repeat that ends on a short bar restarts abc2midi's grid mid-file).
 * The meter is the time signature in force at the first note; later changes are named by bar.
 */
function barLines(
  midi: InstanceType<typeof toneMidi.Midi>,
  scale: number,
  evidence: { notes: { startTicks: number; durationTicks: number; velocity?: number }[]; otherOnsets: number[] },
  warnings: string[],
  issues: BarIssues
): { meter: Meter; pickupTicks: number } {
  const signatures = midi.header.timeSignatures.map((signature) => ({ ticks: Math.round(signature.ticks * scale), written: signature.timeSignature }))
  const firstOnset = evidence.notes[0]?.startTicks ?? 0
  const atStart = signatures.filter((signature) => signature.ticks === 0).at(-1)
  const next = signatures.find((signature) => signature.ticks > 0)
  const quiet: string[] = []
  let meter: Meter
  let pickupTicks: number | undefined
  let gridFrom = 0
  const startMeter = atStart && meterFromMidi(atStart.written, quiet)
  const nextMeter = next && meterFromMidi(next.written, quiet)
  if (atStart && next && startMeter && nextMeter && quiet.length === 0 && next.ticks === barTicksOf(startMeter) && next.ticks < barTicksOf(nextMeter)) {
    meter = nextMeter
    pickupTicks = next.ticks
    gridFrom = next.ticks
  } else {
    const inForce = signatures.filter((signature) => signature.ticks <= firstOnset).at(-1) ?? signatures[0]
    meter = meterFromMidi(inForce?.written, warnings)
    gridFrom = inForce?.ticks ?? 0
  }
  for (const signature of signatures) {
    const [numerator, denominator] = signature.written
    if (signature.ticks > gridFrom && (numerator !== meter.numerator || denominator !== meter.denominator)) {
      issues.note(signature.ticks, `the time signature changes to ${numerator}/${denominator} (the melody keeps ${meter.numerator}/${meter.denominator})`)
    }
  }
  const barTicks = barTicksOf(meter)
  const stated = midi.header.meta.find((event) => event.type === 'text' && event.text.startsWith(BAR_LINE_TEXT))
  const statedTicks = stated ? Number(stated.text.slice(BAR_LINE_TEXT.length)) : NaN
  if (Number.isSafeInteger(statedTicks) && statedTicks >= 0 && statedTicks < barTicks) return { meter, pickupTicks: statedTicks }
  if (pickupTicks !== undefined) return { meter, pickupTicks }
  const inferred = inferBarGrid(evidence, meter)
  warnGuessedGrid(inferred, firstOnset, warnings)
  for (const shift of inferred.shifts) {
    const by = describeTicks((((shift.pickupTicks - inferred.pickupTicks) % barTicks) + barTicks) % barTicks)
    const grid: BarGrid = { barTicks, pickupTicks: inferred.pickupTicks }
    issues.note(
      shift.fromTicks,
      `up to bar ${barNumberAt(shift.toTicks - 1, grid)} the notes fit bar lines ${by} later (a repeat that ends on a short bar?); they are written across the bar lines of the rest`
    )
  }
  return { meter, pickupTicks: inferred.pickupTicks }
}

function warnGuessedGrid(inferred: InferredGrid, firstOnset: number, warnings: string[]): void {
  if (inferred.pickupTicks === 0 && inferred.margin >= CLEAR_GRID_MARGIN) return
  const where = (ticks: number) => (ticks === 0 ? 'at the start of the file' : `${describeTicks(ticks)} into the file`)
  const pickup = inferred.pickupTicks > firstOnset ? ` (a pickup of ${describeTicks(inferred.pickupTicks - firstOnset)})` : ''
  const runnerUp = inferred.candidates[1]
  const close = runnerUp && inferred.margin < CLEAR_GRID_MARGIN ? `; one ${where(runnerUp.pickupTicks)} fit almost as well` : ''
  // "…, the first an eighth into the file (a pickup of an eighth); one at the start of the file fit almost as well"
  warnings.push(`MIDI has no bar lines: they were placed where the notes fit the meter best, the first ${where(inferred.pickupTicks)}${pickup}${close}`)
}

/** The file's tempo within the studio's range (a damaged tempo event can say anything). */
function tempoFromMidi(bpm: number | undefined, warnings: string[]): number {
  if (bpm === undefined) return DEFAULT_TEMPO
  const rounded = Math.round(bpm * 1000) / 1000
  if (rounded >= TEMPO_MIN_BPM && rounded <= TEMPO_MAX_BPM) return rounded
  const kept = Math.min(TEMPO_MAX_BPM, Math.max(TEMPO_MIN_BPM, Number.isFinite(rounded) ? rounded : DEFAULT_TEMPO))
  warnings.push(`the file's tempo of ${rounded} quarter notes a minute is outside ${TEMPO_MIN_BPM}–${TEMPO_MAX_BPM}; ${kept} is used`)
  return kept
}

/** The file's time signature, when it is one music uses (a power-of-two beat up to 1/64). */
function meterFromMidi(signature: number[] | undefined, warnings: string[]): Meter {
  if (!signature) return DEFAULT_METER
  const [numerator = 4, denominator = 4] = signature
  const powerOfTwo = Number.isInteger(Math.log2(denominator))
  if (numerator >= 1 && numerator <= METER_MAX_NUMERATOR && powerOfTwo && denominator <= METER_MAX_DENOMINATOR && (numerator / denominator) * 4 <= BAR_MAX_QUARTERS && (numerator / denominator) * 4 >= BAR_MIN_QUARTERS) {
    return { numerator, denominator }
  }
  warnings.push(`the file's time signature ${numerator}/${denominator} is not one the studio writes; 4/4 is used`)
  return DEFAULT_METER
}

/** @tonejs/midi names the key from the major list whatever the scale: G for one sharp, minor or not. */
function keyFromMidi(event: { key: string; scale: string } | undefined): KeySignature {
  const fifths = event ? MAJOR_KEYS.indexOf(event.key) - 7 : 0
  if (!event || fifths < -7) return { tonic: 'C', mode: 'major', fifths: 0 }
  const minor = event.scale === 'minor'
  const mode: KeyMode = minor ? 'minor' : 'major'
  return { tonic: (minor ? MINOR_KEYS : MAJOR_KEYS)[fifths + 7] ?? 'C', mode, fifths }
}
