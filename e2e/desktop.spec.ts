import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

function electronBinary(): string | undefined {
  try {
    const path = require('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

test('the desktop app opens a sandboxed window that reads 나비야 and trains through the StudioApi', async () => {
  const binary = electronBinary()
  if (!binary) {
    const reason = 'the Electron binary is not installed (its download needs internet), so the desktop app cannot start here'
    console.log(`skipped: ${reason}`)
    test.skip(true, reason)
    return
  }
  const app = await electron.launch({ executablePath: binary, args: [join(process.cwd(), 'out/main/index.js'), '--no-sandbox'] })
  const page = await app.firstWindow()
  await expect(page.getByRole('heading', { name: 'Melody Studio' })).toBeVisible()
  await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
  // The page has no Node: the preload exposes the StudioApi and nothing else.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  expect(await page.evaluate(() => Object.keys((globalThis as { studio?: object }).studio ?? {}).sort())).toEqual([
    'checkSong',
    'describeModel',
    'exportSong',
    'predictAgain',
    'getAppInfo',
    'getBackend',
    'importFile',
    'loadLibrary',
    'onTrainingDone',
    'onTrainingError',
    'onTrainingProgress',
    'saveSettings',
    'saveSong',
    'startTraining',
    'stopTraining'
  ])
  await page.getByTestId('epochs').fill('3')
  await page.getByRole('button', { name: 'Train' }).click()
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 })
  await page.screenshot({ path: 'test-results/desktop-song.png' })
  await app.close()
})
