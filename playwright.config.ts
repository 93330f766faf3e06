import { defineConfig } from '@playwright/test'

/** Debian's Chromium: Playwright's own browser download cannot work offline. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  // Assertions wait for the page's state, not for a time: the bound is only how long to keep
  // waiting on a loaded machine (two cores shared with builds and other test runs) before failing.
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      // Without these, Chromium keeps trying to reach Google's hosts on a machine with no internet.
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    }
  }
})
