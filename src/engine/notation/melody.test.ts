import { describe, expect, it } from 'vitest'
import { barGridOf, barNumberAt, barTicksOf, nextBarLine, withPickup, type Melody } from './melody'

const melody: Melody = {
  title: 'jig',
  tempo: 120,
  meter: { numerator: 6, denominator: 8 },
  key: { tonic: 'D', mode: 'major', fifths: 2 },
  notes: [{ pitch: 69, startTicks: 0, durationTicks: 240 }]
}

describe('the bar grid of a melody', () => {
  it('has bars of whole ticks, from the pickup on', () => {
    expect(barTicksOf({ numerator: 6, denominator: 8 })).toBe(1440)
    expect(barTicksOf({ numerator: 4, denominator: 7 })).toBe(1097)
    expect(barGridOf(melody)).toEqual({ barTicks: 1440, pickupTicks: 0 })
    expect(barGridOf({ ...melody, pickupTicks: 240 })).toEqual({ barTicks: 1440, pickupTicks: 240 })
  })

  it('reads a pickup that is no whole number of ticks shorter than a bar as none', () => {
    for (const pickupTicks of [-240, 1440, 2000, 240.5, Number.NaN]) expect(barGridOf({ ...melody, pickupTicks }).pickupTicks).toBe(0)
  })

  it('numbers bars as scores do: the pickup bar 0, the first whole bar 1', () => {
    const grid = { barTicks: 1440, pickupTicks: 240 }
    expect([0, 239, 240, 1679, 1680].map((t) => barNumberAt(t, grid))).toEqual([0, 0, 1, 1, 2])
    expect([0, 1439, 1440].map((t) => barNumberAt(t, { barTicks: 1440, pickupTicks: 0 }))).toEqual([1, 1, 2])
    expect([0, 240, 1000, 1680].map((t) => nextBarLine(t, grid))).toEqual([240, 1680, 1680, 3120])
  })

  it('leaves the field out for no pickup, so a melody without one compares equal to one from before the field', () => {
    expect(withPickup(melody, 240)).toEqual({ ...melody, pickupTicks: 240 })
    expect(Object.keys(withPickup({ ...melody, pickupTicks: 240 }, 0))).not.toContain('pickupTicks')
    expect(JSON.stringify(withPickup(melody, 0))).toBe(JSON.stringify(melody))
  })
})
