/**
 * The one contract between the UI and the engine. The preload exposes exactly this object as
 * `window.studio`; main (and later the web-mode server) implements it. Errors cross the
 * boundary as `{ name, message }` and are thrown again on the UI side as StudioApiError.
 */
export interface AppInfo {
  readonly name: string
  readonly version: string
  /** Electron's version, or null where the UI runs in a plain browser (web mode). */
  readonly electron: string | null
}

export interface SongSummary {
  readonly notes: number
  readonly samples: number
  readonly window: number
  readonly vocabulary: 'seed' | 'song'
  readonly codes: string[]
}

export interface StudioApi {
  getAppInfo(): Promise<AppInfo>
  /** Parses note codes and counts the training windows; rejects with the line and token of bad input. */
  summarizeSong(text: string, window: number): Promise<SongSummary>
}

/** IPC channel per method: the preload invokes only these, main handles only these. */
export const STUDIO_CHANNELS = {
  getAppInfo: 'studio:get-app-info',
  summarizeSong: 'studio:summarize-song'
} as const satisfies Record<keyof StudioApi, string>

export interface SerializedError {
  readonly name: string
  readonly message: string
}

/** What every IPC handler answers: a value, or an error to rethrow on the other side. */
export type StudioReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError }

export class StudioApiError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message)
    this.name = error.name
  }
}

/** Limits on what the UI may send, checked in main before any work is done. */
export const SONG_TEXT_MAX_CHARS = 1_000_000
export const WINDOW_MAX = 512
