// electron-builder's afterPack hook: flips Electron's fuses on the packed binary, before signing
// (a fuse changed after signing would break the signature). Fuses are bits in the binary that
// switch features off for good, whatever the environment or command line says.
import { FuseV1Options, FuseVersion } from '@electron/fuses'

/** Every fuse we set, by its @electron/fuses name; the packaging test compares against this table. */
export const FUSE_SETTINGS = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the app's binary into a plain Node for any local program.
  RunAsNode: false,
  // NODE_OPTIONS (e.g. --require) would inject code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and friends would open a debugger on the main process.
  EnableNodeCliInspectArguments: false,
  // Only the signed app.asar runs, never a loose app/ folder placed beside it.
  OnlyLoadAppFromAsar: true,
  // The asar's header hash is checked at start (electron-builder embeds it on macOS and Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Cookies at rest are encrypted with the OS key store.
  EnableCookieEncryption: true
})

/** Electron checks the asar's integrity only on these platforms; elsewhere the fuse is left alone. */
export const ASAR_INTEGRITY_PLATFORMS = Object.freeze(['darwin', 'mas', 'win32'])

/** The @electron/fuses configuration for one platform (electron-builder's electronPlatformName). */
export function fuseConfigFor(platform) {
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas' }
  for (const [name, value] of Object.entries(FUSE_SETTINGS)) {
    if (name === 'EnableEmbeddedAsarIntegrityValidation' && !ASAR_INTEGRITY_PLATFORMS.includes(platform)) continue
    config[FuseV1Options[name]] = value
  }
  return config
}

/** @param {import('electron-builder').AfterPackContext} context */
export default async function afterPack(context) {
  // The packager knows the binary's name and place on each platform (Melody Studio.app, .exe, melody-studio).
  await context.packager.addElectronFuses(context, fuseConfigFor(context.electronPlatformName))
}
