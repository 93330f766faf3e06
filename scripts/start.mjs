// `npm start`: builds and opens the desktop app. When the Electron binary is missing (an offline
// install) it is downloaded first; when that fails too, one line says what to run and why, exit 1.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { downloadElectronBinary, ELECTRON_INSTALL_COMMAND, installedElectronBinary } from './electronBinary.mjs'

const require = createRequire(import.meta.url)

if (!installedElectronBinary()) {
  // One line whatever happens: the notice, then how the download ended.
  process.stderr.write('melody-studio: the Electron binary is not installed; downloading it (once, about 100 MB)… ')
  const failure = downloadElectronBinary()
  if (failure !== undefined) {
    process.stderr.write(
      `failed (${failure}). The desktop app needs it: run \`${ELECTRON_INSTALL_COMMAND}\` on a machine with internet, ` +
        'or use `npm run studio -- help` for the command line.\n'
    )
    process.exit(1)
  }
  process.stderr.write('done.\n')
}

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'preview'], { stdio: 'inherit' })
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
