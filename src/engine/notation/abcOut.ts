import { checkMelodyLimits } from './melodyLimits'
import { TICKS_PER_WHOLE, type KeySignature, type Melody, type MelodyNote } from './melody'

/**
 * A melody → ABC text that abcjs (and our importer) reads back to the same melody: `L:1/8`,
 * bar lines from the meter (notes across a bar line are split and tied), pitches spelled for the
 * key signature, accidentals written where the key or an earlier accidental in the bar would
 * give another pitch.
 */
const UNIT_TICKS = TICKS_PER_WHOLE / 8
const SHARP_ORDER = ['F', 'C', 'G', 'D', 'A', 'E', 'B']
const FLAT_ORDER = ['B', 'E', 'A', 'D', 'G', 'C', 'F']
const LETTERS = ['C', 'D', 'E', 'F', 'G', 'A', 'B']
const LETTER_SEMITONES = [0, 2, 4, 5, 7, 9, 11]
const MODE_SUFFIX: Record<KeySignature['mode'], string> = {
  major: '',
  minor: 'm',
  dorian: 'Dor',
  phrygian: 'Phr',
  lydian: 'Lyd',
  mixolydian: 'Mix',
  locrian: 'Loc'
}

function keyAlterations(key: KeySignature): Map<string, number> {
  const alterations = new Map<string, number>()
  const count = Math.min(7, Math.abs(key.fifths))
  const order = key.fifths >= 0 ? SHARP_ORDER : FLAT_ORDER
  for (const letter of order.slice(0, count)) alterations.set(letter, key.fifths >= 0 ? 1 : -1)
  return alterations
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

export function abcLength(ticks: number): string {
  const divisor = gcd(ticks, UNIT_TICKS)
  const numerator = ticks / divisor
  const denominator = UNIT_TICKS / divisor
  if (denominator === 1) return numerator === 1 ? '' : String(numerator)
  return `${numerator === 1 ? '' : numerator}/${denominator}`
}

/** Letter and alteration for a pitch: sharps in sharp keys (and C), flats in flat keys. */
function spell(pitch: number, preferFlats: boolean): { letter: string; alteration: number; octave: number } {
  const pitchClass = ((pitch % 12) + 12) % 12
  const octave = Math.floor(pitch / 12) - 1
  const natural = LETTER_SEMITONES.indexOf(pitchClass)
  if (natural >= 0) return { letter: LETTERS[natural] as string, alteration: 0, octave }
  if (preferFlats) return { letter: LETTERS[LETTER_SEMITONES.indexOf(pitchClass + 1)] as string, alteration: -1, octave }
  return { letter: LETTERS[LETTER_SEMITONES.indexOf(pitchClass - 1)] as string, alteration: 1, octave }
}

function writePitch(letter: string, octave: number): string {
  if (octave >= 5) return letter.toLowerCase() + "'".repeat(octave - 5)
  return letter + ','.repeat(Math.max(0, 4 - octave))
}

/** Splits notes at bar lines: each piece is [note, ties into the next piece]. */
function barPieces(notes: readonly MelodyNote[], barTicks: number): { note: MelodyNote; source: number; tied: boolean; barEnd: boolean }[] {
  const pieces: { note: MelodyNote; source: number; tied: boolean; barEnd: boolean }[] = []
  let cursor = 0
  const filled = notes.flatMap((note, source) => {
    const gap = note.startTicks > cursor ? [{ note: { pitch: null, startTicks: cursor, durationTicks: note.startTicks - cursor }, source: -1 }] : []
    cursor = note.startTicks + note.durationTicks
    return [...gap, { note, source }]
  })
  for (const { note, source } of filled) {
    let start = note.startTicks
    const end = note.startTicks + note.durationTicks
    while (start < end) {
      const barEnd = (Math.floor(start / barTicks) + 1) * barTicks
      const pieceEnd = Math.min(end, barEnd)
      pieces.push({
        note: { pitch: note.pitch, startTicks: start, durationTicks: pieceEnd - start },
        source,
        tied: note.pitch !== null && pieceEnd < end,
        barEnd: pieceEnd === barEnd
      })
      start = pieceEnd
    }
  }
  return pieces
}

export function melodyToAbc(melody: Melody, options: { number?: number } = {}): string {
  return melodyToAbcWithHeads(melody, options).abc
}

/**
 * The ABC text, and for each melody note the index of its first note head in the drawn score
 * (a note split at a bar line has two heads), so a view can mark notes of the melody.
 */
export function melodyToAbcWithHeads(melody: Melody, options: { number?: number } = {}): { abc: string; firstHead: number[] } {
  checkMelodyLimits(melody)
  const { numerator, denominator } = melody.meter
  const keyName = `${melody.key.tonic}${MODE_SUFFIX[melody.key.mode]}`
  const header = [
    `X:${options.number ?? 1}`,
    ...(melody.title ? [`T:${melody.title}`] : []),
    `M:${numerator}/${denominator}`,
    'L:1/8',
    `Q:1/4=${Math.round(melody.tempo)}`,
    `K:${keyName}`
  ]
  const key = keyAlterations(melody.key)
  const preferFlats = melody.key.fifths < 0
  // Whole ticks: a meter such as 4/7 gives a bar of 1097.14… ticks, and splitting notes at a
  // fractional bar line never got past it.
  const barTicks = Math.max(1, Math.round((TICKS_PER_WHOLE * numerator) / denominator))
  // Notes within one beat are written together so that they are beamed (a dotted quarter in 6/8).
  const beatTicks = denominator === 8 && numerator % 3 === 0 ? (TICKS_PER_WHOLE * 3) / 8 : TICKS_PER_WHOLE / denominator
  let bar = new Map<string, number>()
  let line = ''
  let barsInLine = 0
  const lines: string[] = []
  const firstHead: number[] = melody.notes.map(() => -1)
  let heads = 0
  for (const { note, source, tied, barEnd } of barPieces(melody.notes, barTicks)) {
    if (note.pitch !== null) {
      if (source >= 0 && firstHead[source] === -1) firstHead[source] = heads
      heads++
    }
    const length = abcLength(note.durationTicks)
    const end = note.startTicks + note.durationTicks
    const separator = end % beatTicks === 0 || note.pitch === null ? ' ' : ''
    if (note.pitch === null) {
      line += `z${length}${separator}`
    } else {
      const { letter, alteration, octave } = spell(note.pitch, preferFlats)
      const inForce = bar.get(letter) ?? key.get(letter) ?? 0
      let accidental = ''
      if (alteration !== inForce) {
        accidental = alteration === 1 ? '^' : alteration === -1 ? '_' : '='
        bar.set(letter, alteration)
      }
      line += `${accidental}${writePitch(letter, octave)}${length}${tied ? '-' : ''}${separator}`
    }
    if (barEnd) {
      line = `${line.trimEnd()} | `
      bar = new Map()
      if (++barsInLine === 4) {
        lines.push(line.trimEnd())
        line = ''
        barsInLine = 0
      }
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd())
  const body = lines.join('\n').replace(/\|\s*$/, '')
  return { abc: `${header.join('\n')}\n${body} |]\n`, firstHead }
}
