import type { z } from 'zod'
import { InvalidMessageError } from '../shared/studioErrors'
import {
  CORPUS_MAX_BYTES,
  corpusBytes,
  type AppInfo,
  type EpochPoint,
  type ExportedFile,
  type OpenedProject,
  type RunRequest,
  type StudioAnswer,
  type StudioEvent,
  type StudioMethod,
  type StudioPayload,
  type TrainingRequest
} from '../shared/studioApi'
import { STUDIO_METHODS } from '../shared/studioContract'
import { buildProjectFile, isRunOfSong, readProjectFile, type ProjectRun } from '../usecases/projectFiles'
import { runRequest } from '../usecases/runRecords'
import { importSongFile, readSongReport } from '../usecases/songFiles'

export { runRequest }
import { writeMidiFile } from './midiFiles'
import { StudioLibrary } from './studioLibrary'
import { TrainingHost } from './trainingHost'

export { InvalidMessageError }

/** A song's title as the engine reads it, or '' where the text has none (or does not read). */
function songTitle(abc: string): string {
  try {
    return readSongReport(abc).title
  } catch {
    return ''
  }
}

/**
 * What only the desktop app can do with a file: the system's drag out of the window, and its
 * clipboard. Web mode has none (the page drags a download link, and browsers put no files on the clipboard).
 */
export interface DesktopFileShell {
  /** Where files made for a drag or a copy are written (the system's temporary folder). */
  readonly tempFolder: string
  startFileDrag(path: string): void
  /** @throws Error where the system has no way we know to take a file from the clipboard */
  copyFileToClipboard(path: string): Promise<void>
}

/** Where the service's events go: the transport sends each on its event's channel (STUDIO_EVENTS). */
export type StudioEventSink = <E extends StudioEvent>(event: E, payload: StudioPayload<E>) => void

/**
 * The StudioApi behind any transport (Electron IPC, web mode): every call is checked against its
 * method's schema, then handed to a use case, here (reading songs) or in the training process
 * (anything that needs TensorFlow.js or a drawing library). Runs' records are kept in the library.
 */
export class StudioService {
  /** Runs in flight: their requests and curves, kept for the library should they fail. */
  private readonly running = new Map<string, { request: RunRequest; history: EpochPoint[]; earlierPoints: number }>()

  constructor(
    private readonly appInfo: AppInfo,
    emit: StudioEventSink,
    private readonly library: StudioLibrary,
    private readonly training = new TrainingHost(library.modelsFolder),
    private readonly desktop?: DesktopFileShell
  ) {
    training.on('progress', (progress) => {
      this.running.get(progress.runId)?.history.push(...progress.points)
      emit('trainingProgress', progress)
    })
    training.on('done', (record) => {
      this.running.delete(record.runId)
      // Saved before the UI hears of it, so a reload right after shows the run. A run that cannot
      // be saved is kept in memory by the library (listed as unsaved, saved again with the next
      // save) and the UI is told why with the result.
      void this.library.saveRun(record).then(
        () => emit('trainingDone', record.result),
        (error: unknown) => emit('trainingDone', { ...record.result, saveError: error instanceof Error ? error.message : String(error) })
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
        () => emit('trainingError', failure),
        () => emit('trainingError', failure)
      )
    })
  }

  /** One handler per method, each given its arguments as its schema parsed them. */
  private readonly handlers: { [M in StudioMethod]: (...args: z.output<(typeof STUDIO_METHODS)[M]['args']>) => StudioAnswer<M> | Promise<StudioAnswer<M>> } = {
    getAppInfo: () => this.appInfo,
    checkSong: (abc) => readSongReport(abc),
    describeModel: (melody, model, options) => this.training.describeModel(melody, model, options),
    getBackend: () => this.training.backend(),
    startTraining: (request) => this.startTraining(request),
    // Drawn and written in the training process: a long song never holds this thread up.
    exportSong: (melody, format, options) => this.training.exportSong(melody, format, options),
    importFile: (fileName, base64, pick) => importSongFile(fileName, new Uint8Array(Buffer.from(base64, 'base64')), pick),
    loadLibrary: () => this.library.load(),
    saveSong: (abc) => this.library.saveSong(abc),
    predictAgain: (runId) => this.training.predictAgain(runId),
    traceRun: (runId, fullSong) => this.training.traceRun(runId, fullSong),
    continueMelody: (runId, request) => this.training.continueMelody(runId, request),
    saveSettings: (settings) => this.library.saveSettings(settings),
    stopTraining: (runId) => this.training.stop(runId),
    deleteRun: (runId) => {
      if (this.running.has(runId)) throw new InvalidMessageError(`run ${runId} is still training: stop it first`)
      return this.library.deleteRun(runId)
    },
    saveProject: (abc) => this.saveProject(abc),
    openProject: (_fileName, base64) => this.openProject(base64),
    // MIDI is written here, not in the training process: notation only, and the drag must start
    // while the mouse button is still down.
    startMidiDrag: async (melody, name) => {
      const desktop = this.desktopShell('startMidiDrag')
      desktop.startFileDrag(await writeMidiFile(melody, name, desktop.tempFolder))
    },
    copyMidiFile: async (melody, name) => {
      const desktop = this.desktopShell('copyMidiFile')
      await desktop.copyFileToClipboard(await writeMidiFile(melody, name, desktop.tempFolder))
    }
  }

  private desktopShell(method: StudioMethod): DesktopFileShell {
    if (!this.desktop) throw new InvalidMessageError(`${method}: only the desktop app hands files to the system`)
    return this.desktop
  }

  /** The song and its runs (with their saved models) as one project file. */
  private async saveProject(abc: string): Promise<ExportedFile> {
    const song = { abc, title: songTitle(abc) }
    const { runs } = await this.library.load()
    const projectRuns: ProjectRun[] = []
    for (const record of runs.filter((run) => isRunOfSong(run, song))) projectRuns.push({ record, model: await this.library.readModelFiles(record.runId) })
    return buildProjectFile(song, projectRuns)
  }

  /** A project file read, its runs added to the library (those it has already are kept as they are), its song and runs returned. */
  private async openProject(base64: string): Promise<OpenedProject> {
    const project = readProjectFile(new Uint8Array(Buffer.from(base64, 'base64')))
    for (const { record, model } of project.runs) {
      if (!(await this.library.hasRun(record.runId))) await this.library.addRun(record, model)
    }
    return { song: project.song, runs: project.runs.map((run) => run.record) }
  }

  private async startTraining(request: TrainingRequest): Promise<{ runId: string }> {
    if (request.corpus) {
      const bytes = corpusBytes(request.corpus.files)
      if (bytes > CORPUS_MAX_BYTES) throw new InvalidMessageError(`the songs come to ${(bytes / 2 ** 20).toFixed(1)} MiB; at most ${CORPUS_MAX_BYTES / 2 ** 20} MiB at once`)
    } else if (!request.melody?.notes.some((note) => note.pitch !== null)) {
      throw new InvalidMessageError('the song has no notes to train on')
    }
    // A run that goes on from another keeps that one's curve up to where it goes on.
    const from = request.resumeFrom
    const earlier = from ? await this.library.loadRun(from.runId) : undefined
    if (from && !earlier) throw new InvalidMessageError(`there is no finished run ${from.runId} to go on from`)
    const history = earlier?.history.filter((point) => point.epoch <= (from?.afterEpoch ?? 0)) ?? []
    const runId = this.training.start(request, from ? history : undefined)
    this.running.set(runId, { request: runRequest(request), history: [...history], earlierPoints: history.length })
    return { runId }
  }

  /** @throws InvalidMessageError for arguments that do not fit the method's schema */
  async invoke(method: StudioMethod, args: unknown): Promise<unknown> {
    const parsed = STUDIO_METHODS[method].args.safeParse(args)
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
