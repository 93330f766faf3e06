// The studio's model-lab runs as the training process serves them: many songs with validation
// and callbacks, early stopping on one song, and continuing the person's own song.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { abcToMelodies, EarlyStopping, OptionError, ReduceLrOnPlateau, SongError, type Melody } from '../engine'
import { REPO_ROOT } from '../engine/testing/seedSong'
import type { TrainingProgress, TrainingRequest } from '../shared/studioApi'
import { runRequest } from '../host/studioService'
import { requestCallbacks } from './runEnvironment'
import { continueStudioRun, predictStudioRunAgain, trainStudioRun } from './studioRuns'

const REELS_PATH = join(REPO_ROOT, '../shared/corpus/nottingham/abc/reelsu-z.abc')
const REELS = readFileSync(REELS_PATH)
const NABIYA_ABC = readFileSync(join(REPO_ROOT, 'resources/songs/nabiya.abc'), 'utf8')
const models = mkdtempSync(join(tmpdir(), 'studio-lab-runs-'))

/** The first tune of ABC text as the UI sends it: the melody checkSong read. */
function melodyOf(abc: string): Melody {
  const melody = abcToMelodies(abc).tunes[0]?.melody
  if (!melody) throw new Error('no tune with notes')
  return melody
}

/** The text of tune X:n of the reels book. */
function reel(number: number): string {
  const text = REELS.toString('utf8')
  const start = text.indexOf(`X: ${number}\n`)
  const end = text.indexOf(`X: ${number + 1}\n`)
  return text.slice(start, end < 0 ? undefined : end)
}


/** A run as the training process runs it for the studio: its result. */
async function trainRun(runId: string, request: TrainingRequest, folder: string, signal: AbortSignal, onProgress: (progress: TrainingProgress) => void) {
  return (await trainStudioRun(runId, request, folder, { signal, onProgress })).result
}

describe('the studio’s model-lab runs', () => {
  it('trains on a tune book split by song, with validation figures, early stopping on val_loss and a held-out song to show', async () => {
    const request: TrainingRequest = {
      model: 'lstm',
      epochs: 30,
      untilPerfect: false,
      options: { units: 32, window: 8, batchSize: 64, learningRate: 0.01, seed: 3 },
      callbacks: { earlyStopping: { monitor: 'val_loss', patience: 2, restoreBestWeights: true } },
      corpus: { files: [{ name: 'reelsu-z.abc', base64: REELS.toString('base64') }, { name: 'notes.txt.bak', base64: '' }], validationShare: 0.2, transpose: 1 }
    }
    const events: TrainingProgress[] = []
    const result = await trainRun('run-corpus', request, models, new AbortController().signal, (p) => events.push(p))
    const tunes = abcToMelodies(REELS.toString('utf8')).tunes.filter((tune) => tune.melody).length
    expect(tunes).toBe(34)
    const corpus = result.corpus
    if (!corpus) throw new Error('a corpus run reports its corpus')
    expect(corpus.songs + corpus.heldOut).toBe(34)
    expect(corpus.heldOut).toBe(7)
    expect(corpus.transposed).toBeGreaterThan(0)
    expect(corpus.skipped).toEqual(['notes.txt.bak: not a song file (.abc, .mid, .codes)'])
    expect(corpus.evaluatedOn).toMatch(/^reelsu-z\.abc X:\d+ /)
    const points = events.flatMap((event) => event.points)
    expect(points.map((p) => p.epoch)).toEqual(Array.from({ length: result.stoppedEarly?.epoch ?? 30 }, (_, i) => i + 1))
    expect(points.every((p) => p.valLoss !== undefined && p.valAccuracy !== undefined && p.learningRate === 0.01)).toBe(true)
    // Next-note accuracy on tunes it never saw: far above chance over a vocabulary this size.
    expect(corpus.bestValAccuracy).toBeGreaterThan(3 / corpus.vocabulary)
    expect(points.find((p) => p.epoch === corpus.bestEpoch)?.valAccuracy).toBe(corpus.bestValAccuracy)
    // The held-out song's predictions come back the same from the saved model.
    const again = await predictStudioRunAgain('run-corpus', models)
    expect(again.oneStep).toEqual(result.oneStep)
    expect(again.fullSong).toEqual(result.fullSong)
    // The person's own song continues (a tune of the same book), whole bars after its last note.
    const prime = reel(1)
    const [continuation] = await continueStudioRun('run-corpus', models, { bars: 2, temperature: 0, seed: 1, variations: 1, prime: melodyOf(prime) })
    const melody = abcToMelodies(continuation?.abc ?? '').tunes[0]?.melody
    const primeMelody = abcToMelodies(prime).tunes[0]?.melody
    expect(melody?.title).toBe(`${primeMelody?.title} (seed 1)`)
    expect(melody?.notes.length).toBeGreaterThan(primeMelody?.notes.length ?? Infinity)
    // A song with a note the corpus never had is refused with the note named.
    await expect(continueStudioRun('run-corpus', models, { bars: 2, temperature: 0, seed: 1, variations: 1, prime: melodyOf('X:1\nK:C\nc\'\'\'\'c\'\'\'\'c\'\'\'\'c\'\'\'\'c\'\'\'\'c\'\'\'\'c\'\'\'\'c\'\'\'\'|\n') })).rejects.toThrow(
      /note .* is not among the notes the model knows/
    )
    // The run record keeps the corpus by its file names.
    expect(runRequest(request).corpus).toEqual({ validationShare: 0.2, transpose: 1, fileNames: ['reelsu-z.abc', 'notes.txt.bak'] })
  }, 240_000)

  it('stops a song run early once accuracy stops improving, keeping the best epoch', async () => {
    const request: TrainingRequest = {
      melody: melodyOf(NABIYA_ABC),
      model: 'stateful-lstm-2f',
      epochs: 400,
      untilPerfect: false,
      callbacks: { earlyStopping: { monitor: 'accuracy', patience: 5, restoreBestWeights: true } }
    }
    const events: TrainingProgress[] = []
    const result = await trainRun('run-early', request, models, new AbortController().signal, (p) => events.push(p))
    const stopped = result.stoppedEarly
    if (!stopped) throw new Error('the run should stop early')
    expect(stopped.epoch).toBe(stopped.bestEpoch + 5)
    expect(result.epochs).toBe(stopped.epoch)
    const points = events.flatMap((event) => event.points)
    expect(points.at(-1)?.epoch).toBe(stopped.epoch)
    const best = Math.max(...points.map((p) => p.accuracy))
    expect(points.find((p) => p.accuracy === best)?.epoch).toBe(stopped.bestEpoch)
  }, 120_000)

  it('keeps a stopped run’s work, and trains it on from there with the epochs numbered on', async () => {
    const request: TrainingRequest = { melody: melodyOf(NABIYA_ABC), model: 'lstm', epochs: 2000, untilPerfect: false }
    const abort = new AbortController()
    const first: TrainingProgress[] = []
    const stopped = await trainRun('run-stopped', request, models, abort.signal, (p) => {
      first.push(p)
      if (p.epoch >= 3) abort.abort()
    })
    const at = stopped.stoppedByUser?.epoch ?? 0
    expect(at).toBeGreaterThanOrEqual(3)
    expect(at).toBeLessThan(2000)
    expect(stopped.epochs).toBe(at)
    expect(stopped.weightsEpoch).toBe(at)
    expect((await predictStudioRunAgain('run-stopped', models)).oneStep).toEqual(stopped.oneStep)
    const later: TrainingProgress[] = []
    const resumed = await trainRun('run-resumed', { ...request, epochs: at + 4, resumeFrom: { runId: 'run-stopped', afterEpoch: at } }, models, new AbortController().signal, (p) => later.push(p))
    expect(later.flatMap((p) => p.points.map((point) => point.epoch))).toEqual([at + 1, at + 2, at + 3, at + 4])
    expect(resumed.epochs).toBe(at + 4)
    // It went on from the stopped weights, not from scratch: the loss goes on from where it was.
    const lastLoss = first.at(-1)?.points.at(-1)?.loss ?? 0
    const firstLossFresh = first[0]?.points[0]?.loss ?? 0
    expect(later[0]?.points[0]?.loss).toBeLessThan(firstLossFresh)
    expect(Math.abs((later[0]?.points[0]?.loss ?? 0) - lastLoss)).toBeLessThan(Math.abs(firstLossFresh - lastLoss))
    // Another song cannot go on from it.
    const other = readFileSync(join(REPO_ROOT, 'resources/songs/twinkle.abc'), 'utf8')
    await expect(
      trainRun('run-other', { ...request, melody: melodyOf(other), epochs: at + 4, resumeFrom: { runId: 'run-stopped', afterEpoch: at } }, models, new AbortController().signal, () => undefined)
    ).rejects.toThrow(/trained on other notes or with other options/)
  }, 120_000)

  it('refuses a callback on validation figures where no songs are held out', () => {
    expect(() => requestCallbacks({ reduceLrOnPlateau: { monitor: 'val_accuracy', factor: 0.5, patience: 2 } }, false)).toThrow(OptionError)
    const [plateau, ...rest] = requestCallbacks({ reduceLrOnPlateau: { monitor: 'loss', factor: 0.5, patience: 2, minLearningRate: 1e-4 } }, false)
    expect(rest).toEqual([])
    expect(plateau).toBeInstanceOf(ReduceLrOnPlateau)
    expect((plateau as ReduceLrOnPlateau).options).toEqual({ monitor: 'loss', factor: 0.5, patience: 2, minLearningRate: 1e-4 })
    const early = requestCallbacks({ earlyStopping: { monitor: 'val_loss', patience: 3, restoreBestWeights: true }, reduceLrOnPlateau: { monitor: 'val_loss', factor: 0.5, patience: 2 } }, true)
    expect(early.map((callback) => callback.constructor)).toEqual([EarlyStopping, ReduceLrOnPlateau])
  })

  it('names the problem when the files hold too few songs', async () => {
    const request: TrainingRequest = {
      model: 'lstm',
      epochs: 1,
      untilPerfect: false,
      corpus: { files: [{ name: 'one.abc', base64: Buffer.from(reel(2)).toString('base64') }], validationShare: 0.2, transpose: 0 }
    }
    await expect(trainRun('run-small', request, models, new AbortController().signal, () => undefined)).rejects.toThrow(SongError)
  })
})
