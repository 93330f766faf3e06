import { BAR_MAX_QUARTERS, BAR_MIN_QUARTERS, CONTINUE_MAX_BARS, CONTINUE_MAX_NOTES, CONTINUE_MAX_VARIATIONS } from '../../shared/limits'
import { GenerationCancelledError, LimitError, OptionError } from '../errors'
import { TICKS_PER_WHOLE, type Meter } from '../notation/melody'
import { inStandardLengths, noteCodeFor, readNoteCode, type NoteCode } from '../notation/noteCodes'
import type { InputEncoding, Vocabulary } from '../notation/vocabulary'
import { seededRandom } from '../training/random'
import { argMax, type NotePredictor } from './predict'

/** How the next note is picked from the model's probabilities. */
export interface SamplingOptions {
  /** 0 picks the likeliest note (greedy); 1 samples the model's distribution; higher flattens it. */
  readonly temperature: number
  /** Sample among the k likeliest notes only (all when left out). */
  readonly topK?: number
}

export interface ContinueOptions extends SamplingOptions {
  /** Notes (codes: a tied piece counts as one) to add; the last bar is then completed, so the melody ends on a bar line. */
  readonly notes?: number
  /** Or whole bars to add. */
  readonly bars?: number
  /** Melodies to make, each from its own stream of random numbers (default 1). */
  readonly variations?: number
  /** The first variation's random seed; variation i uses seed + i. */
  readonly seed: number
  readonly meter: Meter
  /** Ticks before the prime's first bar line (its pickup); bars run from there. */
  readonly pickupTicks?: number
  /** Stops generation between notes (checked every few dozen notes) with GenerationCancelledError. */
  readonly signal?: AbortSignal
}

/** One continuation: the prime as given, then the generated notes. */
export interface Continuation {
  readonly seed: number
  /** The generated notes only, as codes (rests may close a bar where no note of the vocabulary fits). */
  readonly generated: NoteCode[]
  /** Class indices of the generated notes that came from the model (not the closing rest). */
  readonly indices: number[]
}

/**
 * Draws one class from probabilities under a temperature and top-k, with `random` in [0, 1).
 * Classes whose duration does not fit are excluded by `allowed`. Temperature 0 is argmax.
 */
export function sampleClass(probabilities: ArrayLike<number>, options: SamplingOptions, random: () => number, allowed?: (index: number) => boolean): number | undefined {
  const candidates: { index: number; logit: number }[] = []
  for (let i = 0; i < probabilities.length; i++) {
    if (allowed && !allowed(i)) continue
    candidates.push({ index: i, logit: Math.log(Math.max(probabilities[i] ?? 0, 1e-30)) })
  }
  if (candidates.length === 0) return undefined
  if (options.temperature <= 0) {
    const masked = Array.from({ length: probabilities.length }, (_, i) => (allowed && !allowed(i) ? -1 : (probabilities[i] ?? 0)))
    return argMax(masked)
  }
  candidates.sort((a, b) => b.logit - a.logit)
  const kept = candidates.slice(0, options.topK && options.topK > 0 ? options.topK : candidates.length)
  const top = kept[0]?.logit ?? 0
  const weights = kept.map((c) => Math.exp((c.logit - top) / options.temperature))
  const total = weights.reduce((a, b) => a + b, 0)
  let threshold = random() * total
  for (let i = 0; i < kept.length; i++) {
    threshold -= weights[i] ?? 0
    if (threshold < 0) return kept[i]?.index
  }
  return kept.at(-1)?.index
}

function checkOptions(options: ContinueOptions): void {
  if (!(options.temperature >= 0) || !Number.isFinite(options.temperature)) throw new OptionError(`temperature must be a number ≥ 0, got ${options.temperature}`)
  if (options.topK !== undefined && (!Number.isInteger(options.topK) || options.topK < 1)) throw new OptionError(`top-k must be a whole number ≥ 1, got ${options.topK}`)
  if ((options.notes === undefined) === (options.bars === undefined)) throw new OptionError('give either a number of notes or a number of bars')
  const amount = options.notes ?? options.bars ?? 0
  const most = options.notes !== undefined ? CONTINUE_MAX_NOTES : CONTINUE_MAX_BARS
  if (!Number.isInteger(amount) || amount < 1 || amount > most) {
    throw new OptionError(`the length must be a whole number of ${options.notes !== undefined ? 'notes' : 'bars'} from 1 to ${most}, got ${amount}`)
  }
  const variations = options.variations ?? 1
  if (!Number.isInteger(variations) || variations < 1 || variations > CONTINUE_MAX_VARIATIONS) {
    throw new OptionError(`variations must be a whole number from 1 to ${CONTINUE_MAX_VARIATIONS}, got ${variations}`)
  }
  const barQuarters = (options.meter.numerator / options.meter.denominator) * 4
  if (!(barQuarters >= BAR_MIN_QUARTERS && barQuarters <= BAR_MAX_QUARTERS)) {
    throw new LimitError('BAR_MAX_QUARTERS', `a bar of ${options.meter.numerator}/${options.meter.denominator} cannot be filled: bars run from ${BAR_MIN_QUARTERS} to ${BAR_MAX_QUARTERS} quarter notes`)
  }
}

/** Generation gives the event loop a turn this often, so a stop request is heard. */
const NOTES_BETWEEN_YIELDS = 32

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Continues a melody from its last notes. The model hears the prime window by window (a
 * stateful model builds up its state over the whole prime), then every note it picks. Notes
 * never cross a bar line: only notes that fit in what is left of the bar may be picked, so the
 * result fills whole bars of the meter; where no note of the vocabulary fits, a rest closes the
 * bar. With `notes`, generation goes on after the last note until its bar is full.
 * A vocabulary with tied pieces (`c2-`, a note that goes on into the next code of its pitch) is
 * generated piece by piece: each piece fits its bar, and a piece tied over the bar line is a
 * note held into the next bar, as a score writes it. `notes` counts codes, pieces included;
 * `joinNoteCodes` makes the melody.
 * At most CONTINUE_MAX_NOTES notes a continuation; the event loop gets a turn every few dozen
 * notes, so `signal` can stop it.
 * @throws OptionError for options out of range, or a prime shorter than the model's window
 * @throws GenerationCancelledError when `signal` is aborted
 */
export async function continueMelody(
  predictor: NotePredictor,
  window: number,
  encoding: InputEncoding,
  vocabulary: Vocabulary,
  prime: readonly number[],
  options: ContinueOptions
): Promise<Continuation[]> {
  checkOptions(options)
  if (prime.length < window) throw new OptionError(`the prime needs at least ${window} notes (the model's window), got ${prime.length}`)
  const durations = vocabulary.codes.map((code) => readNoteCode(code)?.ticks ?? 0)
  const barTicks = Math.round((TICKS_PER_WHOLE * options.meter.numerator) / options.meter.denominator)
  const primeTicks = prime.reduce((sum, index) => sum + (durations[index] ?? 0), 0)
  const results: Continuation[] = []
  for (let variation = 0; variation < (options.variations ?? 1); variation++) {
    const seed = options.seed + variation
    const random = seededRandom(seed)
    const heard = [...prime]
    const generated: NoteCode[] = []
    const indices: number[] = []
    predictor.resetStates()
    // Warm a stateful model up on the prime's windows; the last window's prediction is the first note.
    let probabilities: ArrayLike<number> = new Float32Array()
    for (let end = window; end <= prime.length; end++) probabilities = predictor.probabilities(heard.slice(end - window, end).map((i) => encoding.encode(i)))
    // Where the prime ends within its bar: bar lines fall at the pickup and every bar after it.
    let position = (((primeTicks - (options.pickupTicks ?? 0)) % barTicks) + barTicks) % barTicks
    let barsDone = 0
    for (let step = 1; ; step++) {
      if (step % NOTES_BETWEEN_YIELDS === 0) {
        await nextTurn()
        if (options.signal?.aborted) throw new GenerationCancelledError()
      }
      const left = barTicks - position
      // Past the most notes one continuation may have, the bar is closed with a rest.
      const full = generated.length >= CONTINUE_MAX_NOTES
      const next = full ? undefined : sampleClass(probabilities, options, random, (index) => (durations[index] ?? 0) > 0 && (durations[index] ?? 0) <= left)
      let ticks: number
      if (next === undefined) {
        // An odd rest (five sixteenths) is written in standard pieces, as the song's own are.
        generated.push(...inStandardLengths([noteCodeFor(null, left)]))
        ticks = left
      } else {
        generated.push(readNoteCode(vocabulary.codes[next] ?? '') ?? noteCodeFor(null, durations[next] ?? 0))
        indices.push(next)
        heard.push(next)
        ticks = durations[next] ?? 0
      }
      position += ticks
      if (position >= barTicks) {
        position -= barTicks
        barsDone++
      }
      const done = full || (options.bars !== undefined ? barsDone >= options.bars : generated.length >= (options.notes ?? 0) && position === 0)
      if (done) break
      if (next !== undefined) probabilities = predictor.probabilities(heard.slice(-window).map((i) => encoding.encode(i)))
    }
    predictor.resetStates()
    results.push({ seed, generated, indices })
  }
  return results
}
