import { defaultCorpusScheme, type CorpusRequest, type RunRecord, type RunRequest } from '../../../shared/studioApi'
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

/** Trains the chosen model on the editor's song, or on the added songs. */
export async function train({ api, song, model, training, run }: StudioState): Promise<void> {
  if (!api) return
  run.result = null
  run.failure = null
  run.saveWarning = null
  run.progress = null
  run.history = []
  run.continuations = []
  const scheme = training.scheme ?? defaultCorpusScheme(model.model, model.modelLayers.layers, model.modelLayers.graph !== undefined)
  const corpus = training.useCorpus ? { validationShare: training.validationShare, transpose: training.transpose, scheme } : undefined
  const callbacks = training.callbacks
  if (!corpus && song.abc !== song.goodAbc) {
    // Typed a moment ago (Train, or Ctrl+Enter, right after a keystroke): read the text as it is
    // now rather than train the version before it; a text with errors is not trained at all.
    const text = song.abc
    try {
      song.checked(text, await api.checkSong(text))
    } catch (error) {
      run.failure = errorMessage(error)
      return
    }
    if (song.abc !== song.goodAbc) {
      run.failure = t(song.abc === text ? 'songHasErrors' : 'noSongYet')
      return
    }
  }
  if (!corpus && !song.goodMelody) {
    run.failure = t('noSongYet')
    return
  }
  const common = {
    // The editor's song as the engine read it (the text goes along to be kept with the run); a run on many songs has none.
    ...(corpus || !song.goodMelody ? {} : { melody: song.goodMelody, abc: song.goodAbc }),
    model: model.model,
    epochs: model.epochs,
    untilPerfect: model.untilPerfect && !corpus,
    options: model.options,
    ...(Object.keys(callbacks).length ? { callbacks } : {})
  }
  run.request = corpus ? { ...common, corpus: { ...corpus, fileNames: training.corpusFiles.map((file) => file.name) } } : common
  try {
    run.runId = (await api.startTraining(corpus ? { ...common, corpus: { ...corpus, files: training.corpusFiles } } : common)).runId
  } catch (error) {
    run.failure = errorMessage(error)
  }
}

/**
 * Goes on training a finished run's saved model for the Epochs field's number of epochs more,
 * numbered on, with the run's own song (or songs, which must be among the added files again) and options.
 */
export async function trainMore({ api, model, training, run }: StudioState, record: RunRecord): Promise<void> {
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
  run.result = null
  run.failure = null
  run.progress = null
  run.continuations = []
  run.history = record.history.filter((point) => point.epoch <= after)
  run.request = kept ? { ...next, corpus: kept } : next
  try {
    run.runId = (await api.startTraining(corpus ? { ...next, corpus } : next)).runId
  } catch (error) {
    run.failure = errorMessage(error)
  }
}

/** Stops the run in flight between batches (after its first epoch it ends as a finished run). */
export function stopTraining({ api, run }: StudioState): void {
  if (api && run.runId) void api.stopTraining(run.runId)
}
