// The training process: one per studio, started by the training host with Electron's
// utilityProcess or Node's child_process.fork (tfjs-node cannot load twice in worker threads,
// tensorflow/tfjs#8388). Everything that needs TensorFlow.js, jsdom or pdfkit runs here, so the
// app's main process never loads them. One run at a time; each message is handed to a use case.
import { chooseBackend } from '../engine/backend/chooseBackend'
import { serializeError } from '../shared/studioErrors'
import type { BackendView, TrainingProgress } from '../shared/studioApi'
import { describeModel } from '../usecases/describeModel'
import { continueStudioRun, predictStudioRunAgain, traceStudioRun, trainStudioRun } from '../usecases/studioRuns'
import { exportSongFile } from '../usecases/exportSong'
import type { EngineCall, FromTrainingProcess, ToTrainingProcess } from './trainingMessages'

const runs = new Map<string, AbortController>()
/** Calls that can be stopped (continuations), by the host's request id. */
const calls = new Map<number, AbortController>()

/** Electron's utilityProcess gives the child a parentPort; child_process gives it process.send. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: ToTrainingProcess }) => void): void
  postMessage(message: FromTrainingProcess): void
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

function send(message: FromTrainingProcess): void {
  if (parentPort) parentPort.postMessage(message)
  else process.send?.(message)
}

function onMessage(listener: (message: ToTrainingProcess) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data))
  else process.on('message', listener)
}

async function backendView(): Promise<BackendView> {
  try {
    const choice = await chooseBackend({ env: process.env })
    return { name: choice.name, skipped: choice.skipped, gpu: choice.gpu }
  } catch (error) {
    return { name: 'none', skipped: [{ name: 'all', reason: String(error) }] }
  }
}

async function answer(call: EngineCall, modelFolder: string, signal: AbortSignal): Promise<unknown> {
  switch (call.name) {
    case 'backend':
      return backendView()
    case 'describeModel':
      return describeModel(call.melody, call.model, call.options)
    case 'predictAgain':
      return predictStudioRunAgain(call.runId, modelFolder)
    case 'traceRun':
      return traceStudioRun(call.runId, modelFolder, call.fullSong)
    case 'continueMelody':
      return continueStudioRun(call.runId, modelFolder, call.request, signal)
    case 'exportSong':
      return exportSongFile(call.melody, call.format, call.options)
  }
}

onMessage((message) => {
  switch (message.type) {
    case 'stop':
      runs.get(message.runId)?.abort()
      return
    case 'stop-call':
      calls.get(message.requestId)?.abort()
      return
    case 'call': {
      const stop = new AbortController()
      calls.set(message.requestId, stop)
      answer(message.call, message.modelFolder, stop.signal)
        .finally(() => calls.delete(message.requestId))
        .then(
          (value) => send({ type: 'answer', requestId: message.requestId, value }),
          (error: unknown) => send({ type: 'answer', requestId: message.requestId, error: serializeError(error) })
        )
      return
    }
    case 'train': {
      const abort = new AbortController()
      runs.set(message.runId, abort)
      const environment = { env: process.env, signal: abort.signal, onProgress: (progress: TrainingProgress) => send({ type: 'progress', progress }) }
      trainStudioRun(message.runId, message.request, message.modelFolder, environment, message.earlier)
        .then((record) => send({ type: 'done', record }))
        .catch((error: unknown) => send({ type: 'error', runId: message.runId, error: serializeError(error) }))
        .finally(() => runs.delete(message.runId))
    }
  }
})

// Without a parent there is nothing to serve (a utility process ends with the app itself).
process.on('disconnect', () => process.exit(0))
