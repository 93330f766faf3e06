import { expect, type Page } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A studio opened for a test: the web page of `npm run web` or the desktop app's window. The
 * flows (./*Flows.ts) drive it only through this, so the web and desktop specs run the same bodies.
 */
export interface StudioUnderTest {
  /** Which studio it is; names its screenshots (test-results/<kind>-….png). */
  readonly kind: 'web' | 'desktop'
  /** The studio's page, already open with its library loaded. */
  readonly page: Page
  /** The folder the studio keeps its library in (song.json, settings.json, runs/). */
  readonly dataDir: string
  /** Clicks what `click` clicks and returns the file the studio saved: its name and where it is now. */
  download(click: () => Promise<void>): Promise<{ readonly name: string; readonly path: string }>
}

/** A test body both specs run, with its title and how long it may take. */
export interface StudioFlow {
  readonly title: string
  readonly timeoutMs?: number
  run(studio: StudioUnderTest): Promise<void>
}

export const NABIYA_ABC = readFileSync(join(process.cwd(), '../shared/songs/nabiya.abc'), 'utf8')

/** Waits until the page shows the studio and the saved song has replaced the opening one. */
export async function expectStudioOpen(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Melody Studio' })).toBeVisible()
  // The saved song replaces the opening one when the library arrives; tests type after that.
  await expect(page.locator('main')).toHaveAttribute('data-library', 'loaded')
}

/** Reloads the page (the library is read again from disk) and waits until it is open. */
export async function reopenStudio(page: Page): Promise<void> {
  await page.reload()
  await expectStudioOpen(page)
}

/** A file's text, or '' while it is not there yet (for polls that wait for a save). */
export function fileText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

/** Trains 나비야 for a few epochs with the Train button and waits until its result is shown. */
export async function trainNabiyaBriefly(page: Page, epochs = 3): Promise<void> {
  await useNabiya(page)
  await page.getByTestId('epochs').fill(String(epochs))
  await page.getByRole('button', { name: 'Train' }).click()
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 })
}

/** Types 나비야 into the editor and waits until it reads. */
export async function useNabiya(page: Page): Promise<void> {
  await page.getByLabel('Melody in ABC').fill(NABIYA_ABC)
  await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
}
