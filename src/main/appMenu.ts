// The desktop app's menu: File › Open…, Save project, Open recent, and the usual Edit, View and
// Window menus (the default menu's copy, paste and undo are needed in the editor). Open… and Open
// recent read the file here and hand it to the page, which opens it as its own Open does; Save
// project asks the page to save, as Ctrl+S does. Files opened here and projects saved (through
// the download's save dialog) are listed under Open recent.
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import { join } from 'node:path'
import { readSavedBytes } from '../engine/library/savedFiles'
import { IMPORT_MAX_BYTES, PROJECT_MAX_BYTES } from '../shared/limits'
import type { MenuCommand } from '../shared/studioApi'
import { STUDIO_EVENTS } from '../shared/studioContract'
import { isProjectFileName } from '../shared/studioSchemas'
import { loadRecentFiles, recentLabel, saveRecentFiles, withRecent } from './recentFiles'

const SONG_EXTENSIONS = ['abc', 'mid', 'midi', 'codes', 'txt', 'mstudio']

/** Installs the application menu for `window` and keeps its Open recent list. */
export async function installAppMenu(window: BrowserWindow): Promise<void> {
  const recentFile = join(app.getPath('userData'), 'recent.json')
  let recent = await loadRecentFiles(recentFile)

  const send = (command: MenuCommand) => {
    if (!window.isDestroyed()) window.webContents.send(STUDIO_EVENTS.menuCommand.channel, command)
  }

  const remember = (path: string) => {
    recent = withRecent(recent, path)
    app.addRecentDocument(path)
    void saveRecentFiles(recentFile, recent).catch(() => undefined)
    build()
  }

  /** Reads a file (size-capped as the page's Open caps it) and hands it to the page. */
  const openPath = async (path: string) => {
    try {
      const project = isProjectFileName(path)
      const bytes = await readSavedBytes(path, project ? PROJECT_MAX_BYTES : IMPORT_MAX_BYTES, project ? 'PROJECT_MAX_BYTES' : 'IMPORT_MAX_BYTES')
      send({ command: 'openFile', fileName: path.split(/[\\/]/).pop() ?? path, base64: bytes.toString('base64') })
      remember(path)
    } catch (error) {
      dialog.showErrorBox('Melody Studio', error instanceof Error ? error.message : String(error))
    }
  }

  const chooseAndOpen = async () => {
    const chosen = await dialog.showOpenDialog(window, { properties: ['openFile'], filters: [{ name: 'Songs and projects', extensions: SONG_EXTENSIONS }] })
    const path = chosen.filePaths[0]
    if (!chosen.canceled && path) await openPath(path)
  }

  const build = () => {
    const file: MenuItemConstructorOptions = {
      label: 'File',
      submenu: [
        // The page's own shortcuts handle the keys (registerAccelerator: false): the menu only shows them.
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', registerAccelerator: false, click: () => void chooseAndOpen() },
        { label: 'Save project', accelerator: 'CmdOrCtrl+S', registerAccelerator: false, click: () => send({ command: 'save' }) },
        {
          label: 'Open recent',
          submenu: [
            ...recent.map((path): MenuItemConstructorOptions => ({ label: recentLabel(path), click: () => void openPath(path) })),
            ...(recent.length > 0 ? [{ type: 'separator' } as const] : []),
            {
              label: 'Clear recent',
              enabled: recent.length > 0,
              click: () => {
                recent = []
                app.clearRecentDocuments()
                void saveRecentFiles(recentFile, recent).catch(() => undefined)
                build()
              }
            }
          ]
        },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }
      ]
    }
    const template: MenuItemConstructorOptions[] = [
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
      file,
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' }
    ]
    Menu.setApplicationMenu(Menu.buildFromTemplate(template))
  }

  // A project saved through the download's save dialog is a recent file too.
  window.webContents.session.on('will-download', (_event, item) => {
    item.once('done', (_done, state) => {
      const path = item.getSavePath()
      if (state === 'completed' && path && isProjectFileName(path)) remember(path)
    })
  })

  build()
}
