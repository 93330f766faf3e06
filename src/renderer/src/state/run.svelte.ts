import type { ContinuationView, EpochPoint, RunRequest, TrainingProgress, TrainingResult } from '../../../shared/studioApi'

/** The run in flight, or the one shown: its progress, curve, result, continuations and what went wrong. */
export class RunState {
  /** The run training now, or null. */
  runId = $state<string | null>(null)
  progress = $state<TrainingProgress | null>(null)
  history = $state<EpochPoint[]>([])
  result = $state<TrainingResult | null>(null)
  failure = $state<string | null>(null)
  /** A finished run whose record could not be saved: why (it is kept and saved again later). */
  saveWarning = $state<string | null>(null)
  continuations = $state<ContinuationView[]>([])
  /** The request of the run in flight, as its record will keep it (not shown, so not reactive). */
  request: RunRequest | null = null
}
