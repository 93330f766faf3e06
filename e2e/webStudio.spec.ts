import { SHARED_FLOWS } from './flows'
import { expect, openStudio, test, useNabiya, webStudioUnderTest } from './fixtures'

// Web mode with the real engine and a real training process: no mocks. Each test has its own
// server and data folder (see fixtures.ts), so it starts from an empty library.

// The flows the desktop spec runs too (./flows): one body each, so the two cannot drift.
for (const flow of SHARED_FLOWS) {
  test(flow.title, async ({ page, studio, dataDir }) => {
    if (flow.timeoutMs) test.setTimeout(flow.timeoutMs)
    await openStudio(page, studio.url)
    await flow.run(webStudioUnderTest(page, dataDir))
  })
}

// Web mode only: the training process's pid and the HTTP API are the server's.
test('a killed training process is reported, and a new run works', async ({ page, studio }) => {
  test.setTimeout(120_000)
  await openStudio(page, studio.url)
  await useNabiya(page)
  await page.getByTestId('epochs').fill('2000')
  await page.getByLabel('stop at 100 %').uncheck()
  await page.getByRole('button', { name: 'Train' }).click()
  await expect(page.getByTestId('training-status')).toHaveText(/epoch \d+\/2000/, { timeout: 60_000 })
  const pid = studio.service.trainingPid
  expect(pid).toBeDefined()
  process.kill(pid!, 'SIGKILL')
  await expect(page.getByTestId('training-error')).toHaveText(/the training process was killed \(SIGKILL\); start the run again/)
  await page.getByTestId('epochs').fill('3')
  await page.getByRole('button', { name: 'Train' }).click()
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 })
})

test('the API refuses calls without the token and payloads that do not fit', async ({ request, studio }) => {
  const base = new URL(studio.url).origin
  const noToken = await request.post(`${base}/api/checkSong`, { data: { args: ['X:1\nK:C\nC'] } })
  expect(noToken.status()).toBe(403)
  const headers = { 'x-studio-token': studio.token }
  const bad = await request.post(`${base}/api/startTraining`, { headers, data: { args: [{ abc: 'X:1\nK:C\nCDEFG', model: 'gpt', epochs: -1, untilPerfect: true }] } })
  const reply = await bad.json()
  expect(reply).toMatchObject({ ok: false, error: { name: 'InvalidMessageError' } })
  expect(reply.error.message).toMatch(/model/)
  const pdf = await request.post(`${base}/api/exportSong`, { headers, data: { args: ['X:1\nT:Scale\nK:C\nCDEF GABc|', 'pdf'] } })
  const exported = (await pdf.json()).value
  expect(exported).toMatchObject({ fileName: 'Scale.pdf', mimeType: 'application/pdf' })
  expect(Buffer.from(exported.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
  const good = await request.post(`${base}/api/checkSong`, { headers, data: { args: ['X:1\nK:C\nCDE|'] } })
  expect(await good.json()).toEqual({ ok: true, value: { notes: 3, title: '', problems: [] } })
})
