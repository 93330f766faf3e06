import { defaultCorpusScheme, type CorpusRequest, type EpochPoint, type RunRecord, type RunRequest, type StudioApi, type TrainingRequest } from '../../../shared/studioApi'
import { TUTORIAL_MODELS, TUTORIAL_SETTINGS, tutorialOptions } from '../../../shared/tutorial'
import { engineSaid, errorMessage, t } from '../i18n.svelte'
import type { StudioState } from './studio.svelte'

/** The request as a record keeps it, for a run whose start this page did not see (it was already running). */
const currentRequest = ({ song, model, run }: StudioState): RunRequest =>
  run.request ?? { ...(song.goodMelody ? { melody: song.goodMelody } : {}), abc: song.goodAbc, model: model.model, epochs: model.epochs, untilPerfect: model.untilPerfect, options: model.options }

/** Follows the engine's training events for the run in flight: its curve, its result, its failure. */
export function followTraining(state: StudioState): void {
  const { api, run, library } = state
  if (!api) return
  api.onTrainingProgress((p) => {
    if (p.runId !== run.runId) return
    run.progress = p
    run.history = [...run.history, ...p.points]
  })
  api.onTrainingDone((r) => {
    if (r.runId !== run.runId) return
    run.result = r
    run.saveWarning = r.saveError ?? null
    const record: RunRecord = { runId: r.runId, savedAt: new Date().toISOString(), request: currentRequest(state), history: run.history, result: r, ...(r.saveError ? { unsaved: r.saveError } : {}) }
    library.runs = [...library.runs, record]
    run.runId = null
  })
  api.onTrainingError((f) => {
    if (f.runId !== run.runId) return
    const cancelled = f.error.name === 'TrainingCancelledError'
    run.failure = t(cancelled ? 'stopped' : 'failed', { message: engineSaid(f.error) })
    if (!cancelled && run.history.length > 0) {
      // The library keeps it as a failed run with its curve; show it now as a reload would.
      library.failedRuns = [...library.failedRuns, { runId: f.runId, savedAt: new Date().toISOString(), status: 'failed', request: currentRequest(state), history: run.history, error: f.error }]
    }
    run.runId = null
  })
}

/**
 * Clears what the page shows of the last run and starts this one (`kept`: the request as its record
 * keeps it, a corpus by its file names), with the curve so far; its id, or null with the failure shown.
 */
async function beginRun({ api, run }: StudioState, request: TrainingRequest, kept: RunRequest, history: EpochPoint[] = []): Promise<string | null> {
  if (!api) return null
  run.result = null
  run.failure = null
  run.saveWarning = null
  run.progress = null
  run.history = history
  run.continuations = []
  run.request = kept
  try {
    run.runId = (await api.startTraining(request)).runId
    return run.runId
  } catch (error) {
    run.failure = errorMessage(error)
    return null
  }
}

/**
 * Whether the editor's song can be trained on now: text typed a moment ago (Train, or Ctrl+Enter,
 * right after a keystroke) is read as it is rather than the version before it; a text with errors
 * is not trained at all (the failure says why).
 */
async function songReadyNow({ api, song, run }: StudioState): Promise<boolean> {
  if (!api) return false
  run.failure = null
  if (song.abc !== song.goodAbc) {
    const text = song.abc
    try {
      song.checked(text, await api.checkSong(text))
    } catch (error) {
      run.failure = errorMessage(error)
      return false
    }
    if (song.abc !== song.goodAbc) {
      run.failure = t(song.abc === text ? 'songHasErrors' : 'noSongYet')
      return false
    }
  }
  if (!song.goodMelody) {
    run.failure = t('noSongYet')
    return false
  }
  return true
}

/** Trains the chosen model on the editor's song, or on the added songs. */
export async function train(state: StudioState): Promise<void> {
  const { api, song, model, training } = state
  if (!api) return
  const scheme = training.scheme ?? defaultCorpusScheme(model.model, model.modelLayers.layers, model.modelLayers.graph !== undefined)
  const corpus = training.useCorpus ? { validationShare: training.validationShare, transpose: training.transpose, scheme } : undefined
  const callbacks = training.callbacks
  if (!corpus && !(await songReadyNow(state))) return
  const common = {
    // The editor's song as the engine read it (the text goes along to be kept with the run); a run on many songs has none.
    ...(corpus || !song.goodMelody ? {} : { melody: song.goodMelody, abc: song.goodAbc }),
    model: model.model,
    epochs: model.epochs,
    untilPerfect: model.untilPerfect && !corpus,
    options: model.options,
    ...(Object.keys(callbacks).length ? { callbacks } : {})
  }
  if (corpus) await beginRun(state, { ...common, corpus: { ...corpus, files: training.corpusFiles } }, { ...common, corpus: { ...corpus, fileNames: training.corpusFiles.map((file) => file.name) } })
  else await beginRun(state, common, common)
}

/** Waits until a run ends: finished (its record is in the library), or failed or cancelled. */
function runEnded(api: StudioApi, runId: string): Promise<boolean> {
  return new Promise((resolve) => {
    const unsubscribe = [
      api.onTrainingDone((result) => result.runId === runId && end(true)),
      api.onTrainingError((failure) => failure.runId === runId && end(false))
    ]
    function end(finished: boolean): void {
      unsubscribe.forEach((stop) => stop())
      resolve(finished)
    }
  })
}

/**
 * "Reproduce the tutorial", one action: its four models trained one after another on the editor's
 * song with the tutorial's settings (2000 epochs, seed 5, its batch sizes), each shown training as
 * any run is and kept in the library; the report sets them beside the tutorial's results. Stop
 * ends the whole replay.
 */
export async function reproduceTutorial(state: StudioState): Promise<void> {
  const { api, song, run, library, tutorial } = state
  if (!api || run.runId || tutorial.status === 'running' || !(await songReadyNow(state)) || !song.goodMelody) return
  tutorial.status = 'running'
  tutorial.stopRequested = false
  tutorial.runs = {}
  tutorial.abc = song.goodAbc
  for (const kind of TUTORIAL_MODELS) {
    tutorial.current = kind
    const request = { melody: song.goodMelody, abc: song.goodAbc, model: kind, epochs: TUTORIAL_SETTINGS.epochs, untilPerfect: false, options: tutorialOptions(kind) }
    const runId = await beginRun(state, request, request)
    const finished = runId !== null && (await runEnded(api, runId))
    const record = library.runs.find((candidate) => candidate.runId === runId)
    if (!finished || !record || tutorial.stopRequested) {
      if (record) tutorial.runs = { ...tutorial.runs, [kind]: record }
      tutorial.status = 'stopped'
      break
    }
    tutorial.runs = { ...tutorial.runs, [kind]: record }
  }
  tutorial.current = null
  if (tutorial.status === 'running') tutorial.status = 'done'
}

/**
 * Goes on training a finished run's saved model for the Epochs field's number of epochs more,
 * numbered on, with the run's own song (or songs, which must be among the added files again) and options.
 */
export async function trainMore(state: StudioState, record: RunRecord): Promise<void> {
  const { api, model, training, run } = state
  if (!api) return
  const after = record.result.weightsEpoch ?? record.result.epochs
  const { corpus: kept, ...request } = record.request
  let corpus: CorpusRequest | undefined
  if (kept) {
    const files = kept.fileNames.map((name) => training.corpusFiles.find((file) => file.name === name))
    const missing = kept.fileNames.filter((_, i) => !files[i])
    if (missing.length > 0) {
      run.failure = t('addFilesAgain', { names: missing.join(', ') })
      return
    }
    // a resumed run keeps its scheme (a record from before schemes has none: windows, as the engine reads it)
    corpus = {
      validationShare: kept.validationShare,
      transpose: kept.transpose,
      ...(kept.scheme ? { scheme: kept.scheme } : {}),
      files: files.filter((file) => file !== undefined)
    }
  }
  const next = { ...request, epochs: after + model.epochs, resumeFrom: { runId: record.runId, afterEpoch: after } }
  await beginRun(
    state,
    corpus ? { ...next, corpus } : next,
    kept ? { ...next, corpus: kept } : next,
    record.history.filter((point) => point.epoch <= after)
  )
}

/** Stops the run in flight between batches (after its first epoch it ends as a finished run), and a tutorial replay with it. */
export function stopTraining({ api, run, tutorial }: StudioState): void {
  if (tutorial.status === 'running') tutorial.stopRequested = true
  if (api && run.runId) void api.stopTraining(run.runId)
}
