// The installers' configuration (electron-builder.yml) and its afterPack hook, read as data: the
// targets each platform gets, what stays outside the asar, and the exact fuses flipped. Runs
// without the Electron binary or a network; `npm run dist` itself is not part of `npm test`.
import { FuseV1Options, FuseVersion } from '@electron/fuses'
import type { AfterPackContext, Configuration } from 'electron-builder'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, matchesGlob, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import afterPack, { ASAR_INTEGRITY_PLATFORMS, FUSE_SETTINGS, fuseConfigFor } from '../../scripts/afterPack.mjs'

const root = resolve(import.meta.dirname, '../..')
const builderConfig = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Configuration

/** A platform's targets as "name:arch" strings, e.g. "deb:x64". */
function targetsOf(platform: { target?: unknown } | null | undefined): string[] {
  const targets = (platform?.target ?? []) as { target: string; arch?: string[] }[]
  return targets.flatMap(({ target, arch }) => (arch ?? ['default']).map((oneArch) => `${target}:${oneArch}`))
}

/** Would electron-builder leave this path (inside the app) outside app.asar? */
function unpacked(path: string): boolean {
  const patterns = [builderConfig.asarUnpack ?? []].flat()
  return patterns.some((pattern) => matchesGlob(path, pattern))
}

describe('electron-builder.yml', () => {
  it('names the app and packs only the built app', () => {
    expect(builderConfig.productName).toBe('Melody Studio')
    expect(builderConfig.appId).toMatch(/^[a-z][\w-]*(\.[A-Za-z][\w-]*)+$/)
    expect(builderConfig.files).toContain('out/**/*')
    expect(builderConfig.asar).toBe(true)
    const icon = builderConfig.icon ?? ''
    expect(existsSync(join(root, icon))).toBe(true)
    // A PNG of 512×512 at least: electron-builder makes the .icns and .ico from it.
    const png = readFileSync(join(root, icon))
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512)
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512)
  })

  it('builds a .deb and an AppImage for Linux x64, NSIS for Windows and a dmg for macOS', () => {
    expect(targetsOf(builderConfig.linux)).toEqual(['deb:x64', 'AppImage:x64'])
    expect(targetsOf(builderConfig.win)).toEqual(['nsis:x64'])
    expect(targetsOf(builderConfig.mac)).toEqual(expect.arrayContaining(['dmg:x64', 'dmg:arm64']))
  })

  it('gives Linux a maintainer and a desktop entry in the Audio and Education menus', () => {
    expect(builderConfig.linux?.maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/)
    expect(builderConfig.linux?.executableName).toBe('melody-studio')
    const categories = String(builderConfig.linux?.desktop?.entry?.['Categories'] ?? '').split(';')
    expect(categories).toEqual(expect.arrayContaining(['Audio', 'Education']))
  })

  it('keeps the TensorFlow native addon and the wasm backend’s kernels outside the asar', () => {
    for (const path of [
      'node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.so.2',
      'node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node',
      'node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow_framework.so.2'
    ]) {
      expect(unpacked(path), path).toBe(true)
    }
    // Every .wasm file the wasm backend ships, as installed here.
    const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist'
    const wasmFiles = readdirSync(join(root, wasmDir)).filter((name) => name.endsWith('.wasm'))
    expect(wasmFiles.length).toBeGreaterThan(0)
    for (const name of wasmFiles) expect(unpacked(`${wasmDir}/${name}`), name).toBe(true)
    // The app's own code stays packed (OnlyLoadAppFromAsar and the integrity check cover it).
    expect(unpacked('out/main/index.js')).toBe(false)
    expect(unpacked('out/main/trainingProcess.js')).toBe(false)
  })

  it('runs scripts/afterPack.mjs after packing', () => {
    expect(builderConfig.afterPack).toBe('./scripts/afterPack.mjs')
    expect(existsSync(join(root, 'scripts/afterPack.mjs'))).toBe(true)
    expect(typeof afterPack).toBe('function')
  })
})

describe('the afterPack hook’s fuses', () => {
  it('turns off running as Node, NODE_OPTIONS and the inspector, and loads only an encrypted-cookie, integrity-checked asar', () => {
    expect(FUSE_SETTINGS).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      EnableCookieEncryption: true
    })
  })

  it('writes each fuse at its place in the fuse wire; the asar integrity check only where Electron has it', () => {
    const wire = (platform: string) => {
      const { version, resetAdHocDarwinSignature, ...fuses } = fuseConfigFor(platform) as unknown as Record<string, unknown>
      return { version, resetAdHocDarwinSignature, fuses }
    }
    const common = {
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true
    }
    expect(wire('linux')).toEqual({ version: FuseVersion.V1, resetAdHocDarwinSignature: false, fuses: common })
    for (const platform of ['win32', 'darwin']) {
      expect(ASAR_INTEGRITY_PLATFORMS).toContain(platform)
      expect(wire(platform).fuses).toEqual({ ...common, [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true })
    }
    // An unsigned arm64 macOS binary must be re-signed ad hoc after its bytes change, or it will not start.
    expect(wire('darwin').resetAdHocDarwinSignature).toBe(true)
  })

  it('hands that configuration to electron-builder’s packager for the packed binary', async () => {
    const flipped: unknown[] = []
    const context = {
      electronPlatformName: 'win32',
      packager: { addElectronFuses: async (_context: unknown, fuses: unknown) => void flipped.push(fuses) }
    } as unknown as AfterPackContext
    await afterPack(context)
    expect(flipped).toEqual([fuseConfigFor('win32')])
  })
})
