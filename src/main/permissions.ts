// What the desktop window may do, as pure decisions: Electron cannot run in the unit tests, these can.

/** The person's settings that open a permission. */
export interface PermissionSettings {
  /**
   * MIDI devices on (the saved setting keeps its first name, `midiInput`): Chromium asks one
   * permission, 'midi', for both a keyboard's input and the outputs the score plays to.
   */
  readonly midiInput: boolean
}

/**
 * Every permission the page asks for or checks is refused, except Web MIDI ('midi': inputs and
 * outputs, never 'midiSysex', which lets a page rewrite a device's firmware and settings) while
 * the person has turned MIDI devices on in the settings.
 */
export function isPermissionAllowed(permission: string, settings: PermissionSettings): boolean {
  return permission === 'midi' && settings.midiInput === true
}

/** The MIDI setting from saved or sent settings of any shape: on only if it is exactly `true`. */
export function permissionSettingsOf(settings: unknown): PermissionSettings {
  const midiInput = typeof settings === 'object' && settings !== null && (settings as { midiInput?: unknown }).midiInput === true
  return { midiInput }
}

/**
 * Whether a URL is the app's own page. `appPage` is the dev server's URL (then any URL of its
 * origin is the app) or the packaged index.html's file URL (then that file, with any query or hash).
 * A URL that does not parse is not the app.
 */
export function isAppUrl(url: string, appPage: string): boolean {
  let target: URL
  let app: URL
  try {
    target = new URL(url)
    app = new URL(appPage)
  } catch {
    return false
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.host === app.host && target.pathname === app.pathname
  return (app.protocol === 'http:' || app.protocol === 'https:') && target.origin === app.origin
}
