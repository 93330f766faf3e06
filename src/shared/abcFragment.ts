// Notes played on a MIDI keyboard, as ABC to insert into the song being edited. Pure functions
// (the renderer records, these write): the same spelling as the engine's melodyToAbc (sharps in
// sharp keys and C, flats in flat keys, accidentals only where the key or an earlier accidental
// would give another pitch), in the song's own unit length (L:) rather than melodyToAbc's fixed 1/8.
import { keyAlterations, spellPitch, writePitch } from './pitchSpelling'

/** Ticks per quarter note, as the engine's melodies count them (engine/notation/melody). */
export const FRAGMENT_TICKS_PER_QUARTER = 480
const TICKS_PER_WHOLE = FRAGMENT_TICKS_PER_QUARTER * 4

/** The longest take a recording keeps, in notes: a forgotten recording does not grow without end. */
export const TAKE_MAX_NOTES = 2000
/** The lowest and highest pitches written (MIDI 0–127 are all writable, the limit is for the input's sake). */
export const MIDI_PITCH_MIN = 0
export const MIDI_PITCH_MAX = 127

/** A played note: its pitch, or null for a rest, and its length in ticks (480 a quarter). */
export interface PlayedNote {
  readonly pitch: number | null
  readonly durationTicks: number
}

/** The song's key as the fragment needs it: sharps (> 0) or flats (< 0) in the signature. */
export interface FragmentKey {
  readonly fifths: number
}

const ACCIDENTALS = new Map([
  [-1, '_'],
  [0, '='],
  [1, '^']
])

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** A length in ticks as ABC writes it in units of `unitTicks`: '' (one unit), `2`, `/2`, `3/2`. */
export function abcLengthIn(ticks: number, unitTicks: number): string {
  const divisor = gcd(ticks, unitTicks)
  const numerator = ticks / divisor
  const denominator = unitTicks / divisor
  if (denominator === 1) return numerator === 1 ? '' : String(numerator)
  return `${numerator === 1 ? '' : numerator}/${denominator}`
}

/**
 * The unit note length of an ABC text in ticks: its first `L:` field, else ABC's default for its
 * meter (1/16 under 3/4, else 1/8). A field that does not read as a fraction gives the default.
 */
export function unitTicksOf(abc: string): number {
  const unit = /^L:\s*(\d+)\s*\/\s*(\d+)/m.exec(abc)
  if (unit) {
    const ticks = (TICKS_PER_WHOLE * Number(unit[1])) / Number(unit[2])
    if (Number.isInteger(ticks) && ticks > 0) return ticks
  }
  const meter = /^M:\s*(\d+)\s*\/\s*(\d+)/m.exec(abc)
  const fraction = meter ? Number(meter[1]) / Number(meter[2]) : 1
  return fraction < 0.75 ? TICKS_PER_WHOLE / 16 : TICKS_PER_WHOLE / 8
}

/**
 * Notes as an ABC fragment in the song's key and unit length, separated by spaces every
 * `notesPerGroup` notes so a long take stays readable. No bar lines are written (the fragment
 * goes in wherever the cursor is, and the bars around it are the song's): so an accidental the
 * fragment writes holds to its end, and a later note of that letter and octave is written with
 * the accidental it needs (a natural, `=`, where the key's own alteration comes back).
 * Lengths that are not whole ticks, or pitches outside MIDI's range, are refused.
 */
export function notesToAbcFragment(notes: readonly PlayedNote[], key: FragmentKey, unitTicks: number, notesPerGroup = 4): string {
  const inKey = keyAlterations(key)
  const preferFlats = key.fifths < 0
  /** Alterations in force from earlier in the fragment, by letter and octave (`C4`). */
  const inForce = new Map<string, number>()
  const written: string[] = []
  for (const note of notes) {
    if (!Number.isInteger(note.durationTicks) || note.durationTicks <= 0) throw new RangeError(`a note's length must be a whole number of ticks over 0, not ${note.durationTicks}`)
    const length = abcLengthIn(note.durationTicks, unitTicks)
    if (note.pitch === null) {
      written.push(`z${length}`)
      continue
    }
    if (!Number.isInteger(note.pitch) || note.pitch < MIDI_PITCH_MIN || note.pitch > MIDI_PITCH_MAX) throw new RangeError(`a pitch must be a MIDI note number (0–127), not ${note.pitch}`)
    const { letter, alteration, octave } = spellPitch(note.pitch, preferFlats)
    const place = `${letter}${octave}`
    const heard = inForce.get(place) ?? inKey.get(letter) ?? 0
    const accidental = alteration === heard ? '' : (ACCIDENTALS.get(alteration) ?? '')
    if (accidental) inForce.set(place, alteration)
    written.push(`${accidental}${writePitch(letter, octave)}${length}`)
  }
  const groups: string[] = []
  for (let i = 0; i < written.length; i += notesPerGroup) groups.push(written.slice(i, i + notesPerGroup).join(''))
  return groups.join(' ')
}

/** A key pressed and released during a real-time take: times in milliseconds, from any origin. */
export interface TimedKey {
  readonly pitch: number
  readonly onMs: number
  readonly offMs: number
}

/**
 * A real-time take as notes on a grid: each key's start and end moved to the nearest grid line at
 * the song's tempo (quarter notes a minute), the take starting at its first key. One voice: a key
 * pressed while another sounds ends that one; a note that quantises to nothing is one grid long;
 * silence between keys becomes rests.
 */
export function quantizeTake(keys: readonly TimedKey[], tempo: number, gridTicks: number): PlayedNote[] {
  if (!(tempo > 0) || !Number.isInteger(gridTicks) || gridTicks <= 0) throw new RangeError('the tempo and the grid must be over 0')
  const sorted = [...keys].sort((a, b) => a.onMs - b.onMs)
  const first = sorted[0]
  if (!first) return []
  const ticksPerMs = (tempo * FRAGMENT_TICKS_PER_QUARTER) / 60_000
  const onGrid = (ms: number) => Math.round(((ms - first.onMs) * ticksPerMs) / gridTicks) * gridTicks
  const placed: { pitch: number; start: number; end: number }[] = []
  for (const key of sorted) {
    const start = onGrid(key.onMs)
    const end = Math.max(start + gridTicks, onGrid(key.offMs))
    const previous = placed.at(-1)
    if (previous && previous.start === start) {
      // Two keys on one grid line: the later one is the note (a chord's top is not guessed).
      placed[placed.length - 1] = { pitch: key.pitch, start, end }
      continue
    }
    if (previous && previous.end > start) previous.end = start
    placed.push({ pitch: key.pitch, start, end })
  }
  const notes: PlayedNote[] = []
  let cursor = 0
  for (const note of placed) {
    if (note.start > cursor) notes.push({ pitch: null, durationTicks: note.start - cursor })
    notes.push({ pitch: note.pitch, durationTicks: note.end - note.start })
    cursor = note.end
  }
  return notes
}
