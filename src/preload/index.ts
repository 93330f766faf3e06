// Sandboxed preload: exposes the StudioApi and nothing else. No channel name comes from the page.
import { contextBridge, ipcRenderer } from 'electron'
import { STUDIO_CHANNELS, StudioApiError, type StudioApi, type StudioReply } from '../shared/studioApi'

async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as StudioReply<T>
  if (!reply.ok) throw new StudioApiError(reply.error)
  return reply.value
}

const studio: StudioApi = {
  getAppInfo: () => invoke(STUDIO_CHANNELS.getAppInfo),
  summarizeSong: (text, window) => invoke(STUDIO_CHANNELS.summarizeSong, text, window)
}

contextBridge.exposeInMainWorld('studio', studio)
