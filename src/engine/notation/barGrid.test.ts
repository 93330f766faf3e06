import { describe, expect, it } from 'vitest'
import { beatTicksOf, CLEAR_GRID_MARGIN, inferBarGrid, type GridNote } from './barGrid'

const SIX_EIGHT = { numerator: 6, denominator: 8 }
const FOUR_FOUR = { numerator: 4, denominator: 4 }

/** Notes from lengths in eighths, one after another from `start`. */
function line(eighths: number[], start = 0, velocity?: (index: number) => number): GridNote[] {
  let at = start
  return eighths.map((length, i) => {
    const note = { startTicks: at, durationTicks: length * 240, ...(velocity ? { velocity: velocity(i) } : {}) }
    at += length * 240
    return note
  })
}

/** A jig's bar: quarter-eighth, quarter-eighth (`c2f c2f`), or three and three eighths. */
const JIG_BARS = [[2, 1, 2, 1], [1, 1, 1, 1, 1, 1], [2, 1, 1, 1, 1], [3, 2, 1]]

describe('inferring the bar grid', () => {
  it('finds the pickup of a jig played from tick 0, one eighth before the first downbeat', () => {
    const bars = Array.from({ length: 16 }, (_, i) => JIG_BARS[i % JIG_BARS.length] as number[])
    const grid = inferBarGrid({ notes: line([1, ...bars.flat()]) }, SIX_EIGHT)
    expect(grid.barTicks).toBe(1440)
    expect(grid.pickupTicks).toBe(240)
    expect(grid.candidates[0]).toEqual({ pickupTicks: 240, score: expect.any(Number) })
    expect(grid.candidates).toHaveLength(6)
  })

  it('keeps the grid from tick 0 for a tune that starts on the downbeat, clearly when the accents say so too', () => {
    const bars = Array.from({ length: 16 }, (_, i) => JIG_BARS[i % JIG_BARS.length] as number[]).flat()
    const plain = inferBarGrid({ notes: line(bars) }, SIX_EIGHT)
    expect(plain.pickupTicks).toBe(0)
    expect(plain.margin).toBeGreaterThan(0)
    const onsets = bars.map((_, i) => bars.slice(0, i).reduce((sum, length) => sum + length, 0) * 240)
    const accented = inferBarGrid({ notes: line(bars, 0, (i) => (onsets[i]! % 1440 === 0 ? 105 : 80)) }, SIX_EIGHT)
    expect(accented.pickupTicks).toBe(0)
    expect(accented.margin).toBeGreaterThanOrEqual(CLEAR_GRID_MARGIN)
    expect(accented.shifts).toEqual([])
  })

  it('takes a file that starts with a silence to start on a bar line (the silence fills the pickup bar)', () => {
    const bars = Array.from({ length: 16 }, (_, i) => JIG_BARS[i % JIG_BARS.length] as number[])
    expect(inferBarGrid({ notes: line([1, ...bars.flat()], 1200) }, SIX_EIGHT).pickupTicks).toBe(0)
  })

  it('reads accents: in even eighths, the loud notes start the bars', () => {
    // Eighths only: the rhythm says nothing, the velocities (as abc2midi and players write them) do.
    const notes = line(Array.from({ length: 64 }, () => 1), 0, (i) => ((i - 3) % 8 === 0 ? 105 : 80))
    expect(inferBarGrid({ notes }, FOUR_FOUR).pickupTicks).toBe(720)
  })

  it('reads an accompaniment: its onsets mark the downbeats', () => {
    const notes = line(Array.from({ length: 64 }, () => 1))
    const otherOnsets = Array.from({ length: 8 }, (_, i) => 480 + i * 1920)
    expect(inferBarGrid({ notes, otherOnsets }, FOUR_FOUR).pickupTicks).toBe(480)
  })

  it('finds a stretch whose accents fit a grid shifted mid-file (a repeat that ends on a short bar)', () => {
    // 12 bars of 4/4 (quarter, eighth, eighth, twice), the first note of each accented; a quarter
    // more, then the same 12 bars again, so their bar lines fall a quarter later.
    const bars = Array.from({ length: 12 }, () => [2, 1, 1, 2, 1, 1]).flat()
    const accented = (i: number) => (i % 6 === 0 ? 105 : 80)
    const notes = [...line(bars, 0, accented), { startTicks: 12 * 1920, durationTicks: 480, velocity: 80 }, ...line(bars, 12 * 1920 + 480, accented)]
    const grid = inferBarGrid({ notes }, FOUR_FOUR)
    expect(grid.pickupTicks).toBe(0)
    expect(grid.shifts).toEqual([{ fromTicks: 12 * 1920 + 480, toTicks: 25 * 1920 + 480, pickupTicks: 480, lead: expect.any(Number) }])
    // Without the accents, the same notes give no stretch: a bar's rhythm says too little.
    expect(inferBarGrid({ notes: notes.map(({ velocity: _velocity, ...note }) => note) }, FOUR_FOUR).shifts).toEqual([])
  })

  it('has a beat of a dotted quarter in compound meters and an empty melody on the grid from 0', () => {
    expect(beatTicksOf(SIX_EIGHT)).toBe(720)
    expect(beatTicksOf({ numerator: 3, denominator: 4 })).toBe(480)
    expect(beatTicksOf({ numerator: 12, denominator: 8 })).toBe(720)
    expect(inferBarGrid({ notes: [] }, FOUR_FOUR)).toMatchObject({ pickupTicks: 0, shifts: [] })
  })
})
