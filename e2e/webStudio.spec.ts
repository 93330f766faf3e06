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
  // ABC is read once, by checkSong; its melody is what every later call takes.
  const scale = (await (await request.post(`${base}/api/checkSong`, { headers, data: { args: ['X:1\nT:Scale\nK:C\nCDEF GABc|'] } })).json()).value
  expect(scale).toMatchObject({ notes: 8, title: 'Scale', problems: [], melody: { title: 'Scale', meter: { numerator: 4, denominator: 4 } } })
  expect(scale.melody.notes.map((note: { pitch: number }) => note.pitch)).toEqual([60, 62, 64, 65, 67, 69, 71, 72])
  const pdf = await request.post(`${base}/api/exportSong`, { headers, data: { args: [scale.melody, 'pdf'] } })
  const exported = (await pdf.json()).value
  expect(exported).toMatchObject({ fileName: 'Scale.pdf', mimeType: 'application/pdf' })
  expect(Buffer.from(exported.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
  // ABC text where a melody belongs is refused, naming the argument.
  const asText = await (await request.post(`${base}/api/exportSong`, { headers, data: { args: ['X:1\nT:Scale\nK:C\nCDEF GABc|', 'pdf'] } })).json()
  expect(asText).toMatchObject({ ok: false, error: { name: 'InvalidMessageError', message: expect.stringMatching(/^exportSong: 0 /) } })
  // A melody out of the contract's bounds is refused before any work.
  const wild = { ...scale.melody, notes: [{ pitch: 300, startTicks: 0, durationTicks: 480 }] }
  const refused = await (await request.post(`${base}/api/describeModel`, { headers, data: { args: [wild, 'lstm', {}] } })).json()
  expect(refused).toMatchObject({ ok: false, error: { name: 'InvalidMessageError', message: expect.stringMatching(/describeModel: 0\.notes\.0\.pitch /) } })
})
