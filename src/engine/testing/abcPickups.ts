// Test helper: the bar lines of each tune as its ABC text writes them, read from abcjs's parse
// tree alone (apart from our importer), to check our ABC's bar lines and MIDI's inferred pickups.
import abcjs from 'abcjs'
import { barTicksOf, TICKS_PER_WHOLE } from '../notation/melody'

interface ParsedElement {
  readonly el_type: string
  readonly duration?: number
  readonly startTriplet?: number
  readonly tripletMultiplier?: number
  readonly endTriplet?: boolean
}

interface ParsedTune {
  readonly lines: { staff?: { voices?: ParsedElement[][] }[] }[]
  getMeterFraction(): { num: number; den: number } | undefined
}

export interface WrittenBars {
  /** The length of a bar of the tune's (first) meter. */
  readonly barTicks: number
  /** Where each bar line falls, as written (repeats not played), in ticks from the first note. */
  readonly barLines: number[]
  /** Where the music ends. */
  readonly endTicks: number
}

/**
 * The bar lines of each tune of a tune book, in order, in the first voice. A bar line before any
 * note (`|:` at the start) is not counted; tuplets count at their played length, grace notes not.
 */
export function writtenBars(abcText: string): WrittenBars[] {
  // abcjs reads a line such as `Y:AB`, which is no ABC field, as the notes A and B.
  const fieldsOnly = abcText.replace(/^(?![ABCDFGHIKLMmNOPQRrSsTUVWwXZ]:)[A-Za-z]:.*$/gm, '%')
  const tunes = abcjs.parseOnly(fieldsOnly) as unknown as ParsedTune[]
  return tunes.map((tune) => {
    const meter = tune.getMeterFraction()
    const barTicks = barTicksOf(meter?.num && meter.den ? { numerator: meter.num, denominator: meter.den } : { numerator: 4, denominator: 4 })
    const firstVoice = tune.lines.flatMap((line) => line.staff?.[0]?.voices?.[0] ?? [])
    const barLines: number[] = []
    let time = 0
    let tupletScale = 1
    for (const element of firstVoice) {
      if (element.el_type === 'bar' && time > 0 && barLines.at(-1) !== time) barLines.push(time)
      if (element.el_type !== 'note') continue
      if (element.startTriplet !== undefined) tupletScale = element.tripletMultiplier ?? 1
      time += Math.round((element.duration ?? 0) * tupletScale * TICKS_PER_WHOLE)
      if (element.endTriplet) tupletScale = 1
    }
    return { barTicks, barLines, endTicks: time }
  })
}

/**
 * For each tune of a tune book, in order: the length of its first bar when that bar is shorter
 * than the meter's bar (a pickup), else 0.
 */
export function writtenPickups(abcText: string): number[] {
  return writtenBars(abcText).map(({ barTicks, barLines }) => {
    const first = barLines[0]
    return first !== undefined && first < barTicks ? first : 0
  })
}
