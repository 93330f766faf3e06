import { _electron as electron, expect, test as base, type ElectronApplication } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ELECTRON_INSTALL_COMMAND, installedElectronBinary } from '../scripts/electronBinary.mjs'
import { SHARED_FLOWS } from './flows'
import { studioApiKeys } from './flows/studioApiKeys'
import { expectStudioOpen, type StudioUnderTest } from './flows/studioUnderTest'

// The desktop app in Electron: the same flows as the web spec (./flows), and what only the
// desktop has (the sandboxed window with its preload). Skipped, saying why, without Electron.

// installedElectronBinary, not require('electron'): from Electron 42 that starts a download.
const SKIP_REASON = `the Electron binary is not installed (its download needs internet: \`${ELECTRON_INSTALL_COMMAND}\`), so the desktop app cannot start here`
let skipPrinted = false

/** What a download saved, as the main process saw it (globalThis.studioDownloads there). */
interface SavedDownload {
  readonly name: string
  readonly path: string
  readonly state: string
}

/** Saves every download of the app into `folder` instead of asking where, and lists it in globalThis.studioDownloads. */
async function saveDownloadsInto(app: ElectronApplication, folder: string): Promise<void> {
  await app.evaluate(({ session }, into) => {
    const saved: SavedDownload[] = []
    ;(globalThis as unknown as { studioDownloads: SavedDownload[] }).studioDownloads = saved
    session.defaultSession.on('will-download', (_event, item) => {
      const path = `${into}/${item.getFilename()}`
      item.setSavePath(path)
      item.once('done', (_done, state) => saved.push({ name: item.getFilename(), path, state }))
    })
  }, folder)
}

const downloadsSoFar = (app: ElectronApplication) =>
  app.evaluate(() => (globalThis as unknown as { studioDownloads: SavedDownload[] }).studioDownloads.length)

/**
 * The desktop app for one test: started with a user data folder of its own (XDG_CONFIG_HOME),
 * its window open with the library loaded; closed and the folder removed after the test.
 */
const test = base.extend<{ desktop: StudioUnderTest }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern
  desktop: async ({}, use) => {
    const binary = installedElectronBinary()
    if (!binary) {
      if (!skipPrinted) console.log(`skipped: ${SKIP_REASON}`)
      skipPrinted = true
      test.skip(true, SKIP_REASON)
      return
    }
    const home = mkdtempSync(join(tmpdir(), 'studio-desktop-'))
    const app = await electron.launch({
      executablePath: binary,
      args: [join(process.cwd(), 'out/main/index.js'), '--no-sandbox'],
      env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config') }
    })
    try {
      const downloads = join(home, 'downloads')
      await saveDownloadsInto(app, downloads)
      const page = await app.firstWindow()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await expectStudioOpen(page)
      expect(errors).toEqual([])
      const dataDir = join(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData')), 'library')
      await use({
        kind: 'desktop',
        page,
        dataDir,
        async download(click) {
          const before = await downloadsSoFar(app)
          await click()
          await expect.poll(() => downloadsSoFar(app), { timeout: 30_000 }).toBeGreaterThan(before)
          const saved = await app.evaluate((_electron, index) => (globalThis as unknown as { studioDownloads: SavedDownload[] }).studioDownloads[index], before)
          expect(saved?.state).toBe('completed')
          return { name: saved!.name, path: saved!.path }
        }
      })
    } finally {
      await app.close()
      rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
    }
  }
})

test('the desktop app opens a sandboxed window that reads 나비야 and exposes the StudioApi and nothing else', async ({ desktop: { page } }) => {
  await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
  // The page has no Node: the preload exposes the StudioApi, exactly as its contract defines it.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  expect(await page.evaluate(() => Object.keys((globalThis as { studio?: object }).studio ?? {}).sort())).toEqual(studioApiKeys())
  await page.screenshot({ path: 'test-results/desktop-song.png' })
})

// The flows the web spec runs too (./flows): one body each, so the two cannot drift.
for (const flow of SHARED_FLOWS) {
  test(flow.title, async ({ desktop }) => {
    if (flow.timeoutMs) test.setTimeout(flow.timeoutMs)
    await flow.run(desktop)
  })
}
