// The studio's requests (the StudioApi's shapes: a song as a melody value, files as base64) turned into the
// use cases' inputs. The training process serves the app and web mode with these.
import { corpusSongsFromFiles } from '../engine/corpusTraining'
import { SongError } from '../engine/errors'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import type { ContinuationRequest, ContinuationView, EpochPoint, MemoryTraceView, RunRecord, TrainingRequest, TrainingResult } from '../shared/studioApi'
import type { RunEnvironment } from './runEnvironment'
import { runRequest } from './runRecords'
import { continuationViews, continueSavedModel, predictAgain, traceSavedRun } from './savedModels'
import { trainCorpus } from './trainCorpus'
import { runModelFolder, songToTrain, trainSong } from './trainSong'

/**
 * Trains what a StudioApi request asks for (one song, or the songs of its files), saving the model
 * in `modelsFolder/<runId>`; a run that goes on from another finds that one's model there.
 * @returns the run's record, to keep in the library
 */
export async function trainStudioRun(
  runId: string,
  request: TrainingRequest,
  modelsFolder: string,
  environment: RunEnvironment = {},
  /** The curve of the run it goes on from, up to where it goes on. */
  earlier: readonly EpochPoint[] = []
): Promise<RunRecord> {
  const { melody, abc, corpus, resumeFrom, ...settings } = request
  const from = resumeFrom ? { runId: resumeFrom.runId, folder: runModelFolder(modelsFolder, resumeFrom.runId), afterEpoch: resumeFrom.afterEpoch, earlier } : undefined
  const saveTo = runModelFolder(modelsFolder, runId)
  const kept = runRequest(request).corpus
  if (corpus && kept) {
    const { songs, skipped } = corpusSongsFromFiles(corpus.files.map((file) => ({ name: file.name, bytes: new Uint8Array(Buffer.from(file.base64, 'base64')) })))
    const input = { runId, songs, skipped, request: { ...settings, corpus: kept }, saveTo, ...(from ? { resumeFrom: from } : {}) }
    return (await trainCorpus(input, environment)).record
  }
  if (melody === undefined) throw new SongError('no song to train on: the request has neither a song nor songs')
  checkMelodyLimits(melody)
  const song = songToTrain(melody, abc !== undefined ? { abc } : {})
  return (await trainSong({ runId, song, request: settings, saveTo, ...(from ? { resumeFrom: from } : {}) }, environment)).record
}

/** A finished run's one-step and full-song predictions, made again from its saved model. */
export function predictStudioRunAgain(runId: string, modelsFolder: string): Promise<TrainingResult> {
  return predictAgain(runId, runModelFolder(modelsFolder, runId))
}

/** Continuations of the run's opening (or of the person's song, `primeAbc`) with its saved model. */
export async function continueStudioRun(runId: string, modelsFolder: string, request: ContinuationRequest, signal?: AbortSignal): Promise<ContinuationView[]> {
  const continued = await continueSavedModel(runModelFolder(modelsFolder, runId), { ...request, ...(signal ? { signal } : {}) })
  return continuationViews(continued)
}

/** A finished run's memory trace along its song (one-step, or full song), from its saved model. */
export async function traceStudioRun(runId: string, modelsFolder: string, fullSong: boolean): Promise<MemoryTraceView> {
  return { runId, ...(await traceSavedRun(runModelFolder(modelsFolder, runId), { fullSong })) }
}
