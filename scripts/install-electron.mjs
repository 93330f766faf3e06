// Electron's own install script is denied in package.json ("allowScripts") because it downloads
// the Electron binary, which fails on machines that reach only the npm registry. We run it here
// instead and turn a failed download into one clear sentence, so `npm install` stays green.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let installScript
try {
  installScript = require.resolve('electron/install.js')
} catch {
  process.exit(0) // electron is a dev dependency: absent in a production install
}
const result = spawnSync(process.execPath, [installScript], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 })
const pathFile = join(dirname(installScript), 'path.txt')
if (result.status === 0 && existsSync(pathFile)) {
  console.log('melody-studio: Electron binary installed; `npm start` opens the desktop app.')
} else {
  console.log(
    'melody-studio: the Electron binary could not be downloaded (no internet?); the engine, the `studio` command line ' +
      'and the tests work without it. Run `node node_modules/electron/install.js` once online to get the desktop app.'
  )
}
