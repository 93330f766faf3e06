import {
  STUDIO_EVENTS,
  StudioApiError,
  type StudioApi,
  type StudioMethod,
  type StudioReply,
  type TrainingFailure,
  type TrainingProgress,
  type TrainingResult
} from '../../../shared/studioApi'

/** The StudioApi over the web-mode server: calls as POSTs, events as one server-sent stream. */
function webStudio(token: string): StudioApi {
  const call = async <T>(method: StudioMethod, ...args: unknown[]): Promise<T> => {
    const body = JSON.stringify({ args })
    const response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': token },
      body,
      // The autosave flushes when the page is left: keepalive lets that request outlive the page
      // (the browser allows 64 KiB of such bodies in flight, so a long song goes without it).
      keepalive: method === 'saveSong' && new TextEncoder().encode(body).length < 30_000
    })
    const reply = (await response.json()) as StudioReply<T>
    if (!reply.ok) throw new StudioApiError(reply.error)
    return reply.value
  }
  const events = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
  const subscribe = <T>(event: string, listener: (payload: T) => void) => {
    const handler = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as T)
    events.addEventListener(event, handler)
    return () => events.removeEventListener(event, handler)
  }
  return {
    getAppInfo: () => call('getAppInfo'),
    checkSong: (abc) => call('checkSong', abc),
    describeModel: (abc, model, options) => call('describeModel', abc, model, options),
    getBackend: () => call('getBackend'),
    startTraining: (request) => call('startTraining', request),
    stopTraining: (runId) => call('stopTraining', runId),
    predictAgain: (runId) => call('predictAgain', runId),
    continueMelody: (runId, request) => call('continueMelody', runId, request),
    exportSong: (abc, format) => call('exportSong', abc, format),
    loadLibrary: () => call('loadLibrary'),
    importFile: (fileName, base64, pick) => call('importFile', fileName, base64, ...(pick === undefined ? [] : [pick])),
    saveSong: (abc) => call('saveSong', abc),
    saveSettings: (settings) => call('saveSettings', settings),
    onTrainingProgress: (listener) => subscribe<TrainingProgress>(STUDIO_EVENTS.trainingProgress, listener),
    onTrainingDone: (listener) => subscribe<TrainingResult>(STUDIO_EVENTS.trainingDone, listener),
    onTrainingError: (listener) => subscribe<TrainingFailure>(STUDIO_EVENTS.trainingError, listener)
  }
}

/** The desktop app's preload API, else web mode's (the page was opened with its token), else none. */
export function connectStudio(): StudioApi | null {
  if (window.studio) return window.studio
  const token = new URLSearchParams(window.location.search).get('token')
  return token ? webStudio(token) : null
}
