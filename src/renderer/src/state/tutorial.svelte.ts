import type { RunRecord } from '../../../shared/studioApi'
import type { SeedModelKind } from '../../../shared/studioNames'

/**
 * "Reproduce the tutorial": its four models trained one after another with the tutorial's
 * settings on the editor's song, and their runs, for the report that sets them beside the
 * tutorial's published results.
 */
export class TutorialReplay {
  /** Not asked yet; its models training; all four trained; ended early (a run failed, or Stop). */
  status = $state<'idle' | 'running' | 'done' | 'stopped'>('idle')
  /** The model training now. */
  current = $state<SeedModelKind | null>(null)
  /** Each model's finished run. */
  runs = $state<Partial<Record<SeedModelKind, RunRecord>>>({})
  /** The song's text as trained (the published figures are for 나비야). */
  abc = $state('')
  /** The guide's four screens are open. */
  guideOpen = $state(false)
  /** Stop ends the whole replay, not only the model training now. */
  stopRequested = false
}
