import { OptionError } from '../errors'

/**
 * Sequence training (truncated backpropagation through time, as folk-rnn and char-rnn train):
 * the loss at every step of a window, the state carried from one window of a tune to the next.
 *
 * Each tune of n tokens gives n − 1 steps (input t_i, label t_{i+1}). The tunes are dealt to
 * `streams` lanes (the batch rows), longest first to the lane that is shortest so far; within a
 * lane each tune is padded to a multiple of the window with masked steps (input 0, weight 0),
 * so every tune starts at a window boundary. Batch k holds window k of every lane. A lane that
 * runs out before the longest is filled with fully masked windows (no step is lost: dealing
 * longest-first keeps the lanes within one tune of each other, so the filling is small, where
 * cutting the lanes to the shortest, as `streamWindows` does, would drop whole tunes).
 *
 * Layout: sample s = k·streams + lane is window k of that lane; its `window` steps lie at
 * s·window … s·window + window − 1 of `inputs`, `labels`, `weights` and `positions`.
 */
export interface SequenceDataset {
  readonly window: number
  readonly streams: number
  /** Batches (windows per lane). */
  readonly batches: number
  /** Input token id of every step (0 on masked steps). */
  readonly inputs: Int32Array
  /** The token that follows (0 on masked steps). */
  readonly labels: Int32Array
  /** 1 for a real step, 0 for padding. */
  readonly weights: Float32Array
  /** Where each step's label is in its tune (1…n−1; 0 on masked steps). */
  readonly positions: Int32Array
  /** Per sample (batches × streams): 1 where the window starts a tune, and that row's state is zeroed first. */
  readonly startsTune: Uint8Array
  /** Real (unmasked) steps: the tokens trained on per epoch. */
  readonly steps: number
  /** Tunes in the dataset (those with at least two tokens). */
  readonly tunes: number
}

/**
 * The sequence dataset of some tunes (token ids each).
 * With `emptyLanes` (validation), fewer tunes than streams leave some lanes fully masked.
 * @throws OptionError when window or streams is not a whole number ≥ 1, or there are fewer usable tunes than streams (without `emptyLanes`)
 */
export function buildSequenceDataset(
  tunes: readonly (readonly number[])[],
  window: number,
  streams: number,
  options: { readonly emptyLanes?: boolean } = {}
): SequenceDataset {
  if (!Number.isInteger(window) || window < 1) throw new OptionError(`window must be a whole number of notes ≥ 1, got ${window}`)
  if (!Number.isInteger(streams) || streams < 1) throw new OptionError(`streams must be a whole number ≥ 1, got ${streams}`)
  const usable = tunes
    .map((tokens, index) => ({ tokens, index }))
    .filter((tune) => tune.tokens.length >= 2)
    // longest first; ties in the given order, so the deal is the same on every run
    .sort((a, b) => b.tokens.length - a.tokens.length || a.index - b.index)
  if (usable.length < (options.emptyLanes ? 1 : streams)) throw new OptionError(`${streams} parallel streams need at least ${streams} songs, got ${usable.length}`)
  const windowsOf = (tokens: readonly number[]) => Math.ceil((tokens.length - 1) / window)
  // deal: each tune to the lane with the fewest windows so far (the first such lane)
  const laneWindows = new Array<number>(streams).fill(0)
  const laneTunes: (readonly number[])[][] = Array.from({ length: streams }, () => [])
  for (const { tokens } of usable) {
    let lane = 0
    for (let l = 1; l < streams; l++) if ((laneWindows[l] ?? 0) < (laneWindows[lane] ?? 0)) lane = l
    laneTunes[lane]?.push(tokens)
    laneWindows[lane] = (laneWindows[lane] ?? 0) + windowsOf(tokens)
  }
  const batches = Math.max(0, ...laneWindows)
  const size = batches * streams * window
  const inputs = new Int32Array(size)
  const labels = new Int32Array(size)
  const weights = new Float32Array(size)
  const positions = new Int32Array(size)
  const startsTune = new Uint8Array(batches * streams)
  let steps = 0
  laneTunes.forEach((tunesOfLane, lane) => {
    let k = 0
    for (const tokens of tunesOfLane) {
      startsTune[k * streams + lane] = 1
      for (let i = 0; i + 1 < tokens.length; i++) {
        const at = ((k + Math.floor(i / window)) * streams + lane) * window + (i % window)
        inputs[at] = tokens[i] ?? 0
        labels[at] = tokens[i + 1] ?? 0
        weights[at] = 1
        positions[at] = i + 1
        steps++
      }
      k += windowsOf(tokens)
    }
  })
  return { window, streams, batches, inputs, labels, weights, positions, startsTune, steps, tunes: usable.length }
}

/** The sample indices of batch k (window k of every lane), in lane order. */
export function sequenceBatchRows(dataset: Pick<SequenceDataset, 'streams'>, k: number): number[] {
  return Array.from({ length: dataset.streams }, (_, lane) => k * dataset.streams + lane)
}

/** The rows of batch k whose window starts a tune. */
export function sequenceStartRows(dataset: Pick<SequenceDataset, 'streams' | 'startsTune'>, k: number): number[] {
  const rows: number[] = []
  for (let lane = 0; lane < dataset.streams; lane++) if (dataset.startsTune[k * dataset.streams + lane]) rows.push(lane)
  return rows
}
