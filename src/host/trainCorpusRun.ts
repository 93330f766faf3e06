import { join } from 'node:path'
import {
  buildModel,
  buildWindowDataset,
  checkAgainstSong,
  chooseBackend,
  corpusSongsFromFiles,
  disposeModel,
  indexNotes,
  melodyToNoteCodes,
  prepareCorpusTraining,
  resolveFastPathSetting,
  saveTrainedModel,
  SongError,
  trainModel
} from '../engine'
import type { TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { outcomeFigures, predictionView, progressThrottle, resumePoint, trainCallbacks } from './trainSongRun'

/**
 * A training run on many songs from the UI's request: the files' songs split by song into
 * training and held-out, trained with validation and the callbacks asked for. The model is saved
 * with the first held-out song as its song, so its predictions (and "predict again") show how
 * it does on a tune it never saw. Runs in the training process.
 * @throws SongError when the files hold too few songs; OptionError for options out of range
 */
export async function trainCorpusRun(
  runId: string,
  request: TrainingRequest,
  modelFolder: string,
  signal: AbortSignal,
  onProgress: (progress: TrainingProgress) => void
): Promise<TrainingResult> {
  const corpus = request.corpus
  if (!corpus) throw new SongError('no songs to train on')
  const backend = await chooseBackend({ env: process.env })
  const fastPath = resolveFastPathSetting(undefined, process.env)
  const files = corpus.files.map((file) => ({ name: file.name, bytes: new Uint8Array(Buffer.from(file.base64, 'base64')) }))
  const { songs, skipped } = corpusSongsFromFiles(files)
  const setup = prepareCorpusTraining(songs, request.model, {
    ...request.options,
    epochs: request.epochs,
    validationShare: corpus.validationShare,
    transpose: corpus.transpose
  })
  const heldOut = setup.validationSongs.map((song) => ({ ...song, codes: melodyToNoteCodes(song.melody) })).find((song) => song.codes.length > setup.spec.window)
  if (!heldOut) throw new SongError('no held-out song is longer than the window')
  const heldOutSong = indexNotes(heldOut.codes, setup.vocabulary)
  const progress = progressThrottle(runId, onProgress)
  const resumed = await resumePoint(request, modelFolder, setup.vocabulary, setup.spec)
  const model = resumed?.model ?? buildModel(setup.spec)
  try {
    const outcome = await trainModel(model, setup.spec, setup, {
      signal,
      keepOnStop: true,
      fastPath,
      ...(resumed ? { resumeAfterEpoch: resumed.afterEpoch } : {}),
      validation: setup.validation,
      ...trainCallbacks(request.callbacks, true),
      onEpochEnd: progress.epochEnded
    })
    progress.flush()
    const evaluation = { dataset: buildWindowDataset(heldOutSong, setup.spec.window, setup.encoding), song: heldOutSong, encoding: setup.encoding }
    const check = checkAgainstSong(model, setup.spec, evaluation, outcome.epochsRun, fastPath)
    const { notes: _notes, ...header } = heldOut.melody
    await saveTrainedModel(join(modelFolder, runId), model, { spec: setup.spec, vocabulary: setup.vocabulary, song: heldOutSong, header })
    const best = outcome.history.reduce<(typeof outcome.history)[number] | undefined>(
      (top, epoch) => (top === undefined || (epoch.valAccuracy ?? 0) > (top.valAccuracy ?? 0) ? epoch : top),
      undefined
    )
    return {
      runId,
      model: request.model,
      backend: backend.name,
      trainingPath: outcome.path.reason,
      params: model.countParams(),
      ...outcomeFigures(outcome),
      oneStep: predictionView(check.oneStep, setup.vocabulary, heldOut.melody),
      fullSong: predictionView(check.fullSong, setup.vocabulary, heldOut.melody),
      corpus: {
        songs: setup.trainingTitles.length,
        heldOut: setup.validationTitles.length,
        transposed: setup.transposed,
        vocabulary: setup.vocabulary.codes.length,
        windows: setup.dataset.labels.length,
        validationWindows: setup.validation.labels.length,
        bestValAccuracy: best?.valAccuracy ?? 0,
        bestEpoch: best?.epoch ?? 0,
        evaluatedOn: heldOut.title,
        skipped
      }
    }
  } finally {
    disposeModel(model)
  }
}
