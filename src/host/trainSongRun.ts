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
  type EpochProgress,
  type Melody,
  type SongPrediction,
  type Vocabulary
} from '../engine'
import type { ContinuationRequest, ContinuationView, EpochPoint, PredictionView, TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'

/** At most this often a progress event leaves the training process: what a chart can draw. */
export const PROGRESS_EVERY_MS = 100

function predictionView(prediction: SongPrediction, vocabulary: Vocabulary, song: Omit<Melody, 'notes'>): PredictionView {
  const rest = { pitch: 'r', accidental: 0, octave: 0, ticks: 480 } as const
  const codes = prediction.indices.map((index) => readNoteCode(vocabulary.codes[index] ?? '') ?? rest)
  const melody = { ...noteCodesToMelody(codes), title: song.title, tempo: song.tempo, meter: song.meter, key: song.key }
  // One melody note per code; the view marks note heads, so wrong notes are given as heads.
  const { abc, firstHead } = melodyToAbcWithHeads(melody)
  return {
    accuracy: prediction.accuracy,
    abc,
    wrong: prediction.wrong.flatMap((i) => (codes[i]?.pitch === 'r' || (firstHead[i] ?? -1) < 0 ? [] : [firstHead[i] as number]))
  }
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
  let lastSent = 0
  let pending: EpochPoint[] = []
  let latest: EpochProgress | undefined
  const { outcome, check, model } = await trainOnSong(setup, {
    untilPerfect: request.untilPerfect,
    signal,
    fastPath,
    onEpochEnd: (progress) => {
      latest = progress
      pending.push({ epoch: progress.epoch, loss: progress.loss, accuracy: progress.accuracy })
      const now = performance.now()
      if (now - lastSent < PROGRESS_EVERY_MS && progress.epoch !== progress.epochs) return
      lastSent = now
      onProgress({ runId, ...progress, points: pending })
      pending = []
    }
  })
  // A run stopped early by a perfect check has epochs the throttle held back: send them too.
  if (latest && pending.length > 0) onProgress({ runId, ...latest, points: pending })
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
    epochs: outcome.epochsRun,
    trainMs: outcome.trainMs,
    oneStep: predictionView(check.oneStep, setup.vocabulary, melody),
    fullSong: predictionView(check.fullSong, setup.vocabulary, melody)
  }
}

/** New bars after the song's first window, each continuation drawn as ABC in the song's meter. */
function continuationViews(
  model: Parameters<typeof notePredictor>[0],
  info: TrainedModelInfo,
  header: Omit<Melody, 'notes'>,
  request: ContinuationRequest
): ContinuationView[] {
  const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
  const predictor = notePredictor(model, info.spec)
  try {
    const prime = info.song.slice(0, info.spec.window)
    const continuations = continueMelody(predictor, info.spec.window, encoding, info.vocabulary, prime, { ...request, meter: header.meter })
    const primeCodes = prime.map((index) => readNoteCode(info.vocabulary.codes[index] ?? '') ?? noteCodeFor(null, 480))
    return continuations.map((continuation) => {
      const melody = { ...noteCodesToMelody([...primeCodes, ...continuation.generated]), title: `${header.title} (seed ${continuation.seed})`, tempo: header.tempo, meter: header.meter, key: header.key }
      return { seed: continuation.seed, abc: melodyToAbcWithHeads(melody).abc }
    })
  } finally {
    predictor.dispose()
  }
}

/** A finished run's saved model, loaded and asked for both predictions again (or to continue the song). */
export async function generateAgain(runId: string, modelFolder: string, continuation?: ContinuationRequest): Promise<TrainingResult> {
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
      ...(continuation ? { continuations: continuationViews(model, info, header, continuation) } : {})
    }
  } finally {
    disposeModel(model)
  }
}
