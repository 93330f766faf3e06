// The keyboard's ABC (shared/abcFragment, which the renderer uses) tested here, beside the ABC reader it must satisfy.
import { describe, expect, it } from 'vitest'
import { abcToMelodies } from './abcIn'
import { abcLengthIn, notesToAbcFragment, quantizeTake, unitTicksOf, type PlayedNote } from '../../shared/abcFragment'

const EIGHTH = 240
const QUARTER = 480
const SIXTEENTH = 120

/** The fragment in a tune of that key and unit, read back by the engine's ABC reader: its pitches and lengths. */
function readBack(fragment: string, key: string, unit: string): PlayedNote[] {
  const melody = abcToMelodies(`X:1\nT:t\nM:4/4\nL:${unit}\nK:${key}\n${fragment} |]\n`).tunes[0]?.melody
  if (!melody) throw new Error(`the fragment does not read: ${fragment}`)
  return melody.notes.map((note) => ({ pitch: note.pitch, durationTicks: note.durationTicks }))
}

describe('notesToAbcFragment', () => {
  it('writes C D E as CDE in C major at L:1/8', () => {
    const notes = [60, 62, 64].map((pitch) => ({ pitch, durationTicks: EIGHTH }))
    expect(notesToAbcFragment(notes, { fifths: 0 }, EIGHTH)).toBe('CDE')
  })

  it('writes lengths in the song unit', () => {
    expect(notesToAbcFragment([{ pitch: 72, durationTicks: QUARTER }, { pitch: 71, durationTicks: SIXTEENTH }, { pitch: null, durationTicks: 3 * SIXTEENTH }], { fifths: 0 }, EIGHTH)).toBe('c2B/2z3/2')
    expect(notesToAbcFragment([{ pitch: 72, durationTicks: QUARTER }], { fifths: 0 }, QUARTER)).toBe('c')
    expect(abcLengthIn(EIGHTH, SIXTEENTH)).toBe('2')
    expect(abcLengthIn(SIXTEENTH, QUARTER)).toBe('/4')
  })

  it('spells for the key and writes only the accidentals it needs', () => {
    // G major: F# is in the key, F natural needs `=`, and the F# after it needs `^` again.
    const inG = [66, 65, 66, 67].map((pitch) => ({ pitch, durationTicks: EIGHTH }))
    expect(notesToAbcFragment(inG, { fifths: 1 }, EIGHTH)).toBe('F=F^FG')
    // F major: B flat is in the key; a black key is a flat.
    expect(notesToAbcFragment([70, 68].map((pitch) => ({ pitch, durationTicks: EIGHTH })), { fifths: -1 }, EIGHTH)).toBe('B_A')
    // Octaves: commas below middle C's octave, apostrophes above c.
    expect(notesToAbcFragment([48, 84, 96].map((pitch) => ({ pitch, durationTicks: EIGHTH })), { fifths: 0 }, EIGHTH)).toBe("C,c'c''")
  })

  it('reads back as the same notes in the engine, in any key and unit', () => {
    const played: PlayedNote[] = [61, 66, 65, 66, null, 70, 58, 83].map((pitch, index) => ({ pitch, durationTicks: [EIGHTH, SIXTEENTH, QUARTER][index % 3] as number }))
    for (const [key, fifths] of [['C', 0], ['G', 1], ['F', -1], ['Eb', -3], ['E', 4]] as const) {
      for (const [unit, ticks] of [['1/8', EIGHTH], ['1/16', SIXTEENTH], ['1/4', QUARTER]] as const) {
        expect(readBack(notesToAbcFragment(played, { fifths }, ticks), key, unit)).toEqual(played)
      }
    }
  })

  it('groups notes so a long take stays readable, and refuses what it cannot write', () => {
    expect(notesToAbcFragment([60, 62, 64, 65, 67].map((pitch) => ({ pitch, durationTicks: EIGHTH })), { fifths: 0 }, EIGHTH)).toBe('CDEF G')
    expect(() => notesToAbcFragment([{ pitch: 128, durationTicks: EIGHTH }], { fifths: 0 }, EIGHTH)).toThrow(RangeError)
    expect(() => notesToAbcFragment([{ pitch: 60, durationTicks: 0 }], { fifths: 0 }, EIGHTH)).toThrow(RangeError)
  })
})

describe('unitTicksOf', () => {
  it('reads L:, else the default for the meter', () => {
    expect(unitTicksOf('X:1\nM:4/4\nL:1/16\nK:C\nC')).toBe(SIXTEENTH)
    expect(unitTicksOf('X:1\nM:4/4\nK:C\nC')).toBe(EIGHTH)
    expect(unitTicksOf('X:1\nM:2/4\nK:C\nC')).toBe(SIXTEENTH)
    expect(unitTicksOf('X:1\nL:1/4\nK:C')).toBe(QUARTER)
  })
})

describe('quantizeTake', () => {
  // At 120 quarter notes a minute a quarter is 500 ms, an eighth 250 ms, a sixteenth 125 ms.
  it('moves starts and ends to the nearest grid line, from the first key', () => {
    const keys = [
      { pitch: 60, onMs: 1000, offMs: 1230 },
      { pitch: 62, onMs: 1260, offMs: 1490 },
      { pitch: 64, onMs: 1510, offMs: 1990 }
    ]
    expect(quantizeTake(keys, 120, EIGHTH)).toEqual([
      { pitch: 60, durationTicks: EIGHTH },
      { pitch: 62, durationTicks: EIGHTH },
      { pitch: 64, durationTicks: QUARTER }
    ])
  })

  it('puts rests in silences and depends on the grid', () => {
    const keys = [
      { pitch: 60, onMs: 0, offMs: 110 },
      { pitch: 67, onMs: 380, offMs: 490 }
    ]
    expect(quantizeTake(keys, 120, SIXTEENTH)).toEqual([
      { pitch: 60, durationTicks: SIXTEENTH },
      { pitch: null, durationTicks: 2 * SIXTEENTH },
      { pitch: 67, durationTicks: SIXTEENTH }
    ])
    // On eighths the second key lands on 2 eighths (380 ms ≈ 1.52 eighths), and a short note is one grid long.
    expect(quantizeTake(keys, 120, EIGHTH)).toEqual([
      { pitch: 60, durationTicks: EIGHTH },
      { pitch: null, durationTicks: EIGHTH },
      { pitch: 67, durationTicks: EIGHTH }
    ])
  })

  it('keeps one voice: a key pressed while another sounds ends it', () => {
    const keys = [
      { pitch: 64, onMs: 250, offMs: 700 },
      { pitch: 60, onMs: 0, offMs: 500 }
    ]
    expect(quantizeTake(keys, 120, EIGHTH)).toEqual([
      { pitch: 60, durationTicks: EIGHTH },
      { pitch: 64, durationTicks: 2 * EIGHTH }
    ])
    expect(quantizeTake([], 120, EIGHTH)).toEqual([])
    expect(() => quantizeTake(keys, 0, EIGHTH)).toThrow(RangeError)
  })
})
