import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import { deserializeError, StudioApiError, type SerializedError } from '../shared/studioErrors'
import type {
  BackendView,
  ContinuationRequest,
  ContinuationView,
  EpochPoint,
  ExportedFile,
  ExportFormat,
  ExportOptions,
  MelodyValue,
  MemoryTraceView,
  ModelDescription,
  ModelOptionsView,
  RunRecord,
  StudioModelKind,
  TrainingFailure,
  TrainingProgress,
  TrainingRequest,
  TrainingResult
} from '../shared/studioApi'
import type { EngineCall, FromTrainingProcess, ToTrainingProcess } from './trainingMessages'

/** A running training process, whatever started it (child_process here, utilityProcess in Electron). */
export interface TrainingChannel {
  readonly pid: number | undefined
  readonly alive: boolean
  send(message: ToTrainingProcess): void
  kill(): void
}

/** Starts the training process from its entry file; `onExit` gets the reason in words. */
export type StartTrainingProcess = (
  entry: string,
  onMessage: (message: FromTrainingProcess) => void,
  onExit: (reason: string) => void
) => TrainingChannel

/** Node's child_process.fork: web mode, the CLI's tests. TypeScript entries run through tsx. */
export const forkTrainingProcess: StartTrainingProcess = (entry, onMessage, onExit) => {
  const child = fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  child.on('message', (message: FromTrainingProcess) => onMessage(message))
  child.on('exit', (code, signal) => onExit(signal ? `was killed (${signal})` : `exited with code ${code}`))
  return {
    get pid() {
      return child.pid
    },
    get alive() {
      return child.connected
    },
    // A message to a process whose channel has closed is dropped: the process is gone or going,
    // and its exit fails what ran there. Without the callback Node raises 'Channel closed' as an
    // uncaught error, which would take down the server or main with it.
    send: (message) => {
      if (child.connected) child.send(message, () => undefined)
    },
    kill: () => void child.kill()
  }
}

export interface TrainingHostEvents {
  progress: [TrainingProgress]
  /** A finished run's record, as its use case made it (the result, the request, the whole curve). */
  done: [RunRecord]
  error: [TrainingFailure]
}

/**
 * Owns the training process: starts it on the first run, passes runs, calls and stops to it, and
 * turns its death into an error for what was in flight there; the next run starts a fresh process.
 */
export class TrainingHost extends EventEmitter<TrainingHostEvents> {
  private child: TrainingChannel | undefined
  /** Runs in flight, with the process each runs in (a replaced process may still be ending). */
  private readonly active = new Map<string, TrainingChannel>()
  /** Calls in flight, by request id: the run they are for (if any) and the process serving them. */
  private readonly calls = new Map<number, { runId?: string; child: TrainingChannel; resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  /** Set after a failure: the process is replaced once nothing is left in flight in it. */
  private retiring = false
  private nextRequest = 1

  /** `modelFolder`: where each run's trained model is saved, in a folder named by its run. */
  constructor(
    private readonly modelFolder: string,
    private readonly entry = fileURLToPath(new URL('./trainingProcess.ts', import.meta.url)),
    private readonly startProcess: StartTrainingProcess = forkTrainingProcess
  ) {
    super()
  }

  /** Starts a run; `earlier` is the curve of the run it goes on from, up to where it goes on. */
  start(request: TrainingRequest, earlier?: readonly EpochPoint[]): string {
    const runId = `run-${randomUUID()}`
    const child = this.process()
    this.active.set(runId, child)
    child.send({ type: 'train', runId, request, modelFolder: this.modelFolder, ...(earlier ? { earlier } : {}) })
    return runId
  }

  /** Predicts a finished run's song again with its saved model. */
  predictAgain(runId: string): Promise<TrainingResult> {
    return this.call({ name: 'predictAgain', runId }, runId) as Promise<TrainingResult>
  }

  /** A finished run's memory trace along its song, from its saved model. */
  traceRun(runId: string, fullSong: boolean): Promise<MemoryTraceView> {
    return this.call({ name: 'traceRun', runId, fullSong }, runId) as Promise<MemoryTraceView>
  }

  /** Continues a melody with a finished run's saved model (stopped by `stop(runId)`). */
  continueMelody(runId: string, request: ContinuationRequest): Promise<ContinuationView[]> {
    return this.call({ name: 'continueMelody', runId, request }, runId) as Promise<ContinuationView[]>
  }

  /** Draws or writes a song as a file in the training process (a long song never blocks the caller's thread). */
  exportSong(melody: MelodyValue, format: ExportFormat, options?: ExportOptions): Promise<ExportedFile> {
    return this.call({ name: 'exportSong', melody, format, ...(options ? { options } : {}) }) as Promise<ExportedFile>
  }

  /** What a model would be for a song and options (TensorFlow.js lives in the training process only). */
  describeModel(melody: MelodyValue, model: StudioModelKind, options: ModelOptionsView): Promise<ModelDescription> {
    return this.call({ name: 'describeModel', melody, model, options }) as Promise<ModelDescription>
  }

  /** Which backend the training process runs on (starting it if need be). */
  async backend(): Promise<BackendView> {
    try {
      return (await this.call({ name: 'backend' })) as BackendView
    } catch (error) {
      return { name: 'none', skipped: [{ name: 'all', reason: (error as Error).message }] }
    }
  }

  /** Stops the run's training, and any continuation of it in flight. */
  stop(runId: string): void {
    this.active.get(runId)?.send({ type: 'stop', runId })
    for (const [requestId, call] of this.calls) {
      if (call.runId === runId) call.child.send({ type: 'stop-call', requestId })
    }
  }

  /** The training process's pid, for tests that kill it. */
  get pid(): number | undefined {
    return this.child?.pid
  }

  dispose(): void {
    this.child?.kill()
    this.child = undefined
  }

  private call(call: EngineCall, runId?: string): Promise<unknown> {
    const requestId = this.nextRequest++
    return new Promise((resolve, reject) => {
      const child = this.process()
      this.calls.set(requestId, { ...(runId ? { runId } : {}), child, resolve, reject })
      child.send({ type: 'call', requestId, modelFolder: this.modelFolder, call })
    })
  }

  private process(): TrainingChannel {
    if (this.child?.alive) return this.child
    const child = this.startProcess(
      this.entry,
      (message) => this.receive(message),
      (reason) => {
        // Only what ran in this process fails with it: a replacement may already be serving.
        for (const [runId, owner] of this.active) {
          if (owner !== child) continue
          this.active.delete(runId)
          this.emit('error', { runId, error: { name: 'TrainingProcessError', message: `the training process ${reason}; start the run again` } })
        }
        for (const [requestId, call] of this.calls) {
          if (call.child !== child) continue
          this.calls.delete(requestId)
          call.reject(new StudioApiError({ name: 'TrainingProcessError', message: `the training process ${reason}` }))
        }
        if (this.child === child) this.child = undefined
      }
    )
    this.child = child
    return child
  }

  /**
   * After a run or a call fails, the process may be left in a bad state (a WebAssembly memory that
   * overflowed, tensors never freed): it is replaced as soon as nothing else is in flight in it,
   * so the next run starts clean. A stop is not a failure, nor is a song the exporter refuses.
   */
  private retireAfterFailure(error: SerializedError | undefined): void {
    if (error?.name === 'TrainingCancelledError' || error?.name === 'GenerationCancelledError') return
    this.retiring = true
  }

  private retireIfIdle(): void {
    if (!this.retiring || this.active.size > 0 || this.calls.size > 0) return
    this.retiring = false
    const child = this.child
    this.child = undefined
    child?.kill()
  }

  private receive(message: FromTrainingProcess): void {
    this.handle(message)
    this.retireIfIdle()
  }

  private handle(message: FromTrainingProcess): void {
    switch (message.type) {
      case 'answer': {
        const call = this.calls.get(message.requestId)
        this.calls.delete(message.requestId)
        if (!message.error) return call?.resolve(message.value)
        // A song the exporter or the model screen refuses is the caller's error, not the process's.
        if (call?.runId !== undefined) this.retireAfterFailure(message.error)
        return call?.reject(deserializeError(message.error, 'the training process failed'))
      }
      case 'progress':
        this.emit('progress', message.progress)
        return
      case 'done':
        this.active.delete(message.record.runId)
        this.emit('done', message.record)
        return
      case 'error':
        this.active.delete(message.runId)
        this.retireAfterFailure(message.error)
        this.emit('error', { runId: message.runId, error: message.error })
    }
  }
}
