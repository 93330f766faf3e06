// Use case: train a model on many songs (or go on training a saved one), split by song into
// training and held-out, with validation figures every epoch and the callbacks asked for. The
// studio's training process and the command line both call this.
import { prepareCorpusTraining, type CorpusSong, type CorpusTrainingSetup } from '../engine/corpusTraining'
import { buildWindowDataset } from '../engine/dataset/windows'
import { SongError } from '../engine/errors'
import { saveTrainedModel } from '../engine/library/modelFiles'
import { buildModel, disposeModel } from '../engine/models/build'
import { melodyToNoteCodes } from '../engine/notation/noteCodes'
import { indexNotes } from '../engine/notation/vocabulary'
import { LambdaCallback, ModelCheckpoint } from '../engine/training/callbacks'
import { checkAgainstSong, trainModel, type EpochProgress, type TrainingOutcome } from '../engine/training/trainer'
import type { CorpusSummary, EpochPoint, PredictionView, RunRecord, RunRequest, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { EMPTY_MELODY } from './predictionViews'
import { loadResumePoint, type ResumeFrom } from './resumeRun'
import { logsOf, prepareEnvironment, requestCallbacks, runTensorBoardLogger, type RunEnvironment } from './runEnvironment'
import { epochPointOf, makeRunRecord, saveRunRecord } from './runRecords'
import { trainingResult } from './trainSong'

export interface CorpusRunInput {
  readonly runId: string
  readonly songs: readonly CorpusSong[]
  /** Files or tunes that could not be read and were left out (reported with the result). */
  readonly skipped?: readonly string[]
  readonly request: Omit<TrainingRequest, 'abc' | 'corpus' | 'resumeFrom'> & { readonly corpus: NonNullable<RunRequest['corpus']> }
  /** Where the model and `run.json` are saved; nothing is saved without it. */
  readonly saveTo?: string
  /**
   * Save the model each time the monitored figure (the early-stopping monitor, else val_loss) is
   * the best yet, with a record of the run so far, as Keras's ModelCheckpoint(save_best_only):
   * the saved model is then the best epoch's, and a stopped run can go on from it.
   */
  readonly checkpointBest?: boolean
  readonly resumeFrom?: ResumeFrom & { readonly runId?: string; readonly earlier?: readonly EpochPoint[] }
  readonly name?: string
  readonly trainedOn?: string
}

export interface CorpusRunOutcome {
  readonly record: RunRecord
  readonly result: TrainingResult
  readonly setup: CorpusTrainingSetup
  readonly outcome: TrainingOutcome
  /** Where a saved run's TensorBoard logs are (`tensorboard --logdir <logsFolder>`). */
  readonly logsFolder?: string
  /** Why its logs stopped before the run ended, if they did (the run itself went on). */
  readonly logsProblem?: string
}

/** A prediction not made yet (a checkpoint's record is written mid-run). */
const NOT_PREDICTED: PredictionView = { accuracy: Number.NaN, abc: '', melody: EMPTY_MELODY, wrong: [] }

function bestValidationEpoch(history: readonly EpochPoint[]): EpochPoint | undefined {
  return history.reduce<EpochPoint | undefined>((top, epoch) => (top === undefined || (epoch.valAccuracy ?? 0) > (top.valAccuracy ?? 0) ? epoch : top), undefined)
}

/**
 * The model is checked on the first held-out song longer than the window, and saved with it as
 * its song, so its predictions (and "predict again") show how it does on a tune it never saw.
 * @throws SongError when the songs are too few or too short; OptionError for options out of range; TrainingCancelledError when stopped before an epoch ended
 */
export async function trainCorpus(input: CorpusRunInput, environment: RunEnvironment = {}): Promise<CorpusRunOutcome> {
  const { request } = input
  const prepared = await prepareEnvironment(input.runId, environment)
  const setup = prepareCorpusTraining(input.songs, request.model, {
    ...request.options,
    epochs: request.epochs,
    validationShare: request.corpus.validationShare,
    transpose: request.corpus.transpose,
    // a record without a scheme is from before sequence training: windows
    scheme: request.corpus.scheme ?? 'windows'
  })
  const heldOut = setup.validationSongs.map((song) => ({ ...song, codes: melodyToNoteCodes(song.melody) })).find((song) => song.codes.length > setup.spec.window)
  if (!heldOut) throw new SongError('no held-out song is longer than the window')
  const heldOutSong = indexNotes(heldOut.codes, setup.vocabulary)
  const { notes: _notes, ...heldOutHeader } = heldOut.melody
  const callbacks = requestCallbacks(request.callbacks, true)
  const resumed = input.resumeFrom ? await loadResumePoint(input.resumeFrom, setup.vocabulary, setup.spec) : undefined
  const model = resumed?.model ?? buildModel(setup.spec)
  const earlier = input.resumeFrom?.earlier ?? []
  const sofar: EpochProgress[] = []
  const recordedRequest: RunRequest = {
    ...request,
    corpus: { ...request.corpus, scheme: setup.scheme },
    abc: '',
    ...(input.resumeFrom?.runId ? { resumeFrom: { runId: input.resumeFrom.runId, afterEpoch: input.resumeFrom.afterEpoch } } : {})
  }
  const corpusSummary = (history: readonly EpochPoint[]): CorpusSummary => {
    const best = bestValidationEpoch(history)
    return {
      songs: setup.trainingTitles.length,
      heldOut: setup.validationTitles.length,
      transposed: setup.transposed,
      vocabulary: setup.vocabulary.codes.length,
      // the sequence scheme counts the steps (tokens) trained on and held out
      windows: setup.sequences?.steps ?? setup.dataset.labels.length,
      validationWindows: setup.validationSequences?.steps ?? setup.validation.labels.length,
      bestValAccuracy: best?.valAccuracy ?? 0,
      bestEpoch: best?.epoch ?? 0,
      scheme: setup.scheme,
      evaluatedOn: heldOut.title,
      skipped: [...(input.skipped ?? [])]
    }
  }
  environment.onStart?.({
    backend: prepared.backend,
    spec: setup.spec,
    samples: setup.sequences?.steps ?? setup.dataset.labels.length,
    corpus: corpusSummary([]),
    ...(resumed ? { resumedAfterEpoch: resumed.afterEpoch } : {})
  })
  const record = (result: TrainingResult, history: readonly EpochPoint[]) =>
    makeRunRecord({ runId: input.runId, name: input.name ?? `${input.songs.length} songs`, trainedOn: input.trainedOn ?? `${input.songs.length} songs`, request: recordedRequest, history, result })
  const modelInfo = { spec: setup.spec, vocabulary: setup.vocabulary, song: heldOutSong, header: heldOutHeader }
  const saveTo = input.saveTo
  const logger = runTensorBoardLogger(saveTo)
  /** The epoch of the last best-only checkpoint: the saved model's weights. */
  let checkpointEpoch: number | undefined
  try {
    // A best-only checkpoint saves the model, and the run so far, each time the monitored figure
    // is the best yet: a stopped run can go on from it.
    const checkpoint =
      saveTo && input.checkpointBest
        ? new ModelCheckpoint({
            monitor: request.callbacks?.earlyStopping?.monitor ?? 'val_loss',
            save: async (epoch: number) => {
              checkpointEpoch = epoch
              const history = [...earlier, ...sofar.map(epochPointOf)]
              await saveTrainedModel(saveTo, model, modelInfo)
              const unfinished: TrainingResult = {
                runId: input.runId,
                model: request.model,
                backend: prepared.backend.name,
                trainingPath: `unfinished: checkpoint of epoch ${epoch}`,
                params: model.countParams(),
                epochs: epoch,
                trainMs: sofar.at(-1)?.elapsedMs ?? 0,
                weightsEpoch: epoch,
                oneStep: NOT_PREDICTED,
                fullSong: NOT_PREDICTED,
                corpus: corpusSummary(history)
              }
              await saveRunRecord(saveTo, record(unfinished, history))
            }
          })
        : undefined
    const outcome = await trainModel(model, setup.spec, setup, {
      ...prepared.watch,
      ...(resumed ? { resumeAfterEpoch: resumed.afterEpoch } : {}),
      ...(setup.validationSequences ? { validationSequences: setup.validationSequences } : { validation: setup.validation }),
      callbacks: [
        new LambdaCallback({ onEpochEnd: (progress) => void sofar.push(progress) }),
        prepared.reporter,
        ...(checkpoint ? [checkpoint] : []),
        ...callbacks,
        ...(logger ? [logger] : [])
      ]
    }).finally(() => logger?.close())
    prepared.finish()
    const evaluation = { dataset: buildWindowDataset(heldOutSong, setup.spec.window, setup.encoding), song: heldOutSong, encoding: setup.encoding }
    const check = checkAgainstSong(model, setup.spec, evaluation, outcome.epochsRun, prepared.fastPath)
    const history = [...earlier, ...outcome.history.map(epochPointOf)]
    // With best-only checkpoints the saved model is the best epoch's, not the last one's.
    const checkpointed = saveTo !== undefined && input.checkpointBest === true
    const savedEpoch = checkpointed ? (checkpointEpoch ?? outcome.weightsEpoch) : outcome.weightsEpoch
    const result: TrainingResult = {
      ...trainingResult({
        runId: input.runId,
        request,
        backend: prepared.backend.name,
        params: model.countParams(),
        outcome,
        predictions: check,
        vocabulary: setup.vocabulary,
        header: heldOutHeader
      }),
      weightsEpoch: savedEpoch,
      corpus: corpusSummary(history)
    }
    const finished = record(result, history)
    if (saveTo) {
      if (!checkpointed || checkpointEpoch === undefined) await saveTrainedModel(saveTo, model, modelInfo)
      await saveRunRecord(saveTo, finished)
    }
    return { record: finished, result, setup, outcome, ...logsOf(logger) }
  } finally {
    disposeModel(model)
  }
}

