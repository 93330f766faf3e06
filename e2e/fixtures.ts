import { test as base, expect, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWebStudio, type WebStudio } from '../src/server/webServer'
import { expectStudioOpen, type StudioUnderTest } from './flows/studioUnderTest'

export { expect }
export { fileText, NABIYA_ABC, trainNabiyaBriefly, useNabiya } from './flows/studioUnderTest'

/**
 * Each test has its own data folder (songs, runs, models, settings) and its own web-mode server
 * on it, started before the test and closed, the folder removed, after it: no test sees another's
 * library, and a test that fails or a worker that restarts leaves nothing behind for the next.
 */
export const test = base.extend<{ dataDir: string; studio: WebStudio }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern
  dataDir: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'studio-library-'))
    await use(dataDir)
    // The training process is stopped with the server and may still be finishing a file.
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
  },
  studio: async ({ dataDir }, use) => {
    const studio = await startWebStudio({
      rendererDir: join(process.cwd(), 'out/renderer'),
      dataDir,
      appInfo: { name: 'melody-studio', version: 'test', electron: null }
    })
    await use(studio)
    // The page may still be open, its event stream reconnecting: close its connections too, or
    // the server would wait for them.
    const closed = studio.close()
    studio.server.closeAllConnections()
    await closed
  }
})

/** Opens the studio at `url` and waits until the saved song has replaced the opening one. */
export async function openStudio(page: Page, url: string): Promise<void> {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(url)
  await expectStudioOpen(page)
  expect(errors).toEqual([])
}

/** The web studio on `page` for the shared flows: downloads are the browser's. */
export function webStudioUnderTest(page: Page, dataDir: string): StudioUnderTest {
  return {
    kind: 'web',
    page,
    dataDir,
    async download(click) {
      const started = page.waitForEvent('download')
      await click()
      const file = await started
      return { name: file.suggestedFilename(), path: await file.path() }
    }
  }
}
