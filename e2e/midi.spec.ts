import type { Page } from '@playwright/test'
import { readWithMido } from '../src/engine/testing/mido'
import { expect, openStudio, test } from './fixtures'

// Issue 17 in web mode, in Chromium: the MIDI chip's file, and a MIDI keyboard and output through
// a fake Web MIDI access the test drives (the page cannot tell it from a real one).

const SONG = 'X:1\nT:Chip Test\nM:4/4\nL:1/8\nQ:1/4=120\nK:C\nCDEF G2A2|c4 z4|]\n'
const BODY_AT = SONG.indexOf('CDEF')


/** Replaces Web MIDI with one keyboard (`Test Keyboard`) and one output (`Test Synth`) the test drives and reads. */
async function fakeWebMidi(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const record = { requests: [] as unknown[], sent: [] as { data: number[]; at: number | null }[], press: (_bytes: number[], _timeStamp: number) => {} }
    class FakePort extends EventTarget {
      readonly state = 'connected'
      readonly connection = 'open'
      readonly manufacturer = 'Test'
      constructor(
        readonly id: string,
        readonly name: string,
        readonly type: string
      ) {
        super()
      }
    }
    const input = new FakePort('in-1', 'Test Keyboard', 'input')
    const output = Object.assign(new FakePort('out-1', 'Test Synth', 'output'), {
      send: (data: number[], at?: number) => void record.sent.push({ data: [...data], at: at ?? null })
    })
    record.press = (bytes, timeStamp) => {
      const event = new Event('midimessage')
      Object.defineProperty(event, 'data', { value: new Uint8Array(bytes) })
      Object.defineProperty(event, 'timeStamp', { value: timeStamp })
      input.dispatchEvent(event)
    }
    Object.assign(window, { fakeMidi: record })
    Object.defineProperty(navigator, 'requestMIDIAccess', {
      value: (options?: unknown) => {
        record.requests.push(options ?? null)
        return Promise.resolve({ inputs: new Map([[input.id, input]]), outputs: new Map([[output.id, output]]), sysexEnabled: false, onstatechange: null })
      }
    })
  })
}

type FakeMidi = { requests: unknown[]; sent: { data: number[]; at: number | null }[]; press: (bytes: number[], timeStamp: number) => void }

/** Key presses on the fake keyboard: [pitch, down at ms, up at ms]. */
async function play(page: Page, keys: [number, number, number][]): Promise<void> {
  await page.evaluate((keys) => {
    const midi = (window as unknown as { fakeMidi: FakeMidi }).fakeMidi
    const events = keys.flatMap(([pitch, on, off]) => [
      { bytes: [0x90, pitch, 100], at: on },
      { bytes: [0x80, pitch, 0], at: off }
    ])
    for (const event of events.sort((a, b) => a.at - b.at)) midi.press(event.bytes, event.at)
  }, keys)
}

async function openSong(page: Page, url: string): Promise<void> {
  await openStudio(page, url)
  await page.getByLabel('Melody in ABC').fill(SONG)
  await expect(page.getByTestId('song-status')).toHaveText(/^7 notes/)
}

const editorText = (page: Page) => page.getByLabel('Melody in ABC')

/** Puts the editor's cursor at `at` and leaves the editor, as a click elsewhere would. */
async function cursorAt(page: Page, at: number): Promise<void> {
  await editorText(page).evaluate((area: HTMLTextAreaElement, at) => {
    area.focus()
    area.setSelectionRange(at, at)
    area.blur()
  }, at)
}

test('the MIDI chip downloads the song as a .mid file whose notes mido reads back, and drags as a DownloadURL', async ({ page, studio }) => {
  await openSong(page, studio.url)
  const chip = page.locator('.song-export').getByTestId('midi-chip')
  await expect(chip).toHaveAttribute('download', 'Chip Test.mid')
  await expect(chip).toHaveAttribute('draggable', 'true')
  // Browsers put no MIDI file on the clipboard: the web page does not offer to copy one.
  await expect(page.getByTestId('copy-midi')).toHaveCount(0)
  const started = page.waitForEvent('download')
  await chip.click()
  const download = await started
  expect(download.suggestedFilename()).toBe('Chip Test.mid')
  const file = await download.path()
  const heard = readWithMido([file])[file]
  // In quarters: pitch, start, length.
  expect(heard?.notes.map(([pitch, start, length]) => [pitch, start / heard.ticksPerBeat, length / heard.ticksPerBeat])).toEqual([
    [60, 0, 0.5],
    [62, 0.5, 0.5],
    [64, 1, 0.5],
    [65, 1.5, 0.5],
    [67, 2, 1],
    [69, 3, 1],
    [72, 4, 2]
  ])
  // A drag to the desktop carries the file as Chromium's DownloadURL: type, name and the blob.
  const dragged = await chip.evaluate((link: HTMLAnchorElement) => {
    const data = new DataTransfer()
    link.dispatchEvent(new DragEvent('dragstart', { dataTransfer: data, bubbles: true }))
    return { downloadUrl: data.getData('DownloadURL'), href: link.href }
  })
  expect(dragged.downloadUrl).toBe(`application/octet-stream:Chip Test.mid:${dragged.href}`)
  expect(dragged.href).toMatch(/^blob:/)
})

test('MIDI step entry: asked for only once turned on, C D E go in at the cursor as CDE, and Ctrl+Z takes them out', async ({ page, studio }) => {
  await fakeWebMidi(page)
  await openSong(page, studio.url)
  const requests = () => page.evaluate(() => (window as unknown as { fakeMidi: FakeMidi }).fakeMidi.requests)
  expect(await requests()).toEqual([])
  await page.getByTestId('midi-devices').check()
  await expect(page.getByTestId('midi-input')).toHaveValue('in-1')
  expect(await requests()).toEqual([{ sysex: false }])
  await cursorAt(page, BODY_AT)
  await page.getByTestId('midi-record').click()
  await play(page, [
    [60, 1000, 1100],
    [62, 1200, 1300],
    [64, 1400, 1500]
  ])
  await expect(page.getByTestId('midi-take')).toHaveText('CDE')
  await page.getByTestId('midi-insert').click()
  const inserted = SONG.slice(0, BODY_AT) + 'CDE' + SONG.slice(BODY_AT)
  await expect(editorText(page)).toHaveValue(inserted)
  await expect(page.getByTestId('song-status')).toHaveText(/^10 notes/)
  await editorText(page).press('Control+z')
  await expect(editorText(page)).toHaveValue(SONG)
})

test('MIDI real-time entry is quantised to the chosen grid at the song tempo', async ({ page, studio }) => {
  await fakeWebMidi(page)
  await openSong(page, studio.url)
  await page.getByTestId('midi-devices').check()
  await page.getByTestId('midi-entry').selectOption('realTime')
  await page.getByTestId('midi-grid').selectOption({ label: 'sixteenth' })
  await cursorAt(page, BODY_AT)
  await page.getByTestId('midi-record').click()
  // At 120 a minute a sixteenth is 125 ms: C for 2, D for 1 (a late release), a sixteenth's rest, E for 4.
  await play(page, [
    [60, 1000, 1240],
    [62, 1250, 1370],
    [64, 1500, 1990]
  ])
  await expect(page.getByTestId('midi-take')).toHaveText('CD/2z/2E2')
  // On eighths the same playing is C, D, E held for two.
  await page.getByTestId('midi-grid').selectOption({ label: 'eighth' })
  await expect(page.getByTestId('midi-take')).toHaveText('CDE2')
  await page.getByTestId('midi-insert').click()
  await expect(editorText(page)).toHaveValue(SONG.slice(0, BODY_AT) + 'CDE2' + SONG.slice(BODY_AT))
})

test('a chosen MIDI output receives note on and note off while the score plays', async ({ page, studio }) => {
  await fakeWebMidi(page)
  await openSong(page, studio.url)
  await page.getByTestId('midi-devices').check()
  const sent = () => page.evaluate(() => (window as unknown as { fakeMidi: FakeMidi }).fakeMidi.sent)
  await page.getByTestId('midi-output').selectOption({ label: 'Test Synth' })
  // The score drawn from this song (a redraw arriving mid-play rightly stops the player), then played.
  await expect(page.getByTestId('song score')).toHaveAttribute('data-abc', /T:Chip Test/)
  await page.getByRole('button', { name: 'play song score' }).click()
  await expect(page.getByTestId('song score')).toHaveAttribute('data-playing', 'true')
  // The song's first notes, each a note-on now and a note-off scheduled at a later time.
  await expect.poll(async () => (await sent()).filter((message) => message.data[0] === 0x90).map((message) => message.data[1]).slice(0, 3)).toEqual([60, 62, 64])
  const messages = await sent()
  const offC = messages.find((message) => message.data[0] === 0x80 && message.data[1] === 60)
  expect(offC?.at).toEqual(expect.any(Number))
  expect(messages.find((message) => message.data[0] === 0x90 && message.data[1] === 60)?.data).toEqual([0x90, 60, 90])
  await page.getByRole('button', { name: 'stop song score' }).click()
  // Choosing no output stops the device's notes and sends it nothing more.
  await page.getByTestId('midi-output').selectOption('')
  await expect.poll(async () => (await sent()).at(-1)?.data).toEqual([0xb0, 123, 0])
})
