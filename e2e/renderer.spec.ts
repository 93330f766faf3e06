import { expect, test } from './fixtures'

// The built renderer in Debian's Chromium, opened without web mode's token: it must load under
// its Content-Security-Policy and say plainly that no engine is connected.
test('the built renderer loads in Chromium and says when no engine is connected', async ({ page, studio }) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  await page.goto(new URL(studio.url).origin)
  await expect(page.getByRole('heading', { name: 'Melody Studio' })).toBeVisible()
  await expect(page.getByLabel('Melody in ABC')).toHaveValue(/^X:1\nT:나비야 \(Butterfly\)/)
  await expect(page.getByTestId('status')).toHaveText(/engine is not connected/)
  await page.screenshot({ path: 'test-results/renderer-song.png' })
  expect(errors).toEqual([])
})
