import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { BackendView, ContinuationRequest, TrainingFailure, TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'
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
  private readonly active = new Set<string>()
  private backendWaiters: ((backend: BackendView) => void)[] = []
  private readonly generations = new Map<number, { resolve: (result: TrainingResult) => void; reject: (error: Error) => void }>()
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
    this.active.add(runId)
    this.send({ type: 'train', runId, request, modelFolder: this.modelFolder })
    return runId
  }

  /** Predicts again with a finished run's saved model. */
  generate(runId: string, continuation?: ContinuationRequest): Promise<TrainingResult> {
    const requestId = this.nextRequest++
    return new Promise((resolve, reject) => {
      this.generations.set(requestId, { resolve, reject })
      this.send({ type: 'generate', requestId, runId, modelFolder: this.modelFolder, ...(continuation ? { continuation } : {}) })
    })
  }

  /** Asks the training process which backend it runs on (starting it if need be). */
  backend(): Promise<BackendView> {
    return new Promise((resolve) => {
      this.backendWaiters.push(resolve)
      this.send({ type: 'backend' })
    })
  }

  stop(runId: string): void {
    if (this.active.has(runId)) this.send({ type: 'stop', runId })
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
        if (this.child === child) this.child = undefined
        for (const runId of this.active) {
          this.emit('error', { runId, error: { name: 'TrainingProcessError', message: `the training process ${reason}; start the run again` } })
        }
        this.active.clear()
        for (const { reject } of this.generations.values()) reject(new Error(`the training process ${reason}`))
        this.generations.clear()
        for (const waiter of this.backendWaiters.splice(0)) waiter({ name: 'none', skipped: [{ name: 'all', reason: `the training process ${reason}` }] })
      }
    )
    this.child = child
    return child
  }

  private receive(message: FromTrainingProcess): void {
    if (message.type === 'generated') {
      const waiting = this.generations.get(message.requestId)
      this.generations.delete(message.requestId)
      if (message.result) waiting?.resolve(message.result)
      else waiting?.reject(Object.assign(new Error(message.error?.message ?? 'generation failed'), { name: message.error?.name ?? 'Error' }))
    } else if (message.type === 'backend') {
      for (const waiter of this.backendWaiters.splice(0)) waiter(message.backend)
    } else if (message.type === 'progress') {
      this.emit('progress', message.progress)
    } else if (message.type === 'done') {
      this.active.delete(message.result.runId)
      this.emit('done', message.result)
    } else {
      this.active.delete(message.runId)
      this.emit('error', { runId: message.runId, error: message.error })
    }
  }
}
