import abcjs from 'abcjs'
import { describe, expect, it } from 'vitest'
import { abcjsBeatsPerMinute, clampTempo, DEFAULT_QUARTER_TEMPO, isDownbeat, quarterTempoOf, wholeNoteMilliseconds } from './playbackTempo'

/** The tempo as abcjs parses the song's Q: (what the score reads), then in quarter notes a minute. */
const tempoOfAbc = (header: string) => quarterTempoOf(abcjs.parseOnly(`X:1\n${header}\nK:C\nCDEF|\n`)[0]?.metaText.tempo)

describe('quarterTempoOf', () => {
  it('reads Q: as quarter notes a minute, whatever note it counts', () => {
    expect(tempoOfAbc('M:4/4\nQ:1/4=100')).toBe(100)
    expect(tempoOfAbc('M:6/8\nQ:3/8=60')).toBe(90)
    expect(tempoOfAbc('M:2/2\nQ:1/2=72')).toBe(144)
    expect(tempoOfAbc('M:4/4\nQ:"Allegro" 1/4=132')).toBe(132)
  })

  it('gives a song without Q: the studio default', () => {
    expect(tempoOfAbc('M:4/4')).toBe(DEFAULT_QUARTER_TEMPO)
    expect(quarterTempoOf({ bpm: 0 })).toBe(DEFAULT_QUARTER_TEMPO)
  })
})

describe('abcjsBeatsPerMinute', () => {
  it('counts beats of the meter as abcjs does, so its bar length matches the quarter tempo', () => {
    // 4/4 at ♩=90: a bar of four quarters is 4 × 60 000 / 90 ms.
    const fourFour = abcjs.parseOnly('X:1\nM:4/4\nQ:1/4=90\nK:C\nCDEF|\n')[0]!
    expect(fourFour.millisecondsPerMeasure(abcjsBeatsPerMinute(90, fourFour.getBeatLength()))).toBeCloseTo(4 * (60_000 / 90))
    // 6/8 at ♩=90: the beat is a dotted quarter, 60 a minute; a bar is two of them, 2 s.
    const sixEight = abcjs.parseOnly('X:1\nM:6/8\nK:C\nCDEFGA|\n')[0]!
    expect(abcjsBeatsPerMinute(90, sixEight.getBeatLength())).toBe(60)
    expect(sixEight.millisecondsPerMeasure(abcjsBeatsPerMinute(90, sixEight.getBeatLength()))).toBeCloseTo(2000)
  })

  it('never asks abcjs for no beats', () => {
    expect(abcjsBeatsPerMinute(4, 1)).toBe(1)
  })
})

describe('clampTempo and wholeNoteMilliseconds', () => {
  it('keeps a chosen tempo within the limits a Q: may have', () => {
    expect(clampTempo(0)).toBe(4)
    expect(clampTempo(5000)).toBe(1000)
    expect(clampTempo(99.6)).toBe(100)
    expect(clampTempo(Number.NaN)).toBe(DEFAULT_QUARTER_TEMPO)
  })

  it('turns a bar length into a whole note length', () => {
    expect(wholeNoteMilliseconds(1500, { num: 3, den: 4 })).toBe(2000)
    expect(wholeNoteMilliseconds(2000, undefined)).toBe(2000)
  })
})

describe('isDownbeat', () => {
  const downbeats = (beatsPerMeasure: number, pickupBeats: number) => [0, 1, 2, 3, 4, 5, 6, 7, 8].filter((beat) => isDownbeat(beat, beatsPerMeasure, pickupBeats))

  it('clicks loud on the first beat of each bar', () => {
    expect(downbeats(4, 0)).toEqual([0, 4, 8])
    expect(downbeats(3, 0)).toEqual([0, 3, 6])
  })

  it('counts bars from the bar line after a pickup', () => {
    // 4/4 with a one-beat pickup (as 나비야 would start on its upbeat): the bars begin on beats 1, 5.
    expect(downbeats(4, 1)).toEqual([1, 5])
    const pickup = abcjs.parseOnly('X:1\nM:3/4\nL:1/4\nK:C\nC D | E F G | A B c |\n')[0]!
    expect(downbeats(pickup.getBeatsPerMeasure(), pickup.getPickupLength() / pickup.getBeatLength())).toEqual([2, 5, 8])
  })

  it('calls no beat the first of a bar when the pickup is part of a beat', () => {
    expect(downbeats(4, 0.5)).toEqual([])
  })
})
