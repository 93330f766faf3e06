import type { LayersModel } from '@tensorflow/tfjs'
import { join } from 'node:path'
import {
  chooseBackend,
  continueMelody,
  noteCodeFor,
  notePredictor,
  type TrainedModelInfo,
  loadTrainedModel,
  makeInputEncoding,
  predictFullSong,
  predictOneStep,
  saveTrainedModel,
  disposeModel,
  importSong,
  melodyToAbcWithHeads,
  melodyToPlacedCodes,
  noteCodesToMelody,
  prepareSongTraining,
  readNoteCode,
  resolveFastPathSetting,
  trainOnSong,
  OptionError,
  SongError,
  primeIndices,
  joinNoteCodes,
  type EpochProgress,
  type TrainOptions,
  type TrainingOutcome,
  type ModelSpec,
  countSpecParams,
  type Melody,
  withPickup,
  type SongPrediction,
  type Vocabulary
} from '../engine'
import type { CallbacksView, ContinuationRequest, ContinuationView, EpochPoint, PredictionView, TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'

/** At most this often a progress event leaves the training process: what a chart can draw. */
export const PROGRESS_EVERY_MS = 100

export function predictionView(prediction: SongPrediction, vocabulary: Vocabulary, song: Omit<Melody, 'notes'>): PredictionView {
  const rest = { pitch: 'r', accidental: 0, octave: 0, ticks: 480 } as const
  const codes = prediction.indices.map((index) => readNoteCode(vocabulary.codes[index] ?? '') ?? rest)
  // Tied pieces join into one note, so a wrong code is marked on the note it became part of.
  const { noteOfCode } = joinNoteCodes(codes)
  // Drawn with the song's bar lines: its pickup too.
  const melody = withPickup({ ...noteCodesToMelody(codes), title: song.title, tempo: song.tempo, meter: song.meter, key: song.key }, song.pickupTicks ?? 0)
  // The view marks note heads, so wrong notes are given as heads, each once.
  const { abc, firstHead } = melodyToAbcWithHeads(melody)
  const wrongHeads = prediction.wrong.flatMap((i) => {
    const head = firstHead[noteOfCode[i] ?? -1] ?? -1
    return codes[i]?.pitch === 'r' || head < 0 ? [] : [head]
  })
  return { accuracy: prediction.accuracy, abc, wrong: [...new Set(wrongHeads)] }
}

/**
 * Sends the epochs' figures at most every PROGRESS_EVERY_MS, each event carrying every epoch
 * since the one before; `flush` sends what a run that ended early held back.
 */
export function progressThrottle(runId: string, onProgress: (progress: TrainingProgress) => void) {
  let lastSent = 0
  let pending: EpochPoint[] = []
  let latest: EpochProgress | undefined
  return {
    epochEnded(progress: EpochProgress) {
      latest = progress
      pending.push({
        epoch: progress.epoch,
        loss: progress.loss,
        accuracy: progress.accuracy,
        ...(progress.valLoss !== undefined ? { valLoss: progress.valLoss } : {}),
        ...(progress.valAccuracy !== undefined ? { valAccuracy: progress.valAccuracy } : {}),
        ...(progress.learningRate !== undefined ? { learningRate: progress.learningRate } : {})
      })
      const now = performance.now()
      if (now - lastSent < PROGRESS_EVERY_MS && progress.epoch !== progress.epochs) return
      lastSent = now
      onProgress({ runId, ...progress, points: pending })
      pending = []
    },
    flush() {
      if (latest && pending.length > 0) onProgress({ runId, ...latest, points: pending })
      pending = []
    }
  }
}

/**
 * The request's callbacks as the trainer takes them.
 * @throws OptionError when a callback watches validation figures a run without held-out songs has not got
 */
export function trainCallbacks(callbacks: CallbacksView | undefined, hasValidation: boolean): Pick<TrainOptions, 'earlyStopping' | 'reduceLrOnPlateau'> {
  const early = callbacks?.earlyStopping
  const plateau = callbacks?.reduceLrOnPlateau
  for (const monitor of [early?.monitor, plateau?.monitor]) {
    if (!hasValidation && monitor?.startsWith('val_')) {
      throw new OptionError(`${monitor} is measured on held-out songs: train on many songs to watch it, or watch loss or accuracy`)
    }
  }
  return { ...(early ? { earlyStopping: early } : {}), ...(plateau ? { reduceLrOnPlateau: plateau } : {}) }
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

/**
 * The saved model of the run to go on from, checked against what this run trains on.
 * @throws SongError when that run had other notes or options; OptionError when it has the epochs asked for already
 */
export async function resumePoint(
  request: TrainingRequest,
  modelFolder: string,
  vocabulary: Vocabulary,
  spec: ModelSpec
): Promise<{ model: LayersModel; afterEpoch: number } | undefined> {
  const from = request.resumeFrom
  if (!from) return undefined
  if (from.afterEpoch >= spec.epochs) throw new OptionError(`that run has ${from.afterEpoch} epochs already; ask for more than that in all`)
  const { model, info } = await loadTrainedModel(join(modelFolder, from.runId)).catch((error: unknown) => {
    throw new SongError(`the run's saved model cannot be read (${(error as Error).message})`)
  })
  const same =
    info.vocabulary.codes.join(' ') === vocabulary.codes.join(' ') &&
    model.countParams() === countSpecParams(spec) &&
    info.spec.stateful === spec.stateful &&
    (!spec.stateful || info.spec.batchSize === spec.batchSize)
  if (!same) {
    disposeModel(model)
    throw new SongError('that run was trained on other notes or with other options: train it more on the same song (or songs) with the same options')
  }
  return { model, afterEpoch: from.afterEpoch }
}

/**
 * One training run from the UI's request: ABC in, the model trained, both predictions back as
 * ABC with their wrong notes. Runs in the training process.
 */
export async function trainSongRun(
  runId: string,
  request: TrainingRequest,
  modelFolder: string,
  signal: AbortSignal,
  onProgress: (progress: TrainingProgress) => void
): Promise<TrainingResult> {
  const backend = await chooseBackend({ env: process.env })
  const fastPath = resolveFastPathSetting(undefined, process.env)
  const { melody } = importSong(new TextEncoder().encode(request.abc), 'abc')
  const notes = melodyToPlacedCodes(melody)
  const setup = prepareSongTraining(notes, request.model, { ...request.options, epochs: request.epochs })
  const progress = progressThrottle(runId, onProgress)
  const resumed = await resumePoint(request, modelFolder, setup.vocabulary, setup.spec)
  const { outcome, check, model } = await trainOnSong(
    setup,
    {
      untilPerfect: request.untilPerfect,
      signal,
      keepOnStop: true,
      fastPath,
      ...trainCallbacks(request.callbacks, false),
      ...(resumed ? { resumeAfterEpoch: resumed.afterEpoch } : {}),
      onEpochEnd: progress.epochEnded
    },
    resumed?.model
  )
  progress.flush()
  const params = model.countParams()
  const { notes: _notes, ...header } = melody
  await saveTrainedModel(join(modelFolder, runId), model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song, header })
  disposeModel(model)
  return {
    runId,
    model: request.model,
    backend: backend.name,
    trainingPath: outcome.path.reason,
    params,
    ...outcomeFigures(outcome),
    oneStep: predictionView(check.oneStep, setup.vocabulary, melody),
    fullSong: predictionView(check.fullSong, setup.vocabulary, melody)
  }
}

/** New bars after the song's first window, each continuation drawn as ABC in the song's meter. */
async function continuationViews(
  model: Parameters<typeof notePredictor>[0],
  info: TrainedModelInfo,
  header: Omit<Melody, 'notes'>,
  request: ContinuationRequest,
  signal?: AbortSignal
): Promise<ContinuationView[]> {
  const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
  // The person's own song, whole, or else the run's opening window.
  let prime = info.song.slice(0, info.spec.window)
  let primeHeader = header
  if (request.primeAbc !== undefined) {
    const { melody } = importSong(new TextEncoder().encode(request.primeAbc), 'abc')
    prime = primeIndices(melody, info.vocabulary)
    primeHeader = melody
  }
  const predictor = notePredictor(model, info.spec)
  try {
    const continuations = await continueMelody(predictor, info.spec.window, encoding, info.vocabulary, prime, {
      ...request,
      meter: primeHeader.meter,
      pickupTicks: primeHeader.pickupTicks ?? 0,
      ...(signal ? { signal } : {})
    })
    const primeCodes = prime.map((index) => readNoteCode(info.vocabulary.codes[index] ?? '') ?? noteCodeFor(null, 480))
    return continuations.map((continuation) => {
      const melody = withPickup(
        {
          ...noteCodesToMelody([...primeCodes, ...continuation.generated]),
          title: `${primeHeader.title} (seed ${continuation.seed})`,
          tempo: primeHeader.tempo,
          meter: primeHeader.meter,
          key: primeHeader.key
        },
        primeHeader.pickupTicks ?? 0
      )
      return { seed: continuation.seed, abc: melodyToAbcWithHeads(melody).abc }
    })
  } finally {
    predictor.dispose()
  }
}

/** A finished run's saved model, loaded and asked for both predictions again (or to continue the song). */
export async function predictAgain(runId: string, modelFolder: string, continuation?: ContinuationRequest, signal?: AbortSignal): Promise<TrainingResult> {
  const backend = await chooseBackend({ env: process.env })
  const { model, info } = await loadTrainedModel(join(modelFolder, runId))
  try {
    const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
    const header = info.header ?? { title: '', tempo: 120, meter: { numerator: 4, denominator: 4 }, key: { tonic: 'C', mode: 'major' as const, fifths: 0 } }
    return {
      runId,
      model: info.spec.kind,
      backend: backend.name,
      params: model.countParams(),
      epochs: 0,
      trainMs: 0,
      oneStep: predictionView(predictOneStep(model, info.spec, info.song, encoding), info.vocabulary, header),
      fullSong: predictionView(predictFullSong(model, info.spec, info.song, encoding), info.vocabulary, header),
      ...(continuation ? { continuations: await continuationViews(model, info, header, continuation, signal) } : {})
    }
  } finally {
    disposeModel(model)
  }
}
