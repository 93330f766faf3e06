import type { FailedRunRecord, RunRecord } from '../../../shared/studioApi'

/** The runs the library holds, as loaded and as this session adds to them. */
export class LibraryState {
  runs = $state<RunRecord[]>([])
  /** Runs that ended in an error (a crashed training process…), as the library recorded them. */
  failedRuns = $state<FailedRunRecord[]>([])
  /** Files that could not be read and were skipped, or why the library could not be read. */
  problems = $state<string[]>([])
  /** Autosave starts once the saved song has been loaded, so it never overwrites it with the default. */
  loaded = $state(false)
  /** Earlier runs drawn under the current curve, as the seed's summary figure compares its models. */
  overlaid = $state<string[]>([])
  /** MIDI devices turned on (the saved setting `midiInput`): off until the person turns them on. */
  midiDevices = $state(false)
}
