// `npm run dist` after `electron-vite build`: electron-builder with electron-builder.yml, for this
// platform unless arguments say otherwise (`npm run dist -- --win`). electron-builder downloads
// Electron's zip and its packaging tools (fpm for the .deb, appimagetool, NSIS) from GitHub; when
// it cannot reach the network we say so in one line instead of leaving a bare stack trace.
import { spawn } from 'node:child_process'
import { dirname } from 'node:path'
import { createRequire } from 'node:module'
import { installedElectronBinary } from './electronBinary.mjs'

const require = createRequire(import.meta.url)
const builderCli = require.resolve('electron-builder/cli.js')
const args = ['--config', 'electron-builder.yml', ...process.argv.slice(2)]

// The binary `npx install-electron` unpacked is this platform's Electron: packing this platform's
// installers from it saves a second 100 MB download (other platforms still download their zip).
const binary = installedElectronBinary()
if (binary && process.argv.length === 2) {
  const distDir = process.platform === 'darwin' ? dirname(dirname(dirname(dirname(binary)))) : dirname(binary)
  args.push(`--config.electronDist=${distDir}`)
}

const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|getaddrinfo/
let output = ''
const builder = spawn(process.execPath, [builderCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
builder.stdout.on('data', (chunk) => {
  output += chunk
  process.stdout.write(chunk)
})
builder.stderr.on('data', (chunk) => {
  output += chunk
  process.stderr.write(chunk)
})
builder.on('exit', (code, signal) => {
  if (code === 0) process.exit(0)
  const host = /ENOTFOUND ([\w.-]+)/.exec(output)?.[1]
  if (NETWORK_FAILURE.test(output)) {
    console.error(
      `melody-studio: npm run dist could not download what electron-builder needs (Electron's zip and its packaging tools, from GitHub${host ? `: ${host} not reachable` : ''}): run it on a machine with internet; the app itself is built in out/.`
    )
  }
  process.exit(signal ? 1 : (code ?? 1))
})
