// Sandboxed preload: exposes the StudioApi and nothing else, built from the contract's method
// table. No channel name comes from the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { STUDIO_EVENTS, STUDIO_METHODS } from '../shared/studioContract'
import { createStudioClient } from '../shared/studioClient'
import type { StudioReply } from '../shared/studioErrors'

const studio = createStudioClient({
  invoke: async (method, args) => (await ipcRenderer.invoke(STUDIO_METHODS[method].channel, ...args)) as StudioReply<unknown>,
  subscribe: (event, listener) => {
    const channel = STUDIO_EVENTS[event].channel
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => ipcRenderer.off(channel, handler)
  }
})

contextBridge.exposeInMainWorld('studio', studio)
