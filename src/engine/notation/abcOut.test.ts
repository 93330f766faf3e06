import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { abc2midiFiles } from '../testing/abc2midiFiles'
import { writtenBars } from '../testing/abcPickups'
import { readWithMido } from '../testing/mido'
import { abcToMelodies } from './abcIn'
import { melodiesAboveEachOther, melodyToAbc } from './abcOut'
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

describe('a song above its prediction, bar by bar', () => {
  const song: Melody = { ...jig, notes: eighths([69, 74, 76, 78, 78, 76, 74, 71, 74, 71, 69, 74, 76]) }
  // The prediction holds a note too long and ends a bar later than the song.
  const prediction: Melody = { ...song, notes: [...eighths([69, 74, 76, 78, 78, 76, 74, 71, 74, 71, 69, 74]), { pitch: 76, startTicks: 2880, durationTicks: 1440 }] }

  it('writes two voices whose lines hold the same bars, each voice reading back as its melody', () => {
    const abc = melodiesAboveEachOther(song, prediction)
    const voiceLines = (voice: number) => abc.split('\n').filter((line) => line.startsWith(`[V:${voice}]`))
    expect(voiceLines(1)).toHaveLength(voiceLines(2).length)
    // Bar for bar: the same number of bar lines on each line of the two voices.
    const bars = (line: string) => line.split('|').length
    expect(voiceLines(1).map(bars)).toEqual(voiceLines(2).map(bars))
    // The song's last bar is filled with time unheard (`x`), so its bar lines go on under the prediction's.
    expect(abc).toMatch(/x\d*\s*\|\]/)
    const voice = (index: number) => abcToMelodies(abc, { voice: index }).tunes[0]?.melody?.notes.filter((note) => note.pitch !== null)
    expect(voice(0)).toEqual(song.notes)
    expect(voice(1)).toEqual(prediction.notes)
  })

  it('is played by abc2midi as the two melodies together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compare-'))
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const [file] = abc2midiFiles(melodiesAboveEachOther(song, prediction), dir, 'compare', ['-NGUI', '-NGRA']).values()
    const reading = Object.values(readWithMido([file as string]))[0]
    const scale = (reading?.ticksPerBeat ?? 480) / 480
    // abc2midi starts a second voice's notes a tick late (so that two voices on one note both
    // sound): read to the nearest 10 of our ticks, far finer than any written length.
    const near = (ticks: number) => Math.round(ticks / scale / 10) * 10
    const inOrder = (notes: number[][]) => notes.sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0) || (a[0] ?? 0) - (b[0] ?? 0))
    const heard = inOrder((reading?.notes ?? []).map(([pitch, start, length]) => [pitch, near(start), near(length)]))
    const expected = inOrder([...song.notes, ...prediction.notes].map((note) => [note.pitch as number, note.startTicks, note.durationTicks]))
    expect(heard).toEqual(expected)
  })
})
