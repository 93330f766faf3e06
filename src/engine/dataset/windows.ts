import { saying } from '../../shared/engineMessages'
import { OptionError, SongError } from '../errors'
import type { InputEncoding } from '../notation/vocabulary'

/**
 * Sliding windows over a song's class indices: each row is `window` inputs followed by the
 * label, the note that comes next. A song of n notes gives n − window rows (54 → 50 for 나비야).
 * @throws OptionError when window is not a positive integer
 * @throws SongError when the song has no note after its first window
 */
export function windowRows(indices: readonly number[], window: number): number[][] {
  if (!Number.isInteger(window) || window <= 0) {
    throw new OptionError(`window must be a whole number of notes ≥ 1, got ${window}`)
  }
  if (indices.length <= window) {
    throw new SongError(saying('songTooShort', { notes: indices.length, window, needed: window + 1 }))
  }
  const rows: number[][] = []
  for (let start = 0; start + window < indices.length; start++) {
    rows.push(indices.slice(start, start + window + 1))
  }
  return rows
}

/** What a model trains on: inputs [samples][window][features], labels as class indices. */
export interface WindowDataset {
  readonly window: number
  readonly rows: number[][]
  readonly inputs: number[][][]
  readonly labels: number[]
  /**
   * Stateful training over many songs: true for each window that starts a song in its stream,
   * where the trainer zeroes that batch row's state first.
   */
  readonly starts?: boolean[]
}

export function buildWindowDataset(indices: readonly number[], window: number, encoding: InputEncoding): WindowDataset {
  const rows = windowRows(indices, window)
  return {
    window,
    rows,
    inputs: rows.map((row) => row.slice(0, window).map((index) => encoding.encode(index))),
    labels: rows.map((row) => row[window] as number)
  }
}

/**
 * For each window (its notes in, the true note next), the other windows with the same notes in and
 * a different note next: what no model that sees only its window can get both right.
 */
export function sameWindowDifferentNext(steps: readonly { readonly inputs: readonly number[]; readonly truth: number }[]): number[][] {
  const byWindow = new Map<string, number[]>()
  steps.forEach((step, index) => {
    const key = step.inputs.join(',')
    const same = byWindow.get(key)
    if (same) same.push(index)
    else byWindow.set(key, [index])
  })
  return steps.map((step, index) => (byWindow.get(step.inputs.join(',')) ?? []).filter((other) => other !== index && steps[other]?.truth !== step.truth))
}
