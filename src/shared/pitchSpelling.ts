// How a MIDI pitch is written in ABC in a key: one set of rules for the engine's melodyToAbc and
// the renderer's MIDI-keyboard entry (abcFragment), so both spell a song's notes alike: sharps in
// sharp keys and C, flats in flat keys, octave marks as ABC 2.1 §4.1 writes them.

const SHARP_ORDER = ['F', 'C', 'G', 'D', 'A', 'E', 'B']
const FLAT_ORDER = ['B', 'E', 'A', 'D', 'G', 'C', 'F']
const LETTERS = ['C', 'D', 'E', 'F', 'G', 'A', 'B']
const LETTER_SEMITONES = [0, 2, 4, 5, 7, 9, 11]

/** The letters a key signature alters (+1 sharp, −1 flat), for `fifths` sharps (> 0) or flats (< 0). */
export function keyAlterations(key: { readonly fifths: number }): Map<string, number> {
  const alterations = new Map<string, number>()
  const count = Math.min(7, Math.abs(key.fifths))
  const order = key.fifths >= 0 ? SHARP_ORDER : FLAT_ORDER
  for (const letter of order.slice(0, count)) alterations.set(letter, key.fifths >= 0 ? 1 : -1)
  return alterations
}

/** Letter and alteration for a pitch: sharps in sharp keys (and C), flats in flat keys. */
export function spellPitch(pitch: number, preferFlats: boolean): { letter: string; alteration: number; octave: number } {
  const pitchClass = ((pitch % 12) + 12) % 12
  const octave = Math.floor(pitch / 12) - 1
  const natural = LETTER_SEMITONES.indexOf(pitchClass)
  if (natural >= 0) return { letter: LETTERS[natural] as string, alteration: 0, octave }
  if (preferFlats) return { letter: LETTERS[LETTER_SEMITONES.indexOf(pitchClass + 1)] as string, alteration: -1, octave }
  return { letter: LETTERS[LETTER_SEMITONES.indexOf(pitchClass - 1)] as string, alteration: 1, octave }
}

/** A letter in an octave as ABC writes it: `C,` `C` `c` `c'`. */
export function writePitch(letter: string, octave: number): string {
  if (octave >= 5) return letter.toLowerCase() + "'".repeat(octave - 5)
  return letter + ','.repeat(Math.max(0, 4 - octave))
}
