// Sandboxed preload: exposes the StudioApi and nothing else. No channel name comes from the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { STUDIO_CHANNELS, STUDIO_EVENTS, StudioApiError, type StudioApi, type StudioReply } from '../shared/studioApi'

async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as StudioReply<T>
  if (!reply.ok) throw new StudioApiError(reply.error)
  return reply.value
}

function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, payload: T) => listener(payload)
  ipcRenderer.on(channel, handler)
  return () => ipcRenderer.off(channel, handler)
}

const studio: StudioApi = {
  getAppInfo: () => invoke(STUDIO_CHANNELS.getAppInfo),
  checkSong: (abc) => invoke(STUDIO_CHANNELS.checkSong, abc),
  describeModel: (abc, model, options) => invoke(STUDIO_CHANNELS.describeModel, abc, model, options),
  getBackend: () => invoke(STUDIO_CHANNELS.getBackend),
  startTraining: (request) => invoke(STUDIO_CHANNELS.startTraining, request),
  stopTraining: (runId) => invoke(STUDIO_CHANNELS.stopTraining, runId),
  predictAgain: (runId) => invoke(STUDIO_CHANNELS.predictAgain, runId),
  continueMelody: (runId, request) => invoke(STUDIO_CHANNELS.continueMelody, runId, request),
  exportSong: (abc, format) => invoke(STUDIO_CHANNELS.exportSong, abc, format),
  loadLibrary: () => invoke(STUDIO_CHANNELS.loadLibrary),
  importFile: (fileName, base64, pick) => invoke(STUDIO_CHANNELS.importFile, fileName, base64, ...(pick === undefined ? [] : [pick])),
  saveSong: (abc) => invoke(STUDIO_CHANNELS.saveSong, abc),
  saveSettings: (settings) => invoke(STUDIO_CHANNELS.saveSettings, settings),
  onTrainingProgress: (listener) => subscribe(STUDIO_EVENTS.trainingProgress, listener),
  onTrainingDone: (listener) => subscribe(STUDIO_EVENTS.trainingDone, listener),
  onTrainingError: (listener) => subscribe(STUDIO_EVENTS.trainingError, listener)
}

contextBridge.exposeInMainWorld('studio', studio)
