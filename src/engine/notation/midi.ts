import toneMidi from '@tonejs/midi'
import { MIDI_MAX_BYTES } from '../../shared/limits'
import { StudioError } from '../errors'
import { DEFAULT_METER, DEFAULT_TEMPO, skyline, TICKS_PER_QUARTER, type KeyMode, type KeySignature, type Melody } from './melody'

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
 */
export function melodyToMidi(melody: Melody): Uint8Array {
  const midi = new toneMidi.Midi()
  midi.header.name = toMidiText(melody.title)
  midi.header.setTempo(melody.tempo)
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [melody.meter.numerator, melody.meter.denominator] })
  const fifths = Math.max(-7, Math.min(7, melody.key.fifths))
  const minor = melody.key.mode === 'minor'
  midi.header.keySignatures.push({ ticks: 0, key: (minor ? MINOR_KEYS : MAJOR_KEYS)[fifths + 7] ?? 'C', scale: minor ? 'minor' : 'major' })
  midi.header.update()
  const track = midi.addTrack()
  track.name = toMidiText(melody.title)
  for (const note of melody.notes) {
    if (note.pitch === null) continue
    track.addNote({ midi: note.pitch, ticks: note.startTicks, durationTicks: note.durationTicks, velocity: 0.8 })
  }
  return withKeySignature(midi.toArray(), fifths)
}

/**
 * @tonejs/midi 2.0.28 writes a key signature's sharps/flats byte as (index in its key list + 7),
 * 7 too many (its reader expects the standard value), so a G major file would say 15 sharps.
 * We write the standard value into the first key-signature event (FF 59 02 sf mi) ourselves.
 */
function withKeySignature(bytes: Uint8Array, fifths: number): Uint8Array {
  for (let i = 0; i + 4 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0x59 && bytes[i + 2] === 0x02) {
      bytes[i + 3] = fifths & 0xff
      break
    }
  }
  return bytes
}

/**
 * MIDI text events are bytes; @tonejs/midi writes one byte per character (losing anything past
 * Latin-1) and reads one character per byte. We write UTF-8 bytes and read them as UTF-8, so a
 * title such as 나비야 survives.
 */
function toMidiText(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text))
}

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

/**
 * A MIDI file → a melody: the track asked for, else the most melodic one; onsets and ends
 * quantised to the nearest sixteenth or triplet eighth unless the file is already on a notated
 * grid (`quantize: true` forces it, `false` keeps the ticks); overlapping notes reduced to their
 * skyline; tempo, meter and key kept.
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
  const damage = chunkDamage(bytes)
  if (damage) throw new MidiImportError(`the MIDI file is damaged or truncated: ${damage}`)
  let midi: InstanceType<typeof toneMidi.Midi>
  try {
    midi = new toneMidi.Midi(bytes)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new MidiImportError(`the MIDI file is damaged or truncated: ${reason}`)
  }
  const tracks = midi.tracks.map(summarize)
  const chosen = options.track !== undefined ? tracks[options.track] : mostMelodic(tracks)
  if (options.track !== undefined && !chosen) {
    throw new MidiImportError(`the file has ${tracks.length} track${tracks.length === 1 ? '' : 's'}; there is no track ${options.track}`)
  }
  if (!chosen || chosen.notes === 0) throw new MidiImportError('the MIDI file has no notes')
  const scale = TICKS_PER_QUARTER / midi.header.ppq
  const warnings: string[] = []
  const written = midi.tracks[chosen.index]?.notes ?? []
  // A file already on a fine notated grid (as our own exports are) is taken exactly; played
  // or humanised timing is snapped to the nearest sixteenth or triplet eighth.
  const onGrid = written.every((note) => [note.ticks, note.ticks + note.durationTicks].every((t) => Number.isInteger((t * scale) / NOTATED_GRID_TICKS)))
  const place = options.quantize === false || (options.quantize !== true && onGrid) ? (t: number) => Math.round(t * scale) : (t: number) => quantizeTicks(t * scale)
  if (!onGrid && options.quantize !== false) warnings.push('timing quantised to the nearest sixteenth or triplet eighth')
  const notes = written.flatMap((note) => {
    const start = place(note.ticks)
    const end = place(note.ticks + note.durationTicks)
    return end > start ? [{ pitch: note.midi, startTicks: start, durationTicks: end - start }] : []
  })
  if (notes.length < chosen.notes) warnings.push(`${chosen.notes - notes.length} note(s) shorter than the grid were dropped`)
  if (chosen.polyphony > 0) warnings.push('the track sounds several notes at once: the highest was kept')
  const [timeSignature] = midi.header.timeSignatures
  const [keySignature] = midi.header.keySignatures
  const [tempo] = midi.header.tempos
  return {
    track: chosen.index,
    tracks,
    warnings,
    melody: {
      title: options.title ?? fromMidiText(midi.header.name || chosen.name),
      tempo: tempo ? Math.round(tempo.bpm * 1000) / 1000 : DEFAULT_TEMPO,
      meter: timeSignature
        ? { numerator: timeSignature.timeSignature[0] ?? 4, denominator: timeSignature.timeSignature[1] ?? 4 }
        : DEFAULT_METER,
      key: keyFromMidi(keySignature),
      notes: skyline(notes)
    }
  }
}

/** @tonejs/midi names the key from the major list whatever the scale: G for one sharp, minor or not. */
function keyFromMidi(event: { key: string; scale: string } | undefined): KeySignature {
  const fifths = event ? MAJOR_KEYS.indexOf(event.key) - 7 : 0
  if (!event || fifths < -7) return { tonic: 'C', mode: 'major', fifths: 0 }
  const minor = event.scale === 'minor'
  const mode: KeyMode = minor ? 'minor' : 'major'
  return { tonic: (minor ? MINOR_KEYS : MAJOR_KEYS)[fifths + 7] ?? 'C', mode, fifths }
}
