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

test('the desktop app opens a sandboxed window that reads 나비야 through the StudioApi', async () => {
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
  await expect(page.getByTestId('status')).toHaveText(/54 notes · 50 training windows of 4/)
  // The page has no Node: the preload exposes the StudioApi and nothing else.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
  expect(await page.evaluate(() => Object.keys((globalThis as { studio?: object }).studio ?? {}).sort())).toEqual(['getAppInfo', 'summarizeSong'])
  await page.getByLabel('Melody in note codes').fill('g8 e8\nf8 x4')
  await expect(page.getByTestId('status')).toHaveText(/line 2, column 4: unknown note code 'x4'/)
  await page.screenshot({ path: 'test-results/desktop-song.png' })
  await app.close()
})
