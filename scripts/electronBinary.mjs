// Where the Electron binary is, without downloading it. From Electron 42 `require('electron')`
// starts a download when the binary is missing, and the npm package no longer fetches it at
// install time; we look for it ourselves so a check never touches the network.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** What to run, online, to fetch the binary: the `install-electron` command the electron package ships. */
export const ELECTRON_INSTALL_COMMAND = 'npx install-electron'

/** The electron package's folder, or undefined when it is not installed (a production install). */
export function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json'))
  } catch {
    return undefined
  }
}

/** The installed Electron binary's path, or undefined when it was never downloaded. Never downloads. */
export function installedElectronBinary() {
  const packageDir = electronPackageDir()
  if (!packageDir) return undefined
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const relativePath = readFileSync(pathFile, 'utf8').trim()
  // The same override electron's own index.js honours (a binary unpacked elsewhere).
  const distDir = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(packageDir, 'dist')
  const binary = join(distDir, relativePath)
  return existsSync(binary) ? binary : undefined
}

/**
 * Downloads the binary with the electron package's own install.js (from GitHub, or
 * ELECTRON_MIRROR). Returns undefined on success, else why it failed in a few words.
 */
export function downloadElectronBinary() {
  const packageDir = electronPackageDir()
  if (!packageDir) return 'the electron package is not installed (run npm install)'
  const result = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 600_000
  })
  if (result.status === 0 && installedElectronBinary()) return undefined
  // install.js prints the error's stack: its first line says what went wrong ("TypeError: fetch failed").
  const firstLine = (result.stderr ?? '').split('\n').find((line) => line.trim() !== '')
  return (firstLine ?? result.error?.message ?? `install.js exited with ${result.status}`).trim().slice(0, 160)
}
