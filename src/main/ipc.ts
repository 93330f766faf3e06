import { app, ipcMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron'
import { summarizeNoteCodes } from '../engine/songSummary'
import {
  SONG_TEXT_MAX_CHARS,
  STUDIO_CHANNELS,
  WINDOW_MAX,
  type AppInfo,
  type SerializedError,
  type StudioApi,
  type StudioReply
} from '../shared/studioApi'

class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError'
}

/** Only our own page may call: the packaged file, or the dev server electron-vite started. */
function isTrustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame) return false
  const url = new URL(frame.url)
  const devServer = process.env['ELECTRON_RENDERER_URL']
  if (devServer) return url.origin === new URL(devServer).origin
  return url.protocol === 'file:'
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}

type Handler = (...args: unknown[]) => unknown

function handle(channel: string, handler: Handler): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<StudioReply<unknown>> => {
    if (!isTrustedFrame(event.senderFrame)) {
      return { ok: false, error: { name: 'InvalidMessageError', message: 'message from an untrusted frame refused' } }
    }
    try {
      return { ok: true, value: await handler(...args) }
    } catch (error) {
      return { ok: false, error: serializeError(error) }
    }
  })
}

const implementation: StudioApi = {
  getAppInfo: async (): Promise<AppInfo> => ({
    name: app.getName(),
    version: app.getVersion(),
    electron: process.versions.electron ?? null
  }),
  summarizeSong: async (text, window) => summarizeNoteCodes(text, window)
}

export function registerStudioHandlers(): void {
  handle(STUDIO_CHANNELS.getAppInfo, () => implementation.getAppInfo())
  handle(STUDIO_CHANNELS.summarizeSong, (text, window) => {
    if (typeof text !== 'string' || text.length > SONG_TEXT_MAX_CHARS) {
      throw new InvalidMessageError(`song text must be a string of at most ${SONG_TEXT_MAX_CHARS} characters`)
    }
    if (typeof window !== 'number' || !Number.isInteger(window) || window < 1 || window > WINDOW_MAX) {
      throw new InvalidMessageError(`window must be a whole number from 1 to ${WINDOW_MAX}`)
    }
    return implementation.summarizeSong(text, window)
  })
}
