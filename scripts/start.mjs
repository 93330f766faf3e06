// `npm start`: builds and opens the desktop app, or says in one sentence what is missing.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

function electronBinary() {
  try {
    // electron's index.js returns the binary's path, and throws when the download never happened.
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

if (!electronBinary()) {
  console.error(
    'melody-studio: the Electron binary is not installed (its download needs internet): run `node node_modules/electron/install.js` on a machine online, or use `npm run studio -- …` for the command line.'
  )
  process.exit(1)
}

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'preview'], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
