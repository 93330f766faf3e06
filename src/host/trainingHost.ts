import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { BackendView, ContinuationRequest, ExportedFile, ExportFormat, TrainingFailure, TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'
import type { FromTrainingProcess, ToTrainingProcess } from './trainingMessages'

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
    send: (message) => void child.send(message),
    kill: () => void child.kill()
  }
}

export interface TrainingHostEvents {
  progress: [TrainingProgress]
  done: [TrainingResult]
  error: [TrainingFailure]
}

/**
 * Owns the training process: starts it on the first run, passes runs and stops to it, and turns
 * its death into an error for the run in flight; the next run starts a fresh process.
 */
export class TrainingHost extends EventEmitter<TrainingHostEvents> {
  private child: TrainingChannel | undefined
  /** Runs in flight, with the process each runs in (a replaced process may still be ending). */
  private readonly active = new Map<string, TrainingChannel>()
  private backendWaiters: ((backend: BackendView) => void)[] = []
  /** Generations and exports in flight, by request id: the run they are for (none for an export) and the process serving them. */
  private readonly requests = new Map<number, { runId?: string; child: TrainingChannel; resolve: (value: never) => void; reject: (error: Error) => void }>()
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

  start(request: TrainingRequest): string {
    const runId = `run-${randomUUID()}`
    const child = this.process()
    this.active.set(runId, child)
    child.send({ type: 'train', runId, request, modelFolder: this.modelFolder })
    return runId
  }

  /** Predicts again with a finished run's saved model. */
  generate(runId: string, continuation?: ContinuationRequest): Promise<TrainingResult> {
    const requestId = this.nextRequest++
    return new Promise((resolve, reject) => {
      const child = this.process()
      this.requests.set(requestId, { runId, child, resolve, reject })
      child.send({ type: 'generate', requestId, runId, modelFolder: this.modelFolder, ...(continuation ? { continuation } : {}) })
    })
  }

  /** Draws or writes a song as a file in the training process (a long song never blocks the caller's thread). */
  exportSong(abc: string, format: ExportFormat): Promise<ExportedFile> {
    const requestId = this.nextRequest++
    return new Promise((resolve, reject) => {
      const child = this.process()
      this.requests.set(requestId, { child, resolve, reject })
      child.send({ type: 'export', requestId, abc, format })
    })
  }

  /** Asks the training process which backend it runs on (starting it if need be). */
  backend(): Promise<BackendView> {
    return new Promise((resolve) => {
      this.backendWaiters.push(resolve)
      this.send({ type: 'backend' })
    })
  }

  /** Stops the run's training, and any continuation of it in flight. */
  stop(runId: string): void {
    this.active.get(runId)?.send({ type: 'stop', runId })
    for (const [requestId, generation] of this.requests) {
      if (generation.runId === runId) generation.child.send({ type: 'stop-generation', requestId })
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

  private send(message: ToTrainingProcess): void {
    this.process().send(message)
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
        for (const [requestId, generation] of this.requests) {
          if (generation.child !== child) continue
          this.requests.delete(requestId)
          generation.reject(new Error(`the training process ${reason}`))
        }
        if (this.child !== child) return
        this.child = undefined
        for (const waiter of this.backendWaiters.splice(0)) waiter({ name: 'none', skipped: [{ name: 'all', reason: `the training process ${reason}` }] })
      }
    )
    this.child = child
    return child
  }

  /**
   * After a run or a generation fails, the process may be left in a bad state (a WebAssembly
   * memory that overflowed, tensors never freed): it is replaced as soon as nothing else is in
   * flight in it, so the next run starts clean. A stop is not a failure.
   */
  private retireAfterFailure(error: { name?: string } | undefined): void {
    if (error?.name === 'TrainingCancelledError' || error?.name === 'GenerationCancelledError') return
    this.retiring = true
  }

  private retireIfIdle(): void {
    if (!this.retiring || this.active.size > 0 || this.requests.size > 0 || this.backendWaiters.length > 0) return
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
    if (message.type === 'generated' || message.type === 'exported') {
      const waiting = this.requests.get(message.requestId)
      this.requests.delete(message.requestId)
      const value = message.type === 'generated' ? message.result : message.file
      if (value) (waiting?.resolve as ((value: unknown) => void) | undefined)?.(value)
      else {
        // A song the exporter refuses (bad ABC, over a limit) is the caller's error, not the process's.
        if (message.type === 'generated') this.retireAfterFailure(message.error)
        waiting?.reject(Object.assign(new Error(message.error?.message ?? `${message.type === 'generated' ? 'generation' : 'export'} failed`), { name: message.error?.name ?? 'Error' }))
      }
    } else if (message.type === 'backend') {
      for (const waiter of this.backendWaiters.splice(0)) waiter(message.backend)
    } else if (message.type === 'progress') {
      this.emit('progress', message.progress)
    } else if (message.type === 'done') {
      this.active.delete(message.result.runId)
      this.emit('done', message.result)
    } else {
      this.active.delete(message.runId)
      this.retireAfterFailure(message.error)
      this.emit('error', { runId: message.runId, error: message.error })
    }
  }
}
