import { app, ipcMain, utilityProcess, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioLibrary } from '../host/studioLibrary'
import { StudioService } from '../host/studioService'
import type { FromTrainingProcess } from '../host/trainingMessages'
import { TrainingHost, type StartTrainingProcess } from '../host/trainingHost'
import { STUDIO_CHANNELS, STUDIO_EVENTS, type StudioMethod, type StudioReply, type StudioSettings } from '../shared/studioApi'
import { STUDIO_ARGUMENTS } from '../shared/studioSchemas'
import { isAppUrl } from './permissions'

/** Only our own page may call: the top frame showing the packaged file, or the dev server's page. */
function isTrustedFrame(frame: WebFrameMain | null, appPage: string): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url, appPage)
}

/** Training runs in an Electron utility process: a Node child that Electron owns and ends with the app. */
const startUtilityProcess: StartTrainingProcess = (entry, onMessage, onExit) => {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Melody Studio training', stdio: 'inherit' })
  let alive = true
  child.on('message', (message: FromTrainingProcess) => onMessage(message))
  child.on('exit', (code) => {
    alive = false
    onExit(`exited with code ${code}`)
  })
  return {
    get pid() {
      return child.pid
    },
    get alive() {
      return alive
    },
    send: (message) => child.postMessage(message),
    kill: () => void child.kill()
  }
}

/**
 * Serves the StudioApi to one window: requests over ipcMain.handle, events over webContents.send.
 * Every call is checked: its frame is the app's page, its arguments fit the method's schema (in
 * StudioService.invoke), and anything a handler throws comes back as a serialised error.
 */
export function registerStudioHandlers(
  window: BrowserWindow,
  options: {
    /** The app page's URL (see isAppUrl). */
    appPage: string
    /** Told of settings the page saved, once saved. */
    onSettingsSaved?: (settings: StudioSettings) => void
  }
): StudioService {
  const send = (channel: string, payload: unknown) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload)
  }
  const here = fileURLToPath(new URL('.', import.meta.url))
  const library = new StudioLibrary(join(app.getPath('userData'), 'library'))
  const service = new StudioService(
    { name: app.getName(), version: app.getVersion(), electron: process.versions.electron ?? null },
    {
      onProgress: (progress) => send(STUDIO_EVENTS.trainingProgress, progress),
      onDone: (result) => send(STUDIO_EVENTS.trainingDone, result),
      onError: (failure) => send(STUDIO_EVENTS.trainingError, failure)
    },
    library,
    new TrainingHost(library.modelsFolder, join(here, 'trainingProcess.js'), startUtilityProcess)
  )
  for (const [method, channel] of Object.entries(STUDIO_CHANNELS) as [StudioMethod, string][]) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<StudioReply<unknown>> => {
      try {
        if (!isTrustedFrame(event.senderFrame, options.appPage)) {
          return { ok: false, error: { name: 'InvalidMessageError', message: 'message from an untrusted frame refused' } }
        }
        const value = await service.invoke(method, args)
        if (method === 'saveSettings') {
          const saved = STUDIO_ARGUMENTS.saveSettings.safeParse(args)
          if (saved.success) options.onSettingsSaved?.(saved.data[0])
        }
        return { ok: true, value }
      } catch (error) {
        return { ok: false, error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } }
      }
    })
  }
  return service
}
