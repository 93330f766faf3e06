import { app, BrowserWindow, session, type WebContents } from 'electron'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { LibraryView } from '../shared/studioApi'
import { isAppUrl, isPermissionAllowed, permissionSettingsOf, type PermissionSettings } from './permissions'

const here = fileURLToPath(new URL('.', import.meta.url))

/**
 * The page may load only what it ships; no remote content, no eval. 'wasm-unsafe-eval' lets it
 * compile WebAssembly (and nothing else: JavaScript eval stays refused): the player's synthesiser,
 * spessasynth, compiles its bundled SF3 decoder as it loads and waits on it before it plays, in
 * the page and in its AudioWorklet (js-synthesizer, FluidSynth in WebAssembly, would need it too).
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The dev server electron-vite started (development only), else the packaged page. */
const devServer = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL']
const indexFile = join(here, '../renderer/index.html')
const appPage = devServer ?? pathToFileURL(indexFile).href

/** MIDI input as the person set it; off until the library's settings are read. */
let permissionSettings: PermissionSettings = { midiInput: false }

/**
 * The window, shown at once in the page's own background colour (nothing heavy has loaded yet:
 * the studio's handlers load while it opens); the page is loaded by `loadPage` once they are
 * registered, so its first call finds them.
 */
function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Melody Studio',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true
    }
  })
  return window
}

function loadPage(window: BrowserWindow): void {
  if (devServer) void window.loadURL(devServer)
  else void window.loadFile(indexFile)
}

/** A permission is granted only to the app's own page, and only what isPermissionAllowed allows. */
function allows(contents: WebContents | null, permission: string): boolean {
  if (!contents || contents.isDestroyed() || !isAppUrl(contents.getURL(), appPage)) return false
  return isPermissionAllowed(permission, permissionSettings)
}

// Every web contents (the window, and any a bug or an attack might create): no new windows, no
// navigation away from the app's page, no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, appPage)) event.preventDefault()
  })
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, appPage)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

void app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => callback(allows(contents, permission)))
  session.defaultSession.setPermissionCheckHandler((contents, permission) => allows(contents, permission))
  session.defaultSession.setDevicePermissionHandler(() => false)
  let settingsSaved = false
  const window = createWindow()
  // Only now what the studio needs to answer the page (zod, the contract, notation, the library):
  // loading it before the window would keep the person waiting at a blank desktop.
  const [{ registerStudioHandlers }, { installAppMenu }] = await Promise.all([import('./ipc'), import('./appMenu')])
  // File › Open…, Save project, Open recent; the page's own buttons and shortcuts work without it.
  void installAppMenu(window).catch(() => undefined)
  const service = registerStudioHandlers(window, {
    appPage,
    onSettingsSaved: (settings) => {
      settingsSaved = true
      // A save names only what it changes (the library keeps the rest): MIDI changes when named.
      if (settings.midiInput !== undefined) permissionSettings = permissionSettingsOf(settings)
    }
  })
  // The saved settings, read once (a save made meanwhile is newer and wins).
  void service
    .invoke('loadLibrary', [])
    .then((library) => {
      if (!settingsSaved) permissionSettings = permissionSettingsOf((library as LibraryView).settings)
    })
    .catch(() => undefined)
  loadPage(window)
  app.on('will-quit', () => service.dispose())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) loadPage(createWindow())
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
