// Use case: train a model on one song (or go on training a saved one), check it against the song,
// save it and its record. The studio's training process and the command line both call this.
import { join } from 'node:path'
import { disposeModel } from '../engine/models/build'
import { saveTrainedModel } from '../engine/library/modelFiles'
import { melodyToAbc } from '../engine/notation/abcOut'
import type { Melody } from '../engine/notation/melody'
import { melodyToPlacedCodes, type PlacedNoteCode } from '../engine/notation/noteCodes'
import type { Vocabulary } from '../engine/notation/vocabulary'
import { prepareSongTraining, trainOnSong, type SongTrainingSetup } from '../engine/songTraining'
import { UntilPerfect } from '../engine/training/callbacks'
import type { SongPredictions, TrainingOutcome } from '../engine/training/trainer'
import type { EpochPoint, RunRecord, RunRequest, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { predictionView, type MelodyHeader } from './predictionViews'
import { loadResumePoint, type ResumeFrom } from './resumeRun'
import { logsOf, prepareEnvironment, requestCallbacks, runTensorBoardLogger, type RunEnvironment } from './runEnvironment'
import { epochPointOf, makeRunRecord, saveRunRecord } from './runRecords'

/** A song to train on: the melody, its notes as codes (code files keep where each was written, for errors) and its header. */
export interface SongToTrain {
  readonly melody: Melody
  readonly notes: readonly PlacedNoteCode[]
  readonly header: MelodyHeader
  /** The song as ABC, for the record (a run can be shown and trained again from it). */
  readonly abc: string
}

export function songToTrain(melody: Melody, options: { notes?: readonly PlacedNoteCode[]; abc?: string } = {}): SongToTrain {
  const { notes: _notes, ...header } = melody
  return { melody, notes: options.notes ?? melodyToPlacedCodes(melody), header, abc: options.abc ?? melodyToAbc(melody) }
}

export interface SongRunInput {
  readonly runId: string
  readonly song: SongToTrain
  readonly request: Omit<TrainingRequest, 'abc' | 'corpus' | 'resumeFrom'>
  /** Where the model and `run.json` are saved; nothing is saved without it. */
  readonly saveTo?: string
  /** Go on training this saved model, epochs numbered on from `afterEpoch`; `earlier` is its curve up to there. */
  readonly resumeFrom?: ResumeFrom & { readonly runId?: string; readonly earlier?: readonly EpochPoint[] }
  /** What tables call the run, and what it trained on (a file's path, the song's title). */
  readonly name?: string
  readonly trainedOn?: string
}

export interface SongRunOutcome {
  /** The run's record, saved beside its model where `saveTo` was given. */
  readonly record: RunRecord
  readonly result: TrainingResult
  readonly setup: SongTrainingSetup
  readonly outcome: TrainingOutcome
  readonly predictions: SongPredictions
  /** Where a saved run's TensorBoard logs are (`tensorboard --logdir <logsFolder>`). */
  readonly logsFolder?: string
  /** Why its logs stopped before the run ended, if they did (the run itself went on). */
  readonly logsProblem?: string
}

/** What a result says of how its training went: epochs (numbered on after a resume), time, stops. */
export function outcomeFigures(outcome: TrainingOutcome): Pick<TrainingResult, 'epochs' | 'trainMs' | 'stoppedEarly' | 'stoppedByUser' | 'weightsEpoch'> {
  return {
    epochs: outcome.history.at(-1)?.epoch ?? outcome.epochsRun,
    trainMs: outcome.trainMs,
    weightsEpoch: outcome.weightsEpoch,
    ...(outcome.stoppedEarly ? { stoppedEarly: outcome.stoppedEarly } : {}),
    ...(outcome.stoppedByUser ? { stoppedByUser: outcome.stoppedByUser } : {})
  }
}

/** A trained model's result: how its training went, and its predictions of the song drawn. */
export function trainingResult(run: {
  runId: string
  request: Pick<TrainingRequest, 'model'>
  backend: string
  params: number
  outcome: TrainingOutcome
  predictions: SongPredictions
  vocabulary: Vocabulary
  header: MelodyHeader
}): TrainingResult {
  return {
    runId: run.runId,
    model: run.request.model,
    backend: run.backend,
    trainingPath: run.outcome.path.reason,
    params: run.params,
    ...outcomeFigures(run.outcome),
    oneStep: predictionView(run.predictions.oneStep, run.vocabulary, run.header),
    fullSong: predictionView(run.predictions.fullSong, run.vocabulary, run.header)
  }
}

/** The request as the record keeps it: a resumed run names the run it went on from. */
function recordedRequest(input: SongRunInput): RunRequest {
  const from = input.resumeFrom
  return { ...input.request, melody: input.song.melody, abc: input.song.abc, ...(from?.runId ? { resumeFrom: { runId: from.runId, afterEpoch: from.afterEpoch } } : {}) }
}

/**
 * Trains one of the seed's models (or the lab's layers) on a song, with the request's callbacks,
 * until its epochs are done, it is perfect (`untilPerfect`), a callback stops it, or the signal
 * does (the work so far is kept after the first epoch).
 * @throws SongError, OptionError for a song or options that cannot be trained; TrainingCancelledError when stopped before an epoch ended
 */
export async function trainSong(input: SongRunInput, environment: RunEnvironment = {}): Promise<SongRunOutcome> {
  const { request } = input
  const prepared = await prepareEnvironment(input.runId, environment)
  const setup = prepareSongTraining(input.song.notes, request.model, { ...request.options, epochs: request.epochs })
  const callbacks = requestCallbacks(request.callbacks, false)
  const resumed = input.resumeFrom ? await loadResumePoint(input.resumeFrom, setup.vocabulary, setup.spec) : undefined
  environment.onStart?.({ backend: prepared.backend, spec: setup.spec, samples: setup.dataset.labels.length, ...(resumed ? { resumedAfterEpoch: resumed.afterEpoch } : {}) })
  const logger = runTensorBoardLogger(input.saveTo)
  const { outcome, check, model } = await trainOnSong(
    setup,
    {
      ...prepared.watch,
      callbacks: [
        prepared.reporter,
        ...callbacks,
        ...(request.untilPerfect ? [new UntilPerfect(request.checkEvery !== undefined ? { checkEvery: request.checkEvery } : {})] : []),
        ...(logger ? [logger] : [])
      ],
      ...(resumed ? { resumeAfterEpoch: resumed.afterEpoch } : {})
    },
    resumed?.model
  ).finally(() => logger?.close())
  prepared.finish()
  try {
    const result = trainingResult({
      runId: input.runId,
      request,
      backend: prepared.backend.name,
      params: model.countParams(),
      outcome,
      predictions: check,
      vocabulary: setup.vocabulary,
      header: input.song.header
    })
    const record = makeRunRecord({
      runId: input.runId,
      name: input.name ?? (input.song.header.title || undefined),
      trainedOn: input.trainedOn ?? (input.song.header.title || undefined),
      request: recordedRequest(input),
      history: [...(input.resumeFrom?.earlier ?? []), ...outcome.history.map(epochPointOf)],
      result
    })
    if (input.saveTo) {
      await saveTrainedModel(input.saveTo, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song, header: input.song.header })
      await saveRunRecord(input.saveTo, record)
    }
    return { record, result, setup, outcome, predictions: check, ...logsOf(logger) }
  } finally {
    disposeModel(model)
  }
}

/** A run's model folder in a studio's models folder. */
export function runModelFolder(modelsFolder: string, runId: string): string {
  return join(modelsFolder, runId)
}
