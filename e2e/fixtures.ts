import { test as base, expect, type Page } from '@playwright/test'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWebStudio, type WebStudio } from '../src/server/webServer'

export { expect }

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

export const NABIYA_ABC = readFileSync(join(process.cwd(), '../shared/songs/nabiya.abc'), 'utf8')

/** Opens the studio at `url` and waits until the saved song has replaced the opening one. */
export async function openStudio(page: Page, url: string): Promise<void> {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(url)
  await expect(page.getByRole('heading', { name: 'Melody Studio' })).toBeVisible()
  // The saved song replaces the opening one when the library arrives; tests type after that.
  await expect(page.locator('main')).toHaveAttribute('data-library', 'loaded')
  expect(errors).toEqual([])
}

/** A file's text, or '' while it is not there yet (for polls that wait for a save). */
export function fileText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

/** Types 나비야 into the editor and waits until it reads. */
export async function useNabiya(page: Page): Promise<void> {
  await page.getByLabel('Melody in ABC').fill(NABIYA_ABC)
  await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
}
