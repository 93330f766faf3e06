// `postinstall`: fetch the Electron binary now when we can, so `npm start` and the desktop tests
// work straight after `npm install` on a machine online. Electron 42+ no longer downloads it at
// install time (its package has no install script); a failed download here is one sentence, never
// a failed install: machines that reach only the npm registry still get the engine, CLI and tests.
import { downloadElectronBinary, ELECTRON_INSTALL_COMMAND, electronPackageDir, installedElectronBinary } from './electronBinary.mjs'

// electron is a dev dependency: absent in a production install, where there is nothing to fetch.
if (electronPackageDir() && !installedElectronBinary()) {
  const failure = downloadElectronBinary()
  if (failure === undefined) {
    console.log('melody-studio: Electron binary installed; `npm start` opens the desktop app.')
  } else {
    console.log(
      `melody-studio: the Electron binary could not be downloaded (${failure}); the engine, the \`studio\` command line ` +
        `and the tests work without it. Run \`${ELECTRON_INSTALL_COMMAND}\` once online to get the desktop app.`
    )
  }
}
