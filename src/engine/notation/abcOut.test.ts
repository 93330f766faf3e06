import { describe, expect, it } from 'vitest'
import { writtenBars } from '../testing/abcPickups'
import { abcToMelodies } from './abcIn'
import { melodyToAbc } from './abcOut'
import type { Melody } from './melody'

const D_MAJOR = { tonic: 'D', mode: 'major', fifths: 2 } as const
const eighths = (pitches: number[]) => pitches.map((pitch, i) => ({ pitch, startTicks: i * 240, durationTicks: 240 }))
/** The American Dwarf's first bars: `A|def fed|BdB …` */
const jig: Melody = { title: 'jig', tempo: 120, meter: { numerator: 6, denominator: 8 }, key: D_MAJOR, notes: eighths([69, 74, 76, 78, 78, 76, 74, 71, 74, 71]), pickupTicks: 240 }
const body = (abc: string) => abc.split('\n').slice(6).join('\n').trim()
const notesOf = (abc: string) => abcToMelodies(abc).tunes[0]?.melody?.notes

describe('ABC export of bars', () => {
  it('writes a pickup as a short first bar, the bar lines a bar apart after it, and beams from the bar line', () => {
    const abc = melodyToAbc(jig)
    expect(body(abc)).toBe('A | def fed | BdB |]')
    expect(writtenBars(abc)).toEqual([{ barTicks: 1440, barLines: [240, 1680, 2400], endTicks: 2400 }])
    expect(notesOf(abc)).toEqual(jig.notes)
  })

  it('splits and ties a note across the first bar line', () => {
    const melody: Melody = {
      ...jig,
      meter: { numerator: 4, denominator: 4 },
      pickupTicks: 480,
      notes: [
        { pitch: 69, startTicks: 0, durationTicks: 240 },
        { pitch: 74, startTicks: 240, durationTicks: 960 },
        { pitch: 76, startTicks: 1200, durationTicks: 240 }
      ]
    }
    const abc = melodyToAbc(melody)
    expect(body(abc)).toBe('Ad- | d3e |]')
    expect(notesOf(abc)).toEqual(melody.notes)
  })

  it('fills a melody that ends before its first bar line with a rest up to it, so that bar line stays where it is', () => {
    // A final `|]` before the first bar line would read as a shorter pickup; a trailing rest sounds nothing.
    const inPickup = melodyToAbc({ ...jig, notes: jig.notes.slice(0, 1), pickupTicks: 480 })
    expect(body(inPickup)).toBe('Az |]')
    expect(writtenBars(inPickup)[0]?.barLines).toEqual([480])
    const shorterThanABar = melodyToAbc({ ...jig, notes: jig.notes.slice(0, 2), pickupTicks: undefined })
    expect(writtenBars(shorterThanABar)[0]?.barLines).toEqual([1440])
    expect(notesOf(shorterThanABar)).toEqual(jig.notes.slice(0, 2))
  })

  it('writes a pickup of a triplet eighth, and ignores one that is not shorter than a bar', () => {
    const triplet = melodyToAbc({ ...jig, pickupTicks: 160 })
    expect(writtenBars(triplet)[0]?.barLines.slice(0, 2)).toEqual([160, 1600])
    expect(notesOf(triplet)).toEqual(jig.notes)
    expect(melodyToAbc({ ...jig, pickupTicks: 1440 })).toBe(melodyToAbc({ ...jig, pickupTicks: undefined }))
  })

  it('puts every bar line but the final one at the pickup plus whole bars', () => {
    for (const pickupTicks of [undefined, 240, 480, 720, 1200]) {
      const bars = writtenBars(melodyToAbc({ ...jig, notes: eighths(Array.from({ length: 40 }, (_, i) => 60 + (i % 12))), pickupTicks }))[0]!
      const first = pickupTicks ?? 1440
      expect(bars.barLines[0]).toBe(first)
      expect(bars.barLines.filter((t) => t < bars.endTicks).every((t) => (t - first) % 1440 === 0)).toBe(true)
    }
  })
})
