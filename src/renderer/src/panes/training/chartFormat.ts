// How the loss chart writes its axes, legend and run names: plain functions, testable without a DOM.

/** Steps between epoch ticks: whole numbers only, so no tick ever falls between two epochs. */
export const EPOCH_INCREMENTS: readonly number[] = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000, 50_000, 100_000]

/** Loss on the left in blue, accuracy on the right in orange: each axis is coloured as its curves. */
export const LOSS_COLOUR = '#1f6feb'
export const ACCURACY_COLOUR = '#d4700a'
/** A model with several outputs: each output's accuracy in its own colour, on the accuracy axis. */
export const HEAD_COLOURS: Readonly<Record<string, string>> = { next_pitch: '#2da44e', next_length: '#8250df', next_note: '#bf3989' }

/** One colour a run, where runs are compared by their loss alone (the tutorial's four models). */
export const RUN_COLOURS: readonly string[] = ['#6e7781', '#d4700a', '#1f6feb', '#2da44e', '#8250df', '#bf3989']

/** The output heads a run's history has (a functional model's), in their order. */
export function headNames(history: readonly { readonly heads?: readonly { readonly name: string }[] | undefined }[]): string[] {
  return history.find((point) => point.heads?.length)?.heads?.map((head) => head.name) ?? []
}

/**
 * Each run's curves keep their metric's colour and differ by line: the last run (the one training
 * or shown) solid, earlier overlaid runs dashed in turn, lighter.
 */
const DASHES: readonly (readonly number[])[] = [[8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 5]]

export interface RunStyle {
  readonly dash?: number[]
  readonly alpha: number
}

export function runStyle(index: number, count: number): RunStyle {
  if (index === count - 1) return { alpha: 1 }
  return { dash: [...(DASHES[index % DASHES.length] ?? [4, 4])], alpha: 0.55 }
}

/** `#rrggbb` at an opacity, as `rgba(…)` (what uPlot's strokes take). */
export function withAlpha(colour: string, alpha: number): string {
  if (alpha >= 1) return colour
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16))
  return `rgba(${r}, ${g}, ${b}, ${alpha})`
}

/** Epoch tick labels: whole numbers as they are, anything between epochs left blank. */
export function epochTicks(splits: readonly number[]): string[] {
  return splits.map((value) => (Number.isInteger(value) ? String(value) : ''))
}

/** The x scale's range: whole epochs, at least one epoch wide (a single point would otherwise span ±0.5). */
export function epochRange(min: number | null, max: number | null): [number, number] {
  const low = Math.max(0, Math.floor(min ?? 0))
  const high = Math.ceil(max ?? low + 1)
  return [low, Math.max(high, low + 1)]
}

/** Loss tick labels: as few digits as tell the ticks apart. */
export function lossTicks(splits: readonly number[]): string[] {
  return splits.map((value) => String(Number(value.toPrecision(3))))
}

/** Accuracy (0–1) tick labels as percentages, written by `percent` (the UI's language). */
export function accuracyTicks(splits: readonly number[], percent: (share: number) => string): string[] {
  return splits.map((value) => percent(value))
}

/** A legend entry's value: the loss to four places, the accuracy as a percentage, a dash where the run has none. */
export function legendValue(value: number | null | undefined, kind: 'loss' | 'accuracy', percent: (share: number) => string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return kind === 'loss' ? value.toFixed(4) : percent(value)
}

/** One curve's name in the legend: the metric, then its run (uPlot writes the value after a colon). */
export const seriesLabel = (run: string, metric: string): string => `${metric} (${run})`

export interface RunNameParts {
  /** The song's title (or what it trained on: a file, "12 songs"). */
  readonly song?: string | undefined
  readonly model: string
  /** "300 epochs", or "training now" for the run in flight. */
  readonly epochs?: string | undefined
  /** When it was trained, as the UI writes dates. */
  readonly date?: string | undefined
}

/** A run as the chart names it: "Nabiya · stateful-lstm-2f · 300 epochs", empty parts left out. */
export function runName({ song, model, epochs, date }: RunNameParts): string {
  return [song, model, epochs, date]
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part))
    .join(' · ')
}

/** A melody's title without its ABC decoration, short enough for a legend. */
export function songTitle(title: string | undefined, maxLength = 40): string | undefined {
  const clean = title?.replace(/\s+/g, ' ').trim()
  if (!clean) return undefined
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean
}
