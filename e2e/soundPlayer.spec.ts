import type { Locator } from '@playwright/test'
import { expect, openStudio, test, trainNabiyaBriefly, useNabiya } from './fixtures'

// Playback through the shipped General MIDI sound font (issue 17), offline: every request that
// is not to the studio's own server is refused and recorded, and none may be made.

/** A number the score shows about its player (data-notes-sent, data-tempo…). */
const numberOf = async (score: Locator, attribute: string): Promise<number> => Number(await score.getAttribute(attribute))

test('the song plays through the sound font the studio serves, with nothing fetched from outside; tempo, instrument and loop are kept', async ({ page, studio }) => {
  test.setTimeout(150_000)
  const origin = new URL(studio.url).origin
  const outside: string[] = []
  const fetched: string[] = []
  await page.route('**', (route) => {
    const url = route.request().url()
    if (new URL(url).origin !== origin) {
      outside.push(url)
      return route.abort('blockedbyclient')
    }
    fetched.push(new URL(url).pathname)
    return route.continue()
  })
  // What the studio's server answered: it sees the worklet's module too, which the page's routes and events do not.
  const served: string[] = []
  studio.server.on('request', (request: { url?: string }) => served.push(new URL(request.url ?? '/', origin).pathname))
  // Requests the routes may not see are recorded too.
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:') && !request.url().startsWith('blob:')) outside.push(request.url())
  })
  await openStudio(page, studio.url)
  await useNabiya(page)
  const score = page.getByTestId('song score')
  // The opening song has 54 notes too: wait for the score of the typed text (it has no C: line),
  // else its redraw arrives mid-play and, rightly, stops the player.
  await expect(score).toHaveAttribute('data-abc', /^(?![\s\S]*\nC:)/)
  // 나비야 says Q:1/4=100 in 2/4: a bar is two quarters, 1 200 ms.
  await expect(score).toHaveAttribute('data-song-tempo', '100')
  await expect(score).toHaveAttribute('data-tempo', '100')

  await page.getByRole('button', { name: 'play song score' }).click()
  await expect(score).toHaveAttribute('data-playing', 'true')
  await expect(score).toHaveAttribute('data-sound', 'soundfont', { timeout: 30_000 })
  await expect(score).toHaveAttribute('data-ms-per-measure', '1200')
  // Notes go to the synthesiser, and its worklet reports voices sounding them.
  await expect.poll(() => numberOf(score, 'data-notes-sent')).toBeGreaterThan(2)
  await expect.poll(() => numberOf(score, 'data-voices-seen')).toBeGreaterThan(0)
  // The cursor moves on.
  const cursor = page.getByTestId('song score cursor')
  const firstAt = await cursor.getAttribute('style')
  await expect.poll(() => cursor.getAttribute('style')).not.toBe(firstAt)
  // Chosen while playing, a tempo applies at once: half the tempo, bars twice as long.
  await page.getByTestId('song score tempo').fill('50')
  await page.getByTestId('song score tempo').press('Enter')
  await expect(score).toHaveAttribute('data-tempo', '50')
  await expect(score).toHaveAttribute('data-ms-per-measure', '2400')
  await page.getByRole('button', { name: 'stop song score' }).click()
  await expect(score).toHaveAttribute('data-playing', 'false')

  // Played again at a faster tempo, with another instrument and the click: bars of 600 ms.
  await page.getByTestId('song score tempo').fill('200')
  await page.getByTestId('song score tempo').press('Enter')
  await page.getByTestId('song score instrument').selectOption('flute')
  await page.getByTestId('song score metronome').check()
  await page.getByRole('button', { name: 'play song score' }).click()
  await expect(score).toHaveAttribute('data-sound', 'soundfont')
  await expect(score).toHaveAttribute('data-ms-per-measure', '600')
  await expect.poll(() => numberOf(score, 'data-notes-sent')).toBeGreaterThan(0)
  await page.getByRole('button', { name: 'stop song score' }).click()
  // Looped, a song starts over instead of stopping (at the fastest tempo, 16 bars take 4 s).
  await page.getByTestId('song score tempo').fill('1000')
  await page.getByTestId('song score tempo').press('Enter')
  await page.getByTestId('song score loop').check()
  await page.getByRole('button', { name: 'play song score' }).click()
  await expect.poll(() => numberOf(score, 'data-loops-played'), { timeout: 30_000 }).toBeGreaterThan(0)
  await expect(score).toHaveAttribute('data-playing', 'true')
  await page.getByRole('button', { name: 'stop song score' }).click()
  await page.getByTestId('song score loop').uncheck()
  await page.getByTestId('song score tempo').fill('200')
  await page.getByTestId('song score tempo').press('Enter')

  // The sound font and the worklet came from the studio itself, nothing from anywhere else.
  expect(fetched.filter((path) => /^\/assets\/melody-studio-[\w-]+\.sf2$/.test(path))).toHaveLength(1)
  expect(served.filter((path) => /^\/assets\/melody-studio-[\w-]+\.sf2$/.test(path))).toHaveLength(1)
  expect(served.filter((path) => /^\/assets\/spessasynth_processor\.min-[\w-]+\.js$/.test(path))).toHaveLength(1)
  expect(outside).toEqual([])

  // The settings outlive a reload; the chosen tempo holds for this song only.
  await page.reload()
  await useNabiya(page)
  await expect(page.getByTestId('song score instrument')).toHaveValue('flute')
  await expect(page.getByTestId('song score metronome')).toBeChecked()
  await expect(score).toHaveAttribute('data-tempo', '200')
  await page.getByLabel('Melody in ABC').fill(NABIYA_AT_80)
  await expect(score).toHaveAttribute('data-tempo', '80')

  // A prediction plays at the song's tempo (its ABC carries the song's Q:), not a fixed 120.
  await trainNabiyaBriefly(page)
  const prediction = page.getByTestId('one-step score')
  await expect(prediction).toHaveAttribute('data-song-tempo', '100')
  await page.getByRole('button', { name: 'play one-step score' }).click()
  await expect(prediction).toHaveAttribute('data-ms-per-measure', '1200')
  await expect.poll(() => numberOf(prediction, 'data-notes-sent')).toBeGreaterThan(0)
  await page.getByRole('button', { name: 'stop one-step score' }).click()
  expect(outside).toEqual([])
})

const NABIYA_AT_80 = 'X:1\nT:나비야 at 80\nM:2/4\nL:1/8\nQ:1/4=80\nK:C\nG E E2 | F D D2 | C D E F | G G G2 |\n'

test('the song exported as WAV from the UI, by the instrument chosen for playback, is the song at its tempo, read back by Python’s wave', async ({ page, studio }) => {
  test.setTimeout(120_000)
  await openStudio(page, studio.url)
  await useNabiya(page)
  // The file is played by the instrument chosen for playback, as its button says.
  await page.getByTestId('song score instrument').selectOption('guitar')
  const wav = page.getByRole('group', { name: 'export song' }).getByRole('button', { name: 'WAV', exact: true })
  await expect(wav).toHaveAttribute('title', /played by the nylon-string guitar/)
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), wav.click()])
  const path = test.info().outputPath(download.suggestedFilename())
  await download.saveAs(path)
  expect(download.suggestedFilename()).toMatch(/\.wav$/)
  const { execFileSync } = await import('node:child_process')
  const [channels, rate, seconds] = execFileSync(
    '/usr/bin/python3',
    ['-c', 'import wave, sys; w = wave.open(sys.argv[1]); print(w.getnchannels(), w.getframerate(), w.getnframes() / w.getframerate())', path],
    { encoding: 'utf8' }
  )
    .trim()
    .split(' ')
    .map(Number)
  expect([channels, rate]).toEqual([2, 44100])
  // 나비야: 32 quarter notes' worth at ♩=100 is 19.2 s, then the instrument's release.
  expect(seconds).toBeGreaterThan(19.2)
  expect(seconds).toBeLessThan(19.2 + 3)
})
