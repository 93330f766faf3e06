/**
 * The one melody type every format converts to and from. Times are in MIDI ticks at
 * TICKS_PER_QUARTER; a note with `pitch: null` is a rest.
 */
export const TICKS_PER_QUARTER = 480
export const TICKS_PER_WHOLE = TICKS_PER_QUARTER * 4

export interface MelodyNote {
  /** MIDI note number (60 = middle C), or null for a rest. */
  readonly pitch: number | null
  readonly startTicks: number
  readonly durationTicks: number
}

export interface Meter {
  readonly numerator: number
  readonly denominator: number
}

export type KeyMode = 'major' | 'minor' | 'dorian' | 'phrygian' | 'lydian' | 'mixolydian' | 'locrian'

export interface KeySignature {
  /** The tonic as written: `G`, `F#`, `Bb`. */
  readonly tonic: string
  readonly mode: KeyMode
  /** Sharps (> 0) or flats (< 0) in the signature, as in a MIDI key-signature event. */
  readonly fifths: number
}

export interface Melody {
  readonly title: string
  /** Quarter notes per minute. */
  readonly tempo: number
  readonly meter: Meter
  readonly key: KeySignature
  readonly notes: readonly MelodyNote[]
  /**
   * Length in ticks of an incomplete first bar (an anacrusis, or pickup): bar lines fall at
   * pickupTicks + k × the bar's length. Absent, never 0, when the tune starts on a downbeat, so a
   * melody without one compares equal to one written before the field existed.
   */
  readonly pickupTicks?: number
}

export const DEFAULT_TEMPO = 120
export const DEFAULT_METER: Meter = { numerator: 4, denominator: 4 }
export const C_MAJOR: KeySignature = { tonic: 'C', mode: 'major', fifths: 0 }

/**
 * Ticks in one bar of the meter, rounded to whole ticks: a 4/7 bar is 1097.14… ticks, and bar
 * lines at fractional ticks would split a note there forever.
 */
export function barTicksOf(meter: Meter): number {
  return Math.max(1, Math.round((TICKS_PER_WHOLE * meter.numerator) / meter.denominator))
}

export interface BarGrid {
  readonly barTicks: number
  /** Where the first bar line falls: 0 when the tune starts on a downbeat. */
  readonly pickupTicks: number
}

/**
 * The melody's bar lines: its meter's bar, from its pickup. A pickup that is not a whole number of
 * ticks shorter than a bar (a damaged or hand-made melody) is read as none.
 */
export function barGridOf(melody: Pick<Melody, 'meter' | 'pickupTicks'>): BarGrid {
  const barTicks = barTicksOf(melody.meter)
  const pickup = melody.pickupTicks ?? 0
  return { barTicks, pickupTicks: Number.isSafeInteger(pickup) && pickup > 0 && pickup < barTicks ? pickup : 0 }
}

/** The melody with this pickup, the field left out when there is none (0). */
export function withPickup<T extends Melody>(melody: T, pickupTicks: number): T {
  const { pickupTicks: _previous, ...rest } = melody
  return (pickupTicks > 0 ? { ...rest, pickupTicks } : rest) as T
}

/**
 * The bar a tick falls in, numbered as scores number bars: the pickup bar is 0, the first whole
 * bar 1 (without a pickup, the bar starting at tick 0 is bar 1).
 */
export function barNumberAt(ticks: number, grid: BarGrid): number {
  if (ticks < grid.pickupTicks) return 0
  return Math.floor((ticks - grid.pickupTicks) / grid.barTicks) + 1
}

/** The first bar line after a tick (a tick on a bar line gives the next one). */
export function nextBarLine(ticks: number, grid: BarGrid): number {
  if (ticks < grid.pickupTicks) return grid.pickupTicks
  return grid.pickupTicks + (Math.floor((ticks - grid.pickupTicks) / grid.barTicks) + 1) * grid.barTicks
}

export function ticksToBeats(ticks: number): number {
  return ticks / TICKS_PER_QUARTER
}

export function melodyEndTicks(melody: Melody): number {
  const last = melody.notes.at(-1)
  return last ? last.startTicks + last.durationTicks : 0
}

/** The sounding notes only, rests left out. */
export function soundingNotes(melody: Melody): MelodyNote[] {
  return melody.notes.filter((note) => note.pitch !== null)
}

/**
 * Turns a list of sounding notes (any order, possibly overlapping) into a monophonic line:
 * at each onset the highest note wins (the skyline), a note is cut where the next one starts,
 * and gaps become rests.
 */
export function skyline(notes: readonly { pitch: number; startTicks: number; durationTicks: number }[]): MelodyNote[] {
  const byOnset = new Map<number, { pitch: number; startTicks: number; durationTicks: number }>()
  for (const note of notes) {
    const held = byOnset.get(note.startTicks)
    if (!held || note.pitch > held.pitch) byOnset.set(note.startTicks, note)
  }
  const ordered = [...byOnset.values()].sort((a, b) => a.startTicks - b.startTicks)
  const line: MelodyNote[] = []
  let cursor = 0
  ordered.forEach((note, i) => {
    if (note.startTicks > cursor) line.push({ pitch: null, startTicks: cursor, durationTicks: note.startTicks - cursor })
    const next = ordered[i + 1]
    const end = next ? Math.min(note.startTicks + note.durationTicks, next.startTicks) : note.startTicks + note.durationTicks
    line.push({ pitch: note.pitch, startTicks: note.startTicks, durationTicks: Math.max(end - note.startTicks, 1) })
    cursor = end
  })
  return line
}

/** Joins neighbouring rests and drops empty ones, so equal melodies compare equal. */
export function normalizeRests(notes: readonly MelodyNote[]): MelodyNote[] {
  const out: MelodyNote[] = []
  for (const note of notes) {
    if (note.durationTicks <= 0) continue
    const previous = out.at(-1)
    if (note.pitch === null && previous?.pitch === null && previous.startTicks + previous.durationTicks === note.startTicks) {
      out[out.length - 1] = { ...previous, durationTicks: previous.durationTicks + note.durationTicks }
    } else {
      out.push(note)
    }
  }
  return out
}
