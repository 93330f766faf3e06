/**
 * The fuzz worker: a child process with a small heap that runs one target's inputs as they come
 * over IPC and answers each with its outcome and its resident memory. Nothing here catches an
 * out-of-memory, an uncaught exception or an unhandled rejection: those kill the worker, and the
 * parent records the input as a crash.
 */
import { closeWebServer, EXECUTORS, isTypedError, warmUpWebServer } from './execute'
import type { FuzzInput, Outcome, TargetName } from './targets'

export interface WorkerRequest {
  readonly id: number
  readonly target: TargetName
  readonly input: FuzzInput
}

export type WorkerReply = { readonly ready: true } | { readonly id: number; readonly outcome: Outcome; readonly rss: number }

function classify(error: unknown): Outcome {
  if (isTypedError(error)) return { kind: 'typed', name: error.name, message: error.message }
  if (error instanceof Error) return { kind: 'failure', name: error.name, message: error.message, stack: error.stack?.split('\n').slice(0, 8).join('\n') }
  return { kind: 'failure', name: typeof error, message: String(error) }
}

const send = (reply: WorkerReply) => process.send?.(reply)

process.on('message', (request: WorkerRequest) => {
  const execute = EXECUTORS[request.target] as (input: FuzzInput) => Promise<Outcome>
  void (async () => {
    let outcome: Outcome
    try {
      outcome = await execute(request.input)
    } catch (error) {
      outcome = classify(error)
    }
    send({ id: request.id, outcome, rss: process.memoryUsage().rss })
  })()
})

process.on('disconnect', () => {
  void closeWebServer()
    .catch(() => undefined)
    .finally(() => process.exit(0))
})

if (process.env['MELODY_FUZZ_TARGET'] === 'web') await warmUpWebServer()
send({ ready: true })
