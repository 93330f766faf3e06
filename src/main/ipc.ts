import { app, clipboard, ClipboardItem, ipcMain, nativeImage, utilityProcess, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { clipboardFileFormats, systemClipboardKey } from '../host/midiFiles'
import { StudioLibrary } from '../host/studioLibrary'
import { StudioService, type DesktopFileShell, type StudioEventSink } from '../host/studioService'
import type { FromTrainingProcess } from '../host/trainingMessages'
import { TrainingHost, type StartTrainingProcess } from '../host/trainingHost'
import type { StudioSettings } from '../shared/studioApi'
import { STUDIO_EVENTS, STUDIO_METHOD_NAMES, STUDIO_METHODS } from '../shared/studioContract'
import { errorReply, InvalidMessageError, type StudioReply } from '../shared/studioErrors'
import { isAppUrl } from './permissions'
// Inlined in the bundle as a data URL: the packaged app carries only out/, not resources/.
import midiDragIcon from '../../resources/midi-drag.png?inline'

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
    // A message to a process that has exited is dropped: its exit already failed what ran there.
    send: (message) => {
      if (alive) child.postMessage(message)
    },
    kill: () => void child.kill()
  }
}

/** The window's drag and clipboard, for files the studio writes (a melody's MIDI). */
function desktopFileShell(window: BrowserWindow): DesktopFileShell {
  return {
    tempFolder: join(app.getPath('temp'), 'melody-studio-midi'),
    startFileDrag: (file) => {
      // macOS refuses a drag without a picture: the small MIDI chip.
      if (!window.isDestroyed()) window.webContents.startDrag({ file, icon: nativeImage.createFromDataURL(midiDragIcon) })
    },
    copyFileToClipboard: async (file) => {
      const formats = clipboardFileFormats(process.platform, file)
      if (formats.length === 0) throw new Error(`files cannot be put on the clipboard on ${process.platform}`)
      // One item, all its formats at once: a write replaces the clipboard's contents.
      const item = Object.fromEntries(formats.map(({ format, bytes }) => [systemClipboardKey(format), new Blob([new Uint8Array(bytes)])]))
      await clipboard.write([new ClipboardItem(item)])
    }
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
  const emit: StudioEventSink = (event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(STUDIO_EVENTS[event].channel, payload)
  }
  const here = fileURLToPath(new URL('.', import.meta.url))
  const library = new StudioLibrary(join(app.getPath('userData'), 'library'))
  const service = new StudioService(
    { name: app.getName(), version: app.getVersion(), electron: process.versions.electron ?? null },
    emit,
    library,
    new TrainingHost(library.modelsFolder, join(here, 'trainingProcess.js'), startUtilityProcess),
    desktopFileShell(window)
  )
  for (const method of STUDIO_METHOD_NAMES) {
    ipcMain.handle(STUDIO_METHODS[method].channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<StudioReply<unknown>> => {
      try {
        if (!isTrustedFrame(event.senderFrame, options.appPage)) throw new InvalidMessageError('message from an untrusted frame refused')
        const value = await service.invoke(method, args)
        if (method === 'saveSettings') {
          const saved = STUDIO_METHODS.saveSettings.args.safeParse(args)
          if (saved.success) options.onSettingsSaved?.(saved.data[0])
        }
        return { ok: true, value }
      } catch (error) {
        return errorReply(error)
      }
    })
  }
  return service
}
