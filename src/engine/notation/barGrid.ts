import { barTicksOf, TICKS_PER_QUARTER, TICKS_PER_WHOLE, type Meter } from './melody'

/**
 * Where the bar lines of a MIDI file fall. MIDI has no bar lines: a time signature gives the bar's
 * length, and readers count bars from tick 0, so a tune that starts with a pickup (abc2midi plays
 * the pickup from tick 0) or whose grid restarts mid-file (a repeat that ends on a short bar) is
 * read with every bar line shifted and notes tied across them. The grid is inferred from the notes.
 *
 * Each candidate first bar line p (0, an eighth, … up to a bar; a sixteenth in meters whose bar is
 * not a whole number of eighths) is scored by how well the notes fit the meter's hierarchy of
 * strong and weak positions when bars start at p + k × bar:
 * - onsets on strong positions (downbeat, half bar, beat, eighth…), longer notes counting more;
 * - long notes starting on the downbeat or half bar (phrases end on long notes there);
 * - few notes across a bar line, and few that start off a beat and hold across it (syncopation);
 * - louder notes on the downbeat, when the velocities vary (players and abc2midi accent bar starts);
 * - other tracks' onsets on strong positions (an accompaniment marks the beats);
 * - a short pickup before a long one: an anacrusis is a few notes, rarely more than half a bar;
 *   but a file that starts with a silence is taken to start on a bar line (the silence fills the
 *   pickup's bar, as notation programs and the Nottingham dataset write it).
 * The weights were set by hand and checked on the Nottingham tunes played by abc2midi
 * (roundTrip.test.ts prints the figures). Ties go to the earlier candidate, so to 0.
 */

/** One note of the melody, as the grid sees it. */
export interface GridNote {
  readonly startTicks: number
  readonly durationTicks: number
  /** MIDI velocity 1–127, when the file has one. */
  readonly velocity?: number
}

export interface GridEvidence {
  /** The melody's sounding notes in time order, not overlapping (a skyline). */
  readonly notes: readonly GridNote[]
  /** Onsets of the file's other tracks, in ticks. */
  readonly otherOnsets?: readonly number[]
}

export interface GridCandidate {
  readonly pickupTicks: number
  readonly score: number
}

/** A stretch of the file whose notes fit bar lines other than the grid chosen for the whole. */
export interface GridShift {
  /** Where the stretch starts (a bar line of the shifted grid) and ends, in ticks. */
  readonly fromTicks: number
  readonly toTicks: number
  /** The first bar line of the grid these notes fit, as a pickup (0 ≤ pickup < bar). */
  readonly pickupTicks: number
  /** How much better the stretch fits its grid than the chosen one, a note on average. */
  readonly lead: number
}

export interface InferredGrid {
  readonly barTicks: number
  readonly pickupTicks: number
  /** Every candidate's score, best first. */
  readonly candidates: readonly GridCandidate[]
  /** How far the chosen grid scored above the next best (large when the notes leave no doubt). */
  readonly margin: number
  readonly shifts: readonly GridShift[]
}

/** Below this lead over the runner-up, a grid starting on tick 0 still counts as a guess. */
export const CLEAR_GRID_MARGIN = 0.2

const WEIGHTS = {
  onsetStrength: 1.4,
  lengthStrength: 1.1,
  longOnStrong: 1.1,
  barCrossing: -10,
  beatCrossing: -5,
  accent: 0.4,
  accompaniment: 1,
  pickupLength: 0.17
} as const

/** A bar of a stretch must fit another grid by this much more, a bar on average, to be a shift. */
const SHIFT_PENALTY = 3
/** Shifts shorter than this many bars are not reported (a short bar at a repeat, an odd phrase). */
const SHIFT_MIN_BARS = 4
/**
 * …nor those that fit their grid by less than this, a note on average. Syncopated tunes (ties over
 * the bar line) fit a grid half a bar off almost as well for a few bars: on the Nottingham tunes
 * played by abc2midi this kept 10 of the 16 tunes whose grid restarts, with 4 false finds.
 */
const SHIFT_MIN_LEAD = 1.5

/** A compound meter (6/8, 9/8, 12/8, 6/4…) beats in dotted notes of three of its units. */
function isCompound(meter: Meter): boolean {
  return meter.denominator >= 4 && meter.numerator % 3 === 0 && meter.numerator > 3
}

/** The beat: a dotted quarter in 6/8, 9/8 and 12/8 (a dotted half in 6/4), else the meter's unit. */
export function beatTicksOf(meter: Meter): number {
  return ((isCompound(meter) ? 3 : 1) * TICKS_PER_WHOLE) / meter.denominator
}

/**
 * The meter's hierarchy as grid spacings, coarsest first: the bar, its half (or third, in 9/8),
 * the beat, the beat's thirds in a compound meter, then halves down to a sixteenth.
 */
function metricLevels(meter: Meter, barTicks: number): number[] {
  const beat = beatTicksOf(meter)
  const beats = barTicks / beat
  const levels = [barTicks]
  if (Number.isInteger(beats)) {
    if (beats % 2 === 0 && beats > 2) levels.push(barTicks / 2)
    if (beats % 3 === 0 && beats > 3) levels.push(barTicks / 3)
    levels.push(beat)
  }
  const unit = isCompound(meter) ? beat / 3 : beat
  for (let spacing = unit; spacing >= TICKS_PER_QUARTER / 4; spacing /= 2) levels.push(spacing)
  return [...new Set(levels.filter((spacing) => Number.isInteger(spacing) && spacing > 0 && spacing <= barTicks))].sort((a, b) => b - a)
}

/** Each candidate's score for a run of notes, as sums (the whole-file score divides by the count). */
interface Tally {
  onsetStrength: number
  lengthStrength: number
  longOnStrong: number
  barCrossing: number
  beatCrossing: number
  accent: number
}

const emptyTally = (): Tally => ({ onsetStrength: 0, lengthStrength: 0, longOnStrong: 0, barCrossing: 0, beatCrossing: 0, accent: 0 })

/** The weighted score of a tally, a note on average: `notes` and `longNotes` are the whole file's. */
function tallyScore(tally: Tally, notes: number, longNotes: number): number {
  if (notes === 0) return 0
  return (
    (WEIGHTS.onsetStrength * tally.onsetStrength +
      WEIGHTS.lengthStrength * tally.lengthStrength +
      WEIGHTS.barCrossing * tally.barCrossing +
      WEIGHTS.beatCrossing * tally.beatCrossing +
      WEIGHTS.accent * tally.accent) /
      notes +
    (longNotes > 0 ? (WEIGHTS.longOnStrong * tally.longOnStrong) / longNotes : 0)
  )
}

const modulo = (value: number, divisor: number) => ((value % divisor) + divisor) % divisor

/**
 * The bar grid that fits the notes best: the first bar line (as a pickup), the scores of all
 * candidates, and the stretches that fit a shifted grid better (a grid that restarts mid-file).
 */
export function inferBarGrid(evidence: GridEvidence, meter: Meter): InferredGrid {
  const barTicks = barTicksOf(meter)
  const step = barTicks % (TICKS_PER_QUARTER / 2) === 0 ? TICKS_PER_QUARTER / 2 : barTicks % (TICKS_PER_QUARTER / 4) === 0 ? TICKS_PER_QUARTER / 4 : barTicks
  const phases = Array.from({ length: barTicks / step }, (_, i) => i * step)
  const levels = metricLevels(meter, barTicks)
  const beat = beatTicksOf(meter)
  const strengthAt = (position: number) => levels.reduce((sum, spacing) => sum + (position % spacing === 0 ? 1 : 0), 0) / levels.length
  const notes = evidence.notes
  if (notes.length === 0) return { barTicks, pickupTicks: 0, candidates: [{ pickupTicks: 0, score: 0 }], margin: 0, shifts: [] }

  const lengths = notes.map((note) => note.durationTicks).sort((a, b) => a - b)
  const medianLength = lengths[Math.floor(lengths.length / 2)] ?? 0
  const velocities = notes.map((note) => note.velocity ?? 0)
  const meanVelocity = velocities.reduce((sum, v) => sum + v, 0) / notes.length
  const accented = velocities.some((v) => Math.abs(v - meanVelocity) > 1)
  const halfBar = levels.includes(barTicks / 2) ? barTicks / 2 : barTicks

  // Each bar of the file (counted from tick 0) gets a tally per candidate, so that stretches can be
  // scored apart from the whole; the whole file's tally is their sum.
  const barCount = Math.floor((notes.at(-1)?.startTicks ?? 0) / barTicks) + 1
  const bars = Array.from({ length: barCount }, () => ({ tallies: phases.map(emptyTally), notes: 0, longNotes: 0 }))
  for (const note of notes) {
    const bar = bars[Math.floor(note.startTicks / barTicks)]
    if (!bar) continue
    const end = note.startTicks + note.durationTicks
    const long = note.durationTicks > medianLength
    bar.notes++
    if (long) bar.longNotes++
    phases.forEach((phase, i) => {
      const tally = bar.tallies[i] as Tally
      const position = modulo(note.startTicks - phase, barTicks)
      const strength = strengthAt(position)
      tally.onsetStrength += strength
      tally.lengthStrength += strength * Math.log2(1 + note.durationTicks / (TICKS_PER_QUARTER / 2))
      if (note.startTicks - position + barTicks < end) tally.barCrossing++
      const intoBeat = modulo(note.startTicks - phase, beat)
      if (intoBeat !== 0 && note.startTicks - intoBeat + beat < end) tally.beatCrossing++
      if (long && (position === 0 || position === halfBar)) tally.longOnStrong++
      if (accented && position === 0) tally.accent += (note.velocity ?? 0) - meanVelocity
    })
  }

  const others = evidence.otherOnsets ?? []
  const firstOnset = notes[0]?.startTicks ?? 0
  const total = phases.map(emptyTally)
  for (const bar of bars) {
    bar.tallies.forEach((tally, i) => {
      const sum = total[i] as Tally
      for (const key of Object.keys(sum) as (keyof Tally)[]) sum[key] += tally[key]
    })
  }
  const longNotes = bars.reduce((sum, bar) => sum + bar.longNotes, 0)
  const scored = phases.map((phase, i) => {
    const pickupLength = modulo(phase - firstOnset, barTicks)
    // A file that starts with a silence most likely starts on a bar line, the silence filling the
    // pickup's bar (as notation programs export a pickup): the bar from tick 0 is no long pickup.
    const filledBar = phase === 0 && firstOnset > 0
    const pickupPenalty = pickupLength === 0 || filledBar ? 0 : pickupLength <= beat ? 0.5 : pickupLength <= barTicks / 2 ? 1 : 2
    const accompaniment = others.length > 0 ? others.reduce((sum, onset) => sum + strengthAt(modulo(onset - phase, barTicks)), 0) / others.length : 0
    const score =
      tallyScore(total[i] as Tally, notes.length, longNotes) + WEIGHTS.accompaniment * accompaniment - WEIGHTS.pickupLength * pickupPenalty
    return { pickupTicks: phase, score }
  })
  // Ties go to the earlier candidate: the sort is stable and candidates come in order from 0.
  const candidates = [...scored].sort((a, b) => b.score - a.score)
  const best = candidates[0] as GridCandidate
  const margin = best.score - (candidates[1]?.score ?? best.score)
  // Without accents a bar's notes say too little about where it starts: on the same tunes with
  // every velocity equal, stretches were found in 12 tunes, 8 of them wrongly.
  const shifts = !accented ? [] : shiftedStretches(
    // A bar's score in the same units as the whole's, times the notes: the bars' scores add up.
    bars.map((bar) => bar.tallies.map((tally) => tallyScore(tally, notes.length, longNotes) * notes.length)),
    bars.map((bar) => bar.notes),
    phases.indexOf(best.pickupTicks),
    phases,
    barTicks
  )
  return { barTicks, pickupTicks: best.pickupTicks, candidates, margin, shifts }
}

/**
 * Stretches of bars that fit another grid than the chosen one: the best path of grids through
 * the bars (Viterbi), where changing grid costs SHIFT_PENALTY, kept where it leaves the chosen
 * grid for at least SHIFT_MIN_BARS bars and fits the other by SHIFT_MIN_LEAD.
 */
function shiftedStretches(barScores: number[][], barNotes: number[], chosen: number, phases: number[], barTicks: number): GridShift[] {
  if (barScores.length === 0 || phases.length < 2) return []
  const back: number[][] = []
  let totals = phases.map((_, i) => (barScores[0]?.[i] ?? 0) - (i === chosen ? 0 : SHIFT_PENALTY))
  for (let bar = 1; bar < barScores.length; bar++) {
    const bestBefore = totals.reduce((best, value, i) => (value > (totals[best] ?? -Infinity) ? i : best), 0)
    const pointers: number[] = []
    totals = phases.map((_, i) => {
      const stay = totals[i] ?? -Infinity
      const move = (totals[bestBefore] ?? -Infinity) - SHIFT_PENALTY
      pointers.push(stay >= move ? i : bestBefore)
      return Math.max(stay, move) + (barScores[bar]?.[i] ?? 0)
    })
    back.push(pointers)
  }
  const path = new Array<number>(barScores.length)
  path[barScores.length - 1] = totals.reduce((best, value, i) => (value > (totals[best] ?? -Infinity) || (value === totals[best] && i === chosen) ? i : best), chosen)
  for (let bar = barScores.length - 1; bar > 0; bar--) path[bar - 1] = back[bar - 1]?.[path[bar] ?? chosen] ?? chosen
  const shifts: GridShift[] = []
  let start = 0
  for (let bar = 1; bar <= path.length; bar++) {
    if (bar < path.length && path[bar] === path[start]) continue
    const phase = path[start] ?? chosen
    if (phase !== chosen && bar - start >= SHIFT_MIN_BARS) {
      const pickupTicks = phases[phase] ?? 0
      let gain = 0
      let notes = 0
      for (let i = start; i < bar; i++) {
        gain += (barScores[i]?.[phase] ?? 0) - (barScores[i]?.[chosen] ?? 0)
        notes += barNotes[i] ?? 0
      }
      shifts.push({ fromTicks: start * barTicks + pickupTicks, toTicks: bar * barTicks + pickupTicks, pickupTicks, lead: notes > 0 ? gain / notes : 0 })
    }
    start = bar
  }
  return shifts.filter((shift) => shift.lead >= SHIFT_MIN_LEAD)
}
