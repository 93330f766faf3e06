import type { z } from 'zod'
import { abcToMelodies } from '../engine/notation/abcIn'
import { countSpecParams, MODEL_PRESETS, specLayerRows } from '../engine/models/spec'
import { melodyToPlacedCodes } from '../engine/notation/noteCodes'
import { melodyToAbc } from '../engine/notation/abcOut'
import { midiToMelody } from '../engine/notation/midi'
import { importSong, songFormatOf } from '../engine/notation/songFiles'
import { SongError } from '../engine/errors'
import { prepareSongTraining } from '../engine/songTraining'
import {
  CORPUS_MAX_BYTES,
  corpusBytes,
  type AppInfo,
  type EpochPoint,
  type ImportedFile,
  type ModelDescription,
  type ModelOptionsView,
  type RunRequest,
  type SongReport,
  type StudioMethod,
  type StudioModelKind,
  type TrainingFailure,
  type TrainingProgress,
  type TrainingRequest,
  type TrainingResult
} from '../shared/studioApi'
import { STUDIO_ARGUMENTS } from '../shared/studioSchemas'
import { StudioLibrary } from './studioLibrary'
import { TrainingHost } from './trainingHost'

export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError'
}

export interface StudioServiceEvents {
  onProgress(progress: TrainingProgress): void
  onDone(result: TrainingResult): void
  onError(failure: TrainingFailure): void
}

export function checkSong(abc: string): SongReport {
  const imported = abcToMelodies(abc)
  const tune = imported.tunes[0]
  return {
    notes: tune?.melody?.notes.filter((n) => n.pitch !== null).length ?? 0,
    title: tune?.title ?? '',
    problems: [...imported.problems, ...(tune?.problems ?? [])]
  }
}

/** @throws SongError, OptionError for a song or options a model cannot be built for */
export function describeModel(abc: string, model: StudioModelKind, options: ModelOptionsView): ModelDescription {
  const { melody } = importSong(new TextEncoder().encode(abc), 'abc')
  const notes = melodyToPlacedCodes(melody)
  const { spec, dataset } = prepareSongTraining(notes, model, options)
  return {
    model,
    title: MODEL_PRESETS[model].title,
    explanation: MODEL_PRESETS[model].explanation,
    params: countSpecParams(spec),
    classes: spec.classes,
    samples: dataset.labels.length,
    units: spec.units,
    window: spec.window,
    batchSize: spec.batchSize,
    learningRate: spec.learningRate,
    seed: spec.seed,
    stateful: spec.stateful,
    features: spec.encoding === 'pitch-length' ? 2 : 1,
    layers: specLayerRows(spec)
  }
}

/** The text of one tune of a tune book, from its X: line to the next tune. */
function tuneText(text: string, number: string): string {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex((line) => new RegExp(`^X:\\s*${number.replace(/[^\w]/g, '')}\\s*$`).test(line))
  if (start < 0) return ''
  const end = lines.findIndex((line, i) => i > start && /^X:/.test(line))
  return lines.slice(start, end < 0 ? undefined : end).join('\n').trim() + '\n'
}

/** @throws SongError, MidiImportError for files that hold no song */
export function importFile(fileName: string, base64: string, pick?: string): ImportedFile {
  const format = songFormatOf(fileName)
  if (!format) throw new SongError(`${fileName}: unknown song format; open .abc, .mid or .codes`)
  const bytes = Buffer.from(base64, 'base64')
  if (format === 'abc') {
    const text = bytes.toString('utf8')
    const tunes = abcToMelodies(text).tunes.filter((tune) => tune.melody)
    if (tunes.length === 0) throw new SongError(`${fileName}: no tune with notes`)
    const choices = tunes.map((tune) => ({ id: tune.number, label: `X:${tune.number} ${tune.title}`.trim() }))
    const chosen = tunes.length === 1 ? tunes[0] : tunes.find((tune) => tune.number === pick)
    if (!chosen?.melody) return { abc: null, choices, warnings: [] }
    const abc = tuneText(text, chosen.number) || melodyToAbc(chosen.melody)
    return { abc, choices, warnings: chosen.problems.map((p) => `line ${p.line}: ${p.message}`) }
  }
  if (format === 'midi') {
    const summary = midiToMelody(bytes)
    const tracks = summary.tracks.filter((track) => track.notes > 0)
    const choices = tracks.map((track) => ({
      id: String(track.index),
      label: `track ${track.index + 1}${track.name ? ` "${track.name}"` : ''}: ${track.notes} notes${track.polyphony > 0 ? ', chords' : ''}${track.index === summary.track ? ' (the melody, by our guess)' : ''}`
    }))
    if (tracks.length > 1 && pick === undefined) return { abc: null, choices, warnings: [] }
    const imported = pick === undefined ? summary : midiToMelody(bytes, { track: Number(pick) })
    const title = imported.melody.title || fileName.replace(/\.[^.]+$/, '')
    return { abc: melodyToAbc({ ...imported.melody, title }), choices, warnings: imported.warnings }
  }
  const { melody } = importSong(bytes, format)
  return { abc: melodyToAbc({ ...melody, title: fileName.replace(/\.[^.]+$/, '') }), choices: [], warnings: [] }
}

/** What the run record keeps of a request: a corpus by its file names (the files are the person's). */
export function runRequest(request: TrainingRequest): RunRequest {
  const { corpus, ...rest } = request
  if (!corpus) return rest
  const { files, ...settings } = corpus
  return { ...rest, corpus: { ...settings, fileNames: files.map((file) => file.name) } }
}

/**
 * The StudioApi's request methods behind any transport (Electron IPC, web mode): every call is
 * checked against its schema first, then served by the engine or the training process.
 */
export class StudioService {
  /** Requests and curves of the runs in flight (and how many points came from a run gone on from), kept for the library when they finish. */
  private readonly running = new Map<string, { request: RunRequest; history: EpochPoint[]; earlierPoints: number }>()

  constructor(
    private readonly appInfo: AppInfo,
    events: StudioServiceEvents,
    private readonly library: StudioLibrary,
    private readonly training = new TrainingHost(library.modelsFolder)
  ) {
    training.on('progress', (progress) => {
      this.running.get(progress.runId)?.history.push(...progress.points)
      events.onProgress(progress)
    })
    training.on('done', (result) => {
      const run = this.running.get(result.runId)
      this.running.delete(result.runId)
      // Saved before the UI hears of it, so a reload right after shows the run. A run that cannot
      // be saved is kept in memory by the library (listed as unsaved, saved again with the next
      // save) and the UI is told why with the result.
      const saved = run ? this.library.saveRun(run.request, run.history, result) : Promise.resolve()
      void saved.then(
        () => events.onDone(result),
        (error: unknown) => events.onDone({ ...result, saveError: error instanceof Error ? error.message : String(error) })
      )
    })
    training.on('error', (failure) => {
      const run = this.running.get(failure.runId)
      this.running.delete(failure.runId)
      // A run that dies (the training process crashed…) after training some epochs, or whose
      // process died, is recorded as failed with why and its curve so far; Stop is no failure,
      // and a run refused before its first epoch has nothing to keep.
      const keep =
        run !== undefined &&
        failure.error.name !== 'TrainingCancelledError' &&
        (run.history.length > run.earlierPoints || failure.error.name === 'TrainingProcessError')
      const saved = keep ? this.library.saveFailedRun(run.request, run.history, failure.runId, failure.error) : Promise.resolve()
      // Where it cannot be saved the library holds it in memory; the UI hears of the failure either way.
      void saved.then(
        () => events.onError(failure),
        () => events.onError(failure)
      )
    })
  }

  /** One handler per method, each given its arguments as its schema parsed them. */
  private readonly handlers: { [M in StudioMethod]: (...args: z.infer<(typeof STUDIO_ARGUMENTS)[M]>) => unknown } = {
    getAppInfo: () => this.appInfo,
    checkSong: (abc) => checkSong(abc),
    describeModel: (abc, model, options) => describeModel(abc, model, options),
    getBackend: () => this.training.backend(),
    startTraining: async (request) => {
      if (request.corpus) {
        const bytes = corpusBytes(request.corpus.files)
        if (bytes > CORPUS_MAX_BYTES) throw new InvalidMessageError(`the songs come to ${(bytes / 2 ** 20).toFixed(1)} MiB; at most ${CORPUS_MAX_BYTES / 2 ** 20} MiB at once`)
      } else if (checkSong(request.abc).notes === 0) {
        throw new InvalidMessageError('the song has no notes to train on')
      }
      // A run that goes on from another keeps that one's curve up to where it goes on.
      const from = request.resumeFrom
      const earlier = from ? await this.library.loadRun(from.runId) : undefined
      if (from && !earlier) throw new InvalidMessageError(`there is no finished run ${from.runId} to go on from`)
      const history = earlier?.history.filter((point) => point.epoch <= (from?.afterEpoch ?? 0)) ?? []
      const runId = this.training.start(request)
      this.running.set(runId, { request: runRequest(request), history, earlierPoints: history.length })
      return { runId }
    },
    // Drawn and written in the training process: a long song never holds this thread up.
    exportSong: (abc, format) => this.training.exportSong(abc, format),
    importFile: (fileName, base64, pick) => importFile(fileName, base64, pick),
    loadLibrary: () => this.library.load(),
    saveSong: (abc) => this.library.saveSong(abc),
    predictAgain: (runId) => this.training.generate(runId),
    continueMelody: (runId, request) => this.training.generate(runId, request).then((result) => result.continuations ?? []),
    saveSettings: (settings) => this.library.saveSettings(settings),
    stopTraining: (runId) => this.training.stop(runId)
  }

  /** @throws InvalidMessageError for arguments that do not fit the method's schema */
  async invoke(method: StudioMethod, args: unknown): Promise<unknown> {
    const parsed = STUDIO_ARGUMENTS[method].safeParse(args)
    if (!parsed.success) {
      throw new InvalidMessageError(`${method}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'} ${issue.message}`).join('; ')}`)
    }
    // The table pairs each method with its own schema; TypeScript cannot follow that pairing
    // through an indexed call, hence the one cast.
    const handler = this.handlers[method] as (...values: unknown[]) => unknown
    return handler(...(parsed.data as unknown[]))
  }

  get trainingPid(): number | undefined {
    return this.training.pid
  }

  dispose(): void {
    this.training.dispose()
  }
}
