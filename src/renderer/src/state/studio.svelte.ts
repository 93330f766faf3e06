import { getContext, setContext } from 'svelte'
import type { OpenedProject, RunRecord, StudioApi } from '../../../shared/studioApi'
import { NABIYA_ABC } from '../exampleSongs'
import { errorMessage } from '../i18n.svelte'
import { setLanguage } from '../i18n.svelte'
import { LibraryState } from './library.svelte'
import { newestRun, withRunsAdded } from './projectRuns'
import { ModelSettings } from './modelSettings.svelte'
import { RunState } from './run.svelte'
import { SongState } from './song.svelte'
import { TrainingSettings } from './trainingSettings.svelte'
import { TutorialReplay } from './tutorial.svelte'

/** Everything the panes share; each pane keeps what only it shows in its own state. */
export interface StudioState {
  /** The engine, or null where the page was opened without one. */
  readonly api: StudioApi | null
  readonly song: SongState
  readonly model: ModelSettings
  readonly training: TrainingSettings
  readonly library: LibraryState
  readonly run: RunState
  readonly tutorial: TutorialReplay
}

export function createStudioState(api: StudioApi | null): StudioState {
  return { api, song: new SongState(api), model: new ModelSettings(), training: new TrainingSettings(), library: new LibraryState(), run: new RunState(), tutorial: new TutorialReplay() }
}

const CONTEXT_KEY = Symbol('studio state')

/** Gives the panes under the calling component (the App) the studio's state. */
export function provideStudioState(state: StudioState): void {
  setContext(CONTEXT_KEY, state)
}

/** The studio's state, in a pane under the App. */
export function studioState(): StudioState {
  const state = getContext<StudioState | undefined>(CONTEXT_KEY)
  if (!state) throw new Error('studioState() is called in a component outside the App')
  return state
}

/** Loads the saved song, language and runs, then starts the autosave from the saved song. */
export function openLibrary({ api, song, library }: StudioState): void {
  if (!api) return
  api.loadLibrary().then(
    (saved) => {
      // The score follows once the saved song has been checked (it may be mid-edit and broken).
      // Text typed before the library arrived is kept: it is newer than the saved song.
      if (saved.song !== null && song.abc === NABIYA_ABC) song.abc = saved.song
      if (saved.settings.language) setLanguage(saved.settings.language)
      library.midiDevices = saved.settings.midiInput === true
      library.runs = saved.runs
      library.failedRuns = saved.failedRuns ?? []
      library.problems = saved.problems
      // Only what differs from the saved song (or, with none, from the opening one) is written.
      song.autosave?.start(saved.song ?? NABIYA_ABC)
      library.loaded = true
    },
    (error: unknown) => {
      library.problems = [errorMessage(error)]
      // The saved song could not be read: it is not replaced by the opening one, only by edits.
      song.autosave?.start(NABIYA_ABC)
      library.loaded = true
    }
  )
}

/** Shows a saved run's result and curve. */
export function showRun({ run }: StudioState, record: RunRecord): void {
  run.result = record.result
  run.history = record.history
  run.progress = null
  run.failure = null
}

/** Loads a saved run's model and predicts again, without training. */
export async function predictAgain({ api, run }: StudioState, record: RunRecord): Promise<void> {
  if (!api) return
  run.failure = null
  try {
    run.result = await api.predictAgain(record.runId)
    run.history = record.history
    run.progress = null
  } catch (error) {
    run.failure = errorMessage(error)
  }
}

/** Deletes a finished or failed run from the library, its saved model with it; the list drops it once the engine has. */
export async function deleteRun({ api, library, run }: StudioState, runId: string): Promise<void> {
  if (!api) return
  run.failure = null
  try {
    await api.deleteRun(runId)
    library.runs = library.runs.filter((record) => record.runId !== runId)
    library.failedRuns = library.failedRuns.filter((record) => record.runId !== runId)
    library.overlaid = library.overlaid.filter((id) => id !== runId)
    if (run.result?.runId === runId) run.result = null
  } catch (error) {
    run.failure = errorMessage(error)
  }
}

/**
 * Shows a project the engine opened (and added to the library): its song in the editor, undoably,
 * its runs in the library's list, and the newest of them with its result and curve.
 */
export function showProject(state: StudioState, project: OpenedProject, fileName: string): void {
  state.song.replace(project.song, fileName)
  state.library.runs = withRunsAdded(state.library.runs, project.runs)
  const newest = newestRun(project.runs)
  if (newest) showRun(state, newest)
}
