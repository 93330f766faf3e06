// The training process: one per studio, started by the training host with Electron's
// utilityProcess or Node's child_process.fork (tfjs-node cannot load twice in worker threads,
// tensorflow/tfjs#8388). One run at a time.
import { chooseBackend } from '../engine/backend/chooseBackend'
import type { FromTrainingProcess, ToTrainingProcess } from './trainingMessages'
import { trainCorpusRun } from './trainCorpusRun'
import { predictAgain, trainSongRun } from './trainSongRun'

const runs = new Map<string, AbortController>()
/** Continuations in flight, by the host's request id. */
const generations = new Map<number, AbortController>()

/** Electron's utilityProcess gives the child a parentPort; child_process gives it process.send. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: ToTrainingProcess }) => void): void
  postMessage(message: FromTrainingProcess): void
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

function serializeError(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) }
}

function send(message: FromTrainingProcess): void {
  if (parentPort) parentPort.postMessage(message)
  else process.send?.(message)
}

function onMessage(listener: (message: ToTrainingProcess) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data))
  else process.on('message', listener)
}

onMessage((message) => {
  if (message.type === 'stop') {
    runs.get(message.runId)?.abort()
    return
  }
  if (message.type === 'backend') {
    void chooseBackend({ env: process.env }).then(
      (choice) => send({ type: 'backend', backend: { name: choice.name, skipped: choice.skipped } }),
      (error: unknown) => send({ type: 'backend', backend: { name: 'none', skipped: [{ name: 'all', reason: String(error) }] } })
    )
    return
  }
  if (message.type === 'export') {
    // Loaded on the first export only: jsdom, abcjs and pdfkit are not needed to train.
    import('./exportSongFile')
      .then(({ exportSongFile }) => exportSongFile(message.abc, message.format))
      .then(
        (file) => send({ type: 'exported', requestId: message.requestId, file }),
        (error: unknown) => send({ type: 'exported', requestId: message.requestId, error: serializeError(error) })
      )
    return
  }
  if (message.type === 'stop-generation') {
    generations.get(message.requestId)?.abort()
    return
  }
  if (message.type === 'generate') {
    const stop = new AbortController()
    generations.set(message.requestId, stop)
    predictAgain(message.runId, message.modelFolder, message.continuation, stop.signal).finally(() => generations.delete(message.requestId)).then(
      (result) => send({ type: 'generated', requestId: message.requestId, result }),
      (error: unknown) =>
        send({ type: 'generated', requestId: message.requestId, error: serializeError(error) })
    )
    return
  }
  const abort = new AbortController()
  runs.set(message.runId, abort)
  const run = message.request.corpus ? trainCorpusRun : trainSongRun
  run(message.runId, message.request, message.modelFolder, abort.signal, (progress) => send({ type: 'progress', progress }))
    .then((result) => send({ type: 'done', result }))
    .catch((error: unknown) => send({ type: 'error', runId: message.runId, error: serializeError(error) }))
    .finally(() => runs.delete(message.runId))
})

// Without a parent there is nothing to serve (a utility process ends with the app itself).
process.on('disconnect', () => process.exit(0))
