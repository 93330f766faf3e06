// Which runs the Memory panel sets side by side, and how it names what it shows: plain functions
// of the library's records and of a trace (the panel's components draw them).
import { MODEL_PRESETS } from '../../../../shared/modelPresets'
import type { MemoryTraceView, RunRecord } from '../../../../shared/studioApi'

/** The run carries its state from one window to the next: its option where it set one, else its preset's. */
export function runIsStateful(record: RunRecord): boolean {
  return record.request.options?.stateful ?? MODEL_PRESETS[record.request.model].stateful
}

/** Two runs trained on the same song: the same text, or (text not kept) the same title. A corpus run has no one song. */
export function sameSong(a: RunRecord, b: RunRecord): boolean {
  if (a.request.corpus || b.request.corpus) return false
  if (a.request.abc !== undefined && b.request.abc !== undefined) return a.request.abc === b.request.abc
  const title = a.request.melody?.title
  return title !== undefined && title === b.request.melody?.title
}

const latest = (runs: readonly RunRecord[]) =>
  runs.reduce<RunRecord | undefined>((found, record) => (found === undefined || record.savedAt >= found.savedAt ? record : found), undefined)

/**
 * The run to set beside the shown one by default: the most recent run of the same song with the
 * other statefulness (a stateless model beside a stateful one), an LSTM before an MLP (which has
 * no state to show), or none.
 */
export function defaultPartner(shownRunId: string, runs: readonly RunRecord[]): RunRecord | undefined {
  const shown = runs.find((record) => record.runId === shownRunId)
  if (!shown) return undefined
  const others = runs.filter((record) => record.runId !== shownRunId && sameSong(record, shown) && runIsStateful(record) !== runIsStateful(shown))
  return latest(others.filter((record) => record.request.model !== 'mlp')) ?? latest(others)
}

/** A trace's step the played note belongs to: the note at `head` is the prediction of step head − window (the first window is given). */
export function stepOfPlayedNote(head: number, trace: Pick<MemoryTraceView, 'window' | 'steps'>): number | null {
  const step = head - trace.window
  if (step < 0 || trace.steps.length === 0) return null
  return Math.min(step, trace.steps.length - 1)
}

/** The note codes of class indices. */
export function codesOf(trace: Pick<MemoryTraceView, 'codes'>, indices: readonly number[]): string {
  return indices.map((index) => trace.codes[index] ?? '?').join(' ')
}

/**
 * The heat map's scale for a state: the |value| that `share` of its values over every step stay
 * within (the rest are drawn at full depth), at least `floor`.
 */
export function typicalMagnitude(trace: MemoryTraceView, which: 'h' | 'c', share = 0.95, floor = 1e-6): number {
  const magnitudes = trace.steps.flatMap((step) => (step[which] ?? []).filter(Number.isFinite).map(Math.abs)).sort((a, b) => a - b)
  if (magnitudes.length === 0) return floor
  return Math.max(floor, magnitudes[Math.min(magnitudes.length - 1, Math.floor(share * magnitudes.length))] ?? floor)
}

/** A value on a diverging scale: blue below zero, white at zero, red above, |value| / scale as depth. */
export function heatColour(value: number, scale: number): string {
  if (!Number.isFinite(value)) return 'rgb(200, 200, 200)'
  const depth = Math.min(1, Math.abs(value) / scale)
  const fade = Math.round(255 * (1 - depth))
  return value >= 0 ? `rgb(255, ${fade}, ${fade})` : `rgb(${fade}, ${fade}, 255)`
}
