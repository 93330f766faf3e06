import { expect, type Locator } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { abcToMelodies } from '../../src/engine/notation/abcIn'
import { midiToMelody } from '../../src/engine/notation/midi'
import { fileText, NABIYA_ABC, reopenStudio, trainNabiyaBriefly, useNabiya, type StudioFlow } from './studioUnderTest'

/** A prediction's line "N wrong: P pitch, L length" read back as numbers. */
function wrongKinds(line: string | null): { wrong: number; pitch: number; length: number } {
  const [, wrong, pitch, length] = (/(\d+) wrong: (\d+) pitch, (\d+) length/.exec(line ?? '') ?? []).map(Number)
  expect(wrong, `"N wrong: P pitch, L length" in ${line}`).toBeDefined()
  return { wrong: wrong ?? -1, pitch: pitch ?? -1, length: length ?? -1 }
}

/** Asserts a score's marks (in voice `voice` of a two-staff score): red heads for the wrong pitches, amber heads with an "L" above for the wrong lengths. */
async function expectMarks(score: Locator, counts: { pitch: number; length: number }, voice = ''): Promise<void> {
  await expect(score.locator(`.abcjs-note${voice}.wrong:not(.wrong-length)`)).toHaveCount(counts.pitch)
  await expect(score.locator(`.abcjs-note${voice}.wrong.wrong-length`)).toHaveCount(counts.length)
  // abcjs draws the annotation inside the note's group: one "L" per wrong length, on that head.
  await expect(score.locator(`.abcjs-note${voice}.wrong-length .abcjs-annotation`)).toHaveText(Array(counts.length).fill('L'))
  await expect(score.locator('.abcjs-annotation')).toHaveCount(counts.length)
  if (counts.pitch > 0) await expect(score.locator(`.abcjs-note${voice}.wrong:not(.wrong-length) path`).first()).toHaveCSS('fill', 'rgb(208, 2, 27)')
  if (counts.length > 0) await expect(score.locator(`.abcjs-note${voice}.wrong-length path`).first()).toHaveCSS('fill', 'rgb(217, 119, 6)')
}

export const trainAndSeeWrongNotesFlow: StudioFlow = {
  title: 'type 나비야 in ABC, see its score, train the stateful model, see red notes where it is wrong',
  timeoutMs: 180_000,
  async run({ kind, page, dataDir, download }) {
    const editor = page.getByLabel('Melody in ABC')
    const nabiya = await editor.inputValue()
    await editor.fill('')
    await editor.pressSequentially(nabiya.slice(0, 40))
    await editor.fill(nabiya)
    await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
    await expect(page.getByTestId('song score').locator('.abcjs-note')).toHaveCount(54)
    await page.screenshot({ path: `test-results/${kind}-song.png`, fullPage: true })

    await page.getByTestId('model').selectOption('stateful-lstm-2f')
    await expect(page.getByTestId('model-description')).toHaveText(/68,620 parameters · 12 classes ·\s+50 samples ·\s+stateful, pitch and length ·\s+batch 1/)
    await expect(page.getByTestId('backend')).toHaveText(/Backend: (wasm|tfjs-node|tfjs-node-gpu|cpu)/, { timeout: 30_000 })
    // Whether the GPU trains and why, whatever this machine has (no package, no driver, another CUDA, in use).
    await expect(page.getByTestId('gpu')).toHaveText(/^GPU (in use|not used): .{10,}/)
    // The options change the model: one feature instead of two, then back.
    await page.getByText('Options').click()
    await page.getByTestId('two-features').uncheck()
    await expect(page.getByTestId('model-description')).toHaveText(/68,108 parameters .* one feature/)
    await page.getByTestId('two-features').check()
    await expect(page.getByTestId('model-description')).toHaveText(/68,620 parameters/)
    await page.getByTestId('epochs').fill('20')
    // The renderer's long frames while training, from the Performance API (Long Animation Frames:
    // frames whose work took 50 ms or more). Gaps where the browser merely throttles drawing are
    // not work, and do not count.
    expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'))).toBe(true)
    await page.evaluate(() => {
      const scope = globalThis as unknown as { longestFrame: number; frameObserver: PerformanceObserver }
      scope.longestFrame = 0
      scope.frameObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) scope.longestFrame = Math.max(scope.longestFrame, entry.duration)
      })
      scope.frameObserver.observe({ type: 'long-animation-frame', buffered: false })
    })
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(page.getByTestId('training-status')).toHaveText(/epoch \d+\/20/, { timeout: 60_000 })
    const chart = page.getByTestId('loss-chart')
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(1)
    await page.screenshot({ path: `test-results/${kind}-training.png`, fullPage: true })

    await expect(page.getByTestId('training-status')).toHaveText(/epoch 20\/20/, { timeout: 120_000 })
    const longestFrame = await page.evaluate(() => {
      const scope = globalThis as unknown as { longestFrame: number; frameObserver: PerformanceObserver }
      scope.frameObserver.disconnect()
      return scope.longestFrame
    })
    // Printed, not asserted: how long a frame takes depends on the machine and what else it runs,
    // and speed belongs to `npm run bench`.
    console.log(`longest frame while training: ${longestFrame === 0 ? 'under 50 ms (no long animation frame)' : `${longestFrame.toFixed(1)} ms`}`)
    const results = page.getByTestId('results')
    await expect(results).toBeVisible({ timeout: 120_000 })
    // Progress events are batched, not thinned: the curve has every epoch.
    await expect(chart).toHaveAttribute('data-points', '20')
    await expect(page.getByTestId('training-path')).toHaveText(/Training path: (fast CPU path|tfjs)/)
    const oneStep = await page.getByTestId('one-step-accuracy').textContent()
    const wrong = Number(/(\d+) wrong/.exec(oneStep ?? '')?.[1])
    expect(oneStep).toMatch(/One step: \d+ % right, \d+ wrong/)
    // 50 predicted notes after the 4 given; a wrong length may split a note at a bar line.
    expect(await page.getByTestId('one-step score').locator('.abcjs-note').count()).toBeGreaterThanOrEqual(54)
    await expect(page.getByTestId('one-step score').locator('.abcjs-note.wrong')).toHaveCount(wrong)
    // Of those, the wrong pitches red and the wrong lengths amber with an "L", as many as the line says.
    await expectMarks(page.getByTestId('one-step score'), wrongKinds(oneStep))
    const fullWrong = Number(/(\d+) wrong/.exec((await page.getByTestId('full-song-accuracy').textContent()) ?? '')?.[1])
    await expect(page.getByTestId('full-song score').locator('.abcjs-note.wrong')).toHaveCount(fullWrong)
    console.log(`after 20 epochs: ${oneStep?.trim()}; full song ${fullWrong} wrong`)
    await page.screenshot({ path: `test-results/${kind}-results.png`, fullPage: true })

    // Play the one-step prediction: the cursor appears and moves along the score.
    await page.getByRole('button', { name: 'play one-step score' }).click()
    const cursor = page.getByTestId('one-step score cursor')
    await expect(cursor).toBeVisible()
    const firstLeft = await cursor.evaluate((element) => element.getBoundingClientRect().left)
    await expect.poll(() => cursor.evaluate((element) => element.getBoundingClientRect().left), { timeout: 10_000 }).toBeGreaterThan(firstLeft)
    await page.screenshot({ path: `test-results/${kind}-playing.png`, fullPage: true })
    await page.getByRole('button', { name: 'stop one-step score' }).click()
    await expect(cursor).toBeHidden()

    // Export the full-song prediction as MIDI: the engine reads the file back to the same notes.
    const file = await download(() => page.getByRole('group', { name: 'export full-song prediction' }).getByRole('button', { name: 'MIDI' }).click())
    // Named for the song, the model, the day and which prediction it is.
    expect(file.name).toMatch(/^나비야 \(Butterfly\) - [a-z0-9-]+ - \d{4}-\d{2}-\d{2} - full-song\.mid$/)
    const fromMidi = midiToMelody(readFileSync(file.path)).melody.notes
    const shownAbc = await page.evaluate(() => document.querySelector('[data-testid="full-song score"]')?.getAttribute('data-abc') ?? '')
    const predicted = abcToMelodies(shownAbc).tunes[0]?.melody?.notes ?? []
    expect(fromMidi.filter((n) => n.pitch !== null)).toEqual(predicted.filter((n) => n.pitch !== null))
    expect(fromMidi.filter((n) => n.pitch !== null)).toHaveLength(54)
    // Its tracks are named after the song, as python3-mido reads them (MIDI text is bytes: UTF-8 here).
    const trackNames = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import mido, sys, json; print(json.dumps([m.name.encode("latin1").decode("utf8") for t in mido.MidiFile(sys.argv[1]).tracks for m in t if m.type == "track_name"]))', file.path],
      { encoding: 'utf8' }
    )
    expect(JSON.parse(trackNames)).toEqual(['나비야 (Butterfly)', '나비야 (Butterfly)'])
    // Its score as SVG carries the wrong pitches in red and the wrong lengths in amber, as many as the page marks.
    const pitchShown = await page.getByTestId('full-song score').locator('.abcjs-note.wrong:not(.wrong-length)').count()
    const lengthShown = await page.getByTestId('full-song score').locator('.abcjs-note.wrong-length').count()
    const svg = await download(() => page.getByRole('group', { name: 'export full-song prediction' }).getByRole('button', { name: 'SVG' }).click())
    expect(svg.name).toMatch(/ - full-song\.svg$/)
    expect(readFileSync(svg.path, 'utf8').match(/<g class="abcjs-note[^"]*" fill="#d0021b"/g) ?? []).toHaveLength(pitchShown)
    expect(readFileSync(svg.path, 'utf8').match(/<g class="abcjs-note[^"]*" fill="#d97706"/g) ?? []).toHaveLength(lengthShown)

    // Reload: the song and the run are still there, from the library on disk.
    await page.getByLabel('Melody in ABC').fill(nabiya.replace('T:나비야 (Butterfly)', 'T:Nabiya, edited'))
    await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
    await expect.poll(() => fileText(join(dataDir, 'song.json')), { timeout: 10_000 }).toContain('Nabiya, edited')
    await page.reload()
    await expect(page.getByLabel('Melody in ABC')).toHaveValue(/T:Nabiya, edited/)
    const runs = page.getByTestId('runs').getByRole('button', { name: /epochs:/ })
    await expect(runs).toHaveCount(1)
    await expect(runs).toHaveText([/stateful-lstm-2f, 20 epochs: one step \d+ %, full song \d+ %/])
    await runs.first().click()
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(oneStep ?? '')
    await page.screenshot({ path: `test-results/${kind}-reloaded.png`, fullPage: true })
    // The saved model predicts again without training, to the same notes.
    await page.getByRole('button', { name: 'predict again' }).click()
    await expect(page.getByTestId('results')).toContainText('0 epochs')
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(oneStep ?? '')
  }
}

export const corruptRunFileFlow: StudioFlow = {
  title: 'a corrupt run file is reported and skipped; the rest still loads',
  timeoutMs: 120_000,
  async run({ page, dataDir }) {
    // A run of its own first, so that there is a rest to load.
    await trainNabiyaBriefly(page)
    await expect(page.getByTestId('runs').getByRole('button', { name: /epochs:/ })).toHaveCount(1)
    mkdirSync(join(dataDir, 'runs'), { recursive: true })
    writeFileSync(join(dataDir, 'runs', 'zz-broken.json'), '{"runId": "run-x", "truncat')
    await reopenStudio(page)
    await expect(page.getByTestId('library-problems')).toHaveText(/runs\/zz-broken\.json .*; it was skipped/)
    await expect(page.getByTestId('runs').getByRole('button', { name: /epochs:/ })).toHaveCount(1)
    // Overlay the saved run on the chart, as the seed compares its models' curves.
    await page.getByTestId('runs').getByRole('checkbox').first().check()
    // epoch, then loss and accuracy for the saved run and for the current one.
    await expect(page.getByTestId('loss-chart').locator('.u-legend .u-series')).toHaveCount(5)
  }
}

export const stopAndTrainOnFlow: StudioFlow = {
  title: 'stop ends a long run between batches and keeps its work, which then trains on from where it stopped',
  timeoutMs: 120_000,
  async run({ page }) {
    await useNabiya(page)
    await page.getByTestId('model').selectOption('stateful-lstm')
    await page.getByTestId('epochs').fill('2000')
    // All 2000 epochs (the fast path would reach 100 % and stop within seconds).
    await page.getByLabel('stop at 100 %').uncheck()
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(page.getByTestId('training-status')).toHaveText(/epoch \d+\/2000/, { timeout: 60_000 })
    const clicked = Date.now()
    await page.getByRole('button', { name: 'Stop' }).click()
    const stopped = page.getByTestId('stopped-by-user')
    await expect(stopped).toHaveText(/^Stopped after epoch \d+; the model as it was then is kept/, { timeout: 30_000 })
    console.log(`stop took effect ${Date.now() - clicked} ms after the click`)
    const epoch = Number(/epoch (\d+)/.exec((await stopped.textContent()) ?? '')?.[1])
    await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', String(epoch))
    // The stopped run is a run like any other: it trains on, its epochs numbered on, its curve continued.
    await page.getByTestId('epochs').fill('5')
    await page.getByTestId('train-more').last().click()
    await expect(page.getByTestId('results')).toContainText(`${epoch + 5} epochs`, { timeout: 60_000 })
    await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', String(epoch + 5))
    await expect(page.getByTestId('runs-table').locator('tbody tr').last()).toContainText(`${epoch + 5}`)
  }
}

export const earlyStoppingFlow: StudioFlow = {
  title: 'early stopping on one song: the run stops when accuracy stops improving and says which epoch it kept',
  timeoutMs: 120_000,
  async run({ page }) {
    await useNabiya(page)
    await page.getByTestId('model').selectOption('stateful-lstm-2f')
    await page.getByLabel('stop at 100 %').uncheck()
    await page.getByText('Callbacks').click()
    // Validation figures are not offered without held-out songs.
    await expect(page.getByTestId('early-monitor').locator('option')).toHaveText(['loss', 'accuracy'])
    await page.getByTestId('early-stopping').check()
    await page.getByTestId('early-monitor').selectOption('accuracy')
    await page.getByTestId('early-patience').fill('5')
    await page.getByTestId('epochs').fill('1000')
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(page.getByTestId('stopped-early')).toHaveText(/Stopped early at epoch (\d+); the weights are those of epoch (\d+), the best\./, { timeout: 60_000 })
    const [, stopped, best] = /epoch (\d+);.*epoch (\d+)/.exec((await page.getByTestId('stopped-early').textContent()) ?? '') ?? []
    expect(Number(stopped) - Number(best)).toBe(5)
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(/^One step: \d+ % right/)
  }
}

export const deleteRunFlow: StudioFlow = {
  title: 'a run is deleted, its model with it, only after the second click',
  timeoutMs: 120_000,
  async run({ page, dataDir }) {
    await trainNabiyaBriefly(page)
    const runs = page.getByTestId('runs').getByRole('button', { name: /epochs:/ })
    await expect(runs).toHaveCount(1)
    const [record] = readdirSync(join(dataDir, 'runs'))
    const runId = record?.replace(/\.json$/, '') ?? ''
    expect(existsSync(join(dataDir, 'models', runId, 'model.json'))).toBe(true)
    // The first click only asks; keeping it changes nothing.
    await page.getByTestId('delete-run').click()
    await expect(page.getByRole('group', { name: 'Delete this run and its trained model for good?' })).toBeVisible()
    await page.getByRole('button', { name: 'keep it' }).click()
    await expect(runs).toHaveCount(1)
    await page.getByTestId('delete-run').click()
    await page.getByTestId('delete-run-yes').click()
    await expect(runs).toHaveCount(0)
    expect(existsSync(join(dataDir, 'runs', `${runId}.json`))).toBe(false)
    expect(existsSync(join(dataDir, 'models', runId))).toBe(false)
    await reopenStudio(page)
    await expect(page.getByTestId('runs')).toHaveText(/No runs yet/)
  }
}

export const compareBarByBarFlow: StudioFlow = {
  title: 'a prediction drawn under the song, bar by bar: the song above, the prediction below with its wrong notes red, each bar over the same bar',
  timeoutMs: 120_000,
  async run({ kind, page }) {
    await trainNabiyaBriefly(page)
    const songHeads = await page.getByTestId('song score').locator('.abcjs-note').count()
    const predictionHeads = await page.getByTestId('one-step score').locator('.abcjs-note').count()
    const wrong = Number(/(\d+) wrong/.exec((await page.getByTestId('one-step-accuracy').textContent()) ?? '')?.[1])
    // After three epochs the model gets pitches wrong and, at a right pitch, lengths: each kind its own mark, as many as the line says.
    const kinds = wrongKinds(await page.getByTestId('one-step-accuracy').textContent())
    expect(kinds.wrong).toBe(wrong)
    expect(kinds.pitch + kinds.length).toBe(wrong)
    const fullKinds = wrongKinds(await page.getByTestId('full-song-accuracy').textContent())
    console.log(`after 3 epochs: one step ${JSON.stringify(kinds)}, full song ${JSON.stringify(fullKinds)}`)
    expect(kinds.pitch + fullKinds.pitch, 'wrong pitches after 3 epochs').toBeGreaterThan(0)
    expect(kinds.length + fullKinds.length, 'wrong lengths after 3 epochs').toBeGreaterThan(0)
    await expectMarks(page.getByTestId('one-step score'), kinds)
    await expectMarks(page.getByTestId('full-song score'), fullKinds)
    await expect(page.getByTestId('one-step marks legend')).toHaveText(/red head: wrong pitch; .*L.* above: right pitch, wrong length/)
    await page.getByTestId('compare-with-song').check()
    const compare = page.getByTestId('one-step compare')
    await expect(compare).toBeVisible()
    await expect(page.getByTestId('one-step score')).toHaveCount(0)
    // Two staves: the song (voice 1) note for note, and the prediction (voice 2) with its red notes.
    await expect(compare.locator('.abcjs-note.abcjs-v0')).toHaveCount(songHeads)
    await expect(compare.locator('.abcjs-note.abcjs-v1')).toHaveCount(predictionHeads)
    await expect(compare.locator('.abcjs-note.abcjs-v1.wrong')).toHaveCount(wrong)
    await expect(compare.locator('.abcjs-note.abcjs-v0.wrong')).toHaveCount(0)
    // The same two marks in the prediction's voice, none in the song's.
    await expectMarks(compare, kinds, '.abcjs-v1')
    await expect(compare.locator('.abcjs-annotation.abcjs-v0')).toHaveCount(0)
    // Bar by bar: every bar line of the song stands over the prediction's bar line of the same bar.
    const barLines = await compare.evaluate((score) =>
      [...score.querySelectorAll('.abcjs-bar')].map((bar) => ({
        place: [...bar.classList].filter((name) => /^abcjs-[lm]\d+$/.test(name)).join(' '),
        voice: bar.classList.contains('abcjs-v0') ? 0 : 1,
        x: Math.round(bar.getBoundingClientRect().left),
        y: Math.round(bar.getBoundingClientRect().top)
      }))
    )
    const songBars = barLines.filter((bar) => bar.voice === 0)
    expect(songBars.length).toBeGreaterThan(3)
    for (const bar of songBars) {
      const under = barLines.find((other) => other.voice === 1 && other.place === bar.place)
      expect(under, `the prediction's bar line of ${bar.place}`).toBeDefined()
      expect(Math.abs((under?.x ?? 0) - bar.x)).toBeLessThanOrEqual(1)
      expect(under?.y ?? 0).toBeGreaterThan(bar.y)
    }
    await expect(page.getByTestId('full-song compare')).toBeVisible()
    await page.screenshot({ path: `test-results/${kind}-compare.png`, fullPage: true })
    await page.getByTestId('compare-with-song').uncheck()
    await expect(page.getByTestId('one-step score').locator('.abcjs-note')).toHaveCount(predictionHeads)
  }
}

export const projectFileFlow: StudioFlow = {
  title: 'a song and its run saved as a project file open again: the song in the editor, the run in the list, its result shown, its model usable',
  timeoutMs: 150_000,
  async run({ page, dataDir, download }) {
    await trainNabiyaBriefly(page)
    const runs = page.getByTestId('runs').getByRole('button', { name: /epochs:/ })
    await expect(runs).toHaveCount(1)
    const saved = await download(() => page.getByTestId('save-project').click())
    expect(saved.name).toMatch(/\.mstudio$/)
    // The file is plain JSON: the song as typed, the run's record and its model's files.
    const project = JSON.parse(readFileSync(saved.path, 'utf8'))
    expect(project).toMatchObject({ format: 'melody-studio-project', version: 1, song: { abc: NABIYA_ABC } })
    expect(project.runs).toHaveLength(1)
    const { record, model } = project.runs[0]
    expect(record).toMatchObject({ request: { abc: NABIYA_ABC }, result: { epochs: 3 } })
    expect(Object.keys(model)).toEqual(expect.arrayContaining(['model.json', 'weights.bin']))

    // The studio empties: its run deleted (the model with it) and another song typed.
    await page.getByTestId('delete-run').click()
    await page.getByTestId('delete-run-yes').click()
    await expect(runs).toHaveCount(0)
    expect(existsSync(join(dataDir, 'models', record.runId))).toBe(false)
    const editor = page.getByLabel('Melody in ABC')
    await editor.fill('X:1\nT:Something else\nK:C\nCDEF|\n')
    await expect(page.getByTestId('results')).toBeHidden()

    // Opened through the same Open as a song file: song, run and result back, the model on disk again.
    await page.getByTestId('open-file').setInputFiles({ name: saved.name, mimeType: 'application/json', buffer: readFileSync(saved.path) })
    await expect(editor).toHaveValue(NABIYA_ABC)
    await expect(runs).toHaveCount(1)
    await expect(page.getByTestId('results')).toContainText('3 epochs')
    expect(existsSync(join(dataDir, 'models', record.runId, 'weights.bin'))).toBe(true)
    // The model came back whole: it predicts again.
    await page.getByRole('button', { name: 'predict again' }).click()
    await expect(page.getByTestId('results')).toContainText('0 epochs', { timeout: 30_000 })
    await expect(page.getByTestId('training-error')).toBeHidden()

    // A file that is not a project is refused beside the button, in words.
    await page.getByTestId('open-file').setInputFiles({ name: 'broken.mstudio', mimeType: 'application/json', buffer: Buffer.from('{"format":"something"}') })
    await expect(page.getByTestId('import-problem')).toContainText('this is not a Melody Studio project')
  }
}
