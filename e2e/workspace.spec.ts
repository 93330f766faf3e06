import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, NABIYA_ABC, openStudio, test, trainNabiyaBriefly, useNabiya } from './fixtures'

// The studio as a musician uses it (issue 15): a workspace that keeps Train, the curve and the
// result on screen, the keyboard, the `?` sheet, the end of a run announced, and axe's check.
// Web mode, each test with its own server and data folder (fixtures.ts).

/** The element's box lies inside the window as it is, without the page scrolled. */
async function expectOnScreen(page: Page, locator: Locator, what: string): Promise<{ x: number; y: number; width: number; height: number }> {
  await expect(locator, what).toBeVisible()
  const box = await locator.boundingBox()
  const viewport = page.viewportSize()
  expect(box, what).not.toBeNull()
  expect(viewport).not.toBeNull()
  const { x, y, width, height } = box!
  expect({ what, left: x >= 0, top: y >= 0, right: x + width <= viewport!.width + 0.5, bottom: y + height <= viewport!.height + 0.5 }).toEqual({
    what,
    left: true,
    top: true,
    right: true,
    bottom: true
  })
  return box!
}

const pageScroll = (page: Page) => page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }))

/** Serious and critical violations axe finds on the page, as `rule: target` lines (empty when none). */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${node.failureSummary ?? ''}`))
}

/** Presses Space and waits until the song plays (a score just drawn plays at once: the player no longer stops as it starts). */
async function startWithSpace(page: Page): Promise<void> {
  await page.keyboard.press('Space')
  await expect(page.getByTestId('song score')).toHaveAttribute('data-playing', 'true')
}

for (const size of [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 }
]) {
  test(`at ${size.width}×${size.height} the editor, Train, the curve and the result are on screen without scrolling`, async ({ page, studio }) => {
    test.setTimeout(120_000)
    await page.setViewportSize(size)
    await openStudio(page, studio.url)
    const editor = await expectOnScreen(page, page.getByLabel('Melody in ABC'), 'editor')
    const train = await expectOnScreen(page, page.getByRole('button', { name: 'Train' }), 'Train button')
    await expectOnScreen(page, page.getByTestId('loss-chart'), 'loss chart')
    await trainNabiyaBriefly(page)
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(/^One step: \d+ % right/)
    await expectOnScreen(page, page.getByRole('button', { name: 'Train' }), 'Train button after the run')
    await expectOnScreen(page, page.getByTestId('loss-chart'), 'loss chart after the run')
    const heading = await expectOnScreen(page, page.getByRole('heading', { name: 'Results' }), 'results heading')
    await expectOnScreen(page, page.getByTestId('one-step-accuracy'), 'one-step accuracy')
    expect(await pageScroll(page)).toEqual({ x: 0, y: 0 })
    // Side by side: the song, then the model and its training, then the results, left to right.
    expect(editor.x + editor.width).toBeLessThanOrEqual(train.x)
    expect(train.x).toBeLessThan(heading.x)
    if (size.width >= 1900) {
      // The width is used: the results start past the middle, the runs have a column of their own.
      expect(heading.x).toBeGreaterThan(size.width / 2)
      await expectOnScreen(page, page.getByRole('heading', { name: 'Runs', exact: true }), 'runs heading')
    }
    await page.screenshot({ path: `test-results/workspace-${size.width}x${size.height}.png` })
  })
}

test('on a narrow window the panes stack, one under another', async ({ page, studio }) => {
  await page.setViewportSize({ width: 600, height: 900 })
  await openStudio(page, studio.url)
  const editor = await page.getByLabel('Melody in ABC').boundingBox()
  const train = await page.getByRole('button', { name: 'Train' }).boundingBox()
  expect(train!.y).toBeGreaterThan(editor!.y + editor!.height)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(600)
  await page.screenshot({ path: 'test-results/workspace-600x900.png', fullPage: true })
})

test('keyboard only: type, Tab around, Ctrl+Enter trains, the end is announced, Esc stops a long run, Space plays and stops', async ({ page, studio }) => {
  test.setTimeout(180_000)
  await page.setViewportSize({ width: 1280, height: 800 })
  await openStudio(page, studio.url)
  const editor = page.getByLabel('Melody in ABC')
  await editor.focus()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.insertText(NABIYA_ABC)
  await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
  // The opening song has 54 notes too: wait for the score of the typed text (it has no C: line),
  // else its redraw arrives mid-play and, rightly, stops the player.
  await expect(page.getByTestId('song score')).toHaveAttribute('data-abc', /^(?![\s\S]*\nC:)/)
  // From the editor Tab goes on to the song's player, and Space on it plays and stops it.
  await page.keyboard.press('Tab')
  const play = page.getByRole('button', { name: 'play song score' })
  await expect(play).toBeFocused()
  await expect(play).toHaveAttribute('title', /Space/)
  await startWithSpace(page)
  await expect(page.getByRole('button', { name: 'stop song score' })).toBeFocused()
  await page.keyboard.press('Space')
  await expect(page.getByTestId('song score')).toHaveAttribute('data-playing', 'false')
  await expect(play).toBeFocused()
  // Every control is reached by Tab: on from the player to the model's choice and the epochs.
  const model = page.getByTestId('model')
  for (let i = 0; i < 40 && !(await model.evaluate((element) => element === document.activeElement)); i++) await page.keyboard.press('Tab')
  await expect(model).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('epochs')).toBeFocused()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type('3')

  // Ctrl+Enter trains from wherever focus is; the status line says when the run is over.
  await editor.focus()
  await expect(page.getByRole('button', { name: 'Train' })).toHaveAttribute('title', /Ctrl\+Enter|⌘Enter/)
  await page.keyboard.press('ControlOrMeta+Enter')
  const finished = page.getByTestId('training-finished')
  await expect(finished).toHaveText(/^Finished: \d+ % one-step after 3 epochs in \d+\.\d s$/, { timeout: 60_000 })
  await expect(page.getByTestId('training-status')).toHaveAttribute('aria-live', 'polite')
  await expect(page.getByTestId('results')).toBeVisible()
  // In Korean too.
  await page.getByTestId('language').selectOption('ko')
  await expect(finished).toHaveText(/^완료: 3 에포크/)
  await page.getByTestId('language').selectOption('en')
  await expect(finished).toHaveText(/^Finished:/)

  // A long run, stopped with Esc.
  await page.getByTestId('epochs').fill('2000')
  await page.getByLabel('stop at 100 %').uncheck()
  await editor.focus()
  await page.keyboard.press('ControlOrMeta+Enter')
  await expect(finished).toHaveCount(0)
  await expect(page.getByTestId('training-status')).toHaveText(/epoch \d+\/2000/, { timeout: 60_000 })
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('stopped-by-user')).toHaveText(/^Stopped after epoch \d+/, { timeout: 30_000 })
  await expect(finished).toHaveText(/^Finished: \d+ % one-step after \d+ epochs/)

  // Space plays and stops the song when focus is on no field.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await startWithSpace(page)
  await expect(page.getByRole('button', { name: 'stop song score' })).toBeVisible()
  await page.keyboard.press('Space')
  await expect(page.getByTestId('song score')).toHaveAttribute('data-playing', 'false')
  await expect(play).toBeVisible()
  expect(await pageScroll(page)).toEqual({ x: 0, y: 0 })

  // Space in the editor is a space, not playback.
  await editor.focus()
  await page.keyboard.press('ControlOrMeta+End')
  await page.keyboard.press('Space')
  await expect(editor).toHaveValue(/ $/)
  await expect(page.getByTestId('song score')).toHaveAttribute('data-playing', 'false')
})

test('Ctrl+O opens a file, Ctrl+S saves the song and its runs as a project, Ctrl+E moves to the export buttons', async ({ page, studio }) => {
  await openStudio(page, studio.url)
  await useNabiya(page)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  const chooser = page.waitForEvent('filechooser')
  await page.keyboard.press('ControlOrMeta+O')
  await (await chooser).setFiles([])
  const download = page.waitForEvent('download')
  await page.keyboard.press('ControlOrMeta+S')
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.mstudio$/)
  expect(JSON.parse(readFileSync(await file.path(), 'utf8'))).toMatchObject({ format: 'melody-studio-project', song: { abc: expect.stringContaining('K:') } })
  await page.keyboard.press('ControlOrMeta+E')
  await expect(page.getByRole('group', { name: 'export song' }).getByRole('button').first()).toBeFocused()
})

test('the ? sheet lists every shortcut, opens with ? or its button, and closes with Esc', async ({ page, studio }) => {
  await openStudio(page, studio.url)
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(sheet).toBeHidden()
  await page.keyboard.press('?')
  await expect(sheet).toBeVisible()
  for (const keys of ['Space', /^(Ctrl\+|⌘)Enter$/, 'Esc', /^(Ctrl\+|⌘)O$/, /^(Ctrl\+|⌘)S$/, /^(Ctrl\+|⌘)E$/, '?']) {
    await expect(sheet.locator('kbd').filter({ hasText: keys }).first()).toBeVisible()
  }
  await expect(sheet).toContainText('Save the song and its runs as a project file')
  await page.keyboard.press('Escape')
  await expect(sheet).toBeHidden()
  // Typing ? in the editor is a question mark.
  await page.getByLabel('Melody in ABC').focus()
  await page.keyboard.press('?')
  await expect(sheet).toBeHidden()
  // The visible button, by keyboard.
  const button = page.getByRole('button', { name: 'Keyboard shortcuts (?)' })
  await button.focus()
  await page.keyboard.press('Enter')
  await expect(sheet).toBeVisible()
  await sheet.getByRole('button', { name: 'Close' }).click()
  await expect(sheet).toBeHidden()
  await page.screenshot({ path: 'test-results/workspace-shortcuts.png' })
})

test('axe finds no serious or critical violations, on opening and with results shown', async ({ page, studio }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 800 })
  await openStudio(page, studio.url)
  expect(await seriousViolations(page)).toEqual([])
  await trainNabiyaBriefly(page)
  await expect(page.getByTestId('training-finished')).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await page.keyboard.press('?')
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await page.keyboard.press('Escape')
  // And in Korean: the page's language, labels and names change, not what axe finds.
  await page.getByTestId('language').selectOption('ko')
  await expect(page.getByRole('heading', { name: '노래', exact: true })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko')
  expect(await seriousViolations(page)).toEqual([])
})

test('an error is shown beside the button that caused it, in plain words, on screen', async ({ page, studio, dataDir }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 800 })
  await openStudio(page, studio.url)
  /** The error's top is within a few lines under its button, and both are on screen. */
  const expectBeside = async (button: Locator, error: Locator, what: string) => {
    const buttonBox = await expectOnScreen(page, button, `${what}: its button`)
    const errorBox = await expectOnScreen(page, error, `${what}: its error`)
    const gap = errorBox.y - (buttonBox.y + buttonBox.height)
    expect({ what, gap: gap >= -buttonBox.height && gap <= 80 }).toEqual({ what, gap: true })
  }
  // A damaged MIDI file: the import's error under Open.
  const broken = test.info().outputPath('broken.mid')
  writeFileSync(broken, readFileSync(join(process.cwd(), '../shared/corpus/nottingham/midi/jigs1.mid')).subarray(0, 60))
  await page.getByTestId('open-file').setInputFiles(broken)
  await expectBeside(page.getByRole('button', { name: 'Open' }), page.getByTestId('import-problem'), 'opening a damaged file')
  await expect(page.getByTestId('import-problem')).toHaveText(/damaged or truncated/)

  // A run whose saved model has gone from the disk: continuing it fails, under Continue.
  await trainNabiyaBriefly(page)
  const [record] = readdirSync(join(dataDir, 'runs'))
  rmSync(join(dataDir, 'models', record?.replace(/\.json$/, '') ?? '', 'model.json'))
  const continueButton = page.getByRole('button', { name: 'Continue', exact: true })
  await continueButton.scrollIntoViewIfNeeded()
  await continueButton.click()
  const problem = page.getByTestId('continue-problem')
  await expectBeside(continueButton, problem, 'continuing a run without its model')
  // Plain words that say what to do, not a dump of codes: one short paragraph, details folded.
  const said = (await problem.evaluate((element) => element.firstChild?.textContent ?? '')).trim()
  console.log(`continue error as shown: ${said}`)
  expect(said.length).toBeGreaterThan(10)
  expect(said.length).toBeLessThanOrEqual(200)
  expect(said).not.toMatch(/"code"|\bat \w+ \(|\{|\[|ENOENT/)
  expect(said).toMatch(/trained model is missing or damaged.*train the song again/)
  // Which file and why are there, folded away.
  await expect(problem.locator('details')).toContainText('model.json cannot be read (ENOENT)')
  await page.screenshot({ path: 'test-results/workspace-error-beside.png' })
})

test('the chart: ticks on whole epochs, each axis in its curves’ colour with a legend, runs overlaid by name', async ({ page, studio }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1280, height: 800 })
  await openStudio(page, studio.url)
  const chart = page.getByTestId('loss-chart')
  await trainNabiyaBriefly(page, 3)
  await expect(chart).toHaveAttribute('data-epoch-ticks', '1 2 3')
  // A second run of another model, then the first overlaid: both named in the legend.
  await page.getByTestId('model').selectOption('stateful-lstm')
  await page.getByTestId('epochs').fill('7')
  await page.getByLabel('stop at 100 %').uncheck()
  await page.getByRole('button', { name: 'Train' }).click()
  await expect(chart).toHaveAttribute('data-points', '7', { timeout: 60_000 })
  await expect(page.getByTestId('training-finished')).toBeVisible({ timeout: 60_000 })
  const ticks = ((await chart.getAttribute('data-epoch-ticks')) ?? '').split(' ')
  expect(ticks.length).toBeGreaterThan(1)
  for (const tick of ticks) expect(tick).toMatch(/^[1-7]$/)
  await page.getByTestId('runs').getByRole('listitem').filter({ hasText: '3 epochs' }).getByRole('checkbox').check()
  const legend = chart.locator('.u-legend .u-series')
  // epoch, then loss and accuracy for the overlaid run and for the one shown.
  await expect(legend).toHaveCount(5)
  const entries = await legend.evaluateAll((rows) =>
    rows.map((row) => ({ label: row.querySelector('.u-label')?.textContent ?? '', colour: getComputedStyle(row.querySelector('.u-marker') ?? row).borderColor }))
  )
  expect(entries.slice(1).map((entry) => entry.label)).toEqual([
    expect.stringMatching(/^loss \(나비야 \(Butterfly\) · stateful-lstm-2f · 3 epochs\)/),
    expect.stringMatching(/^accuracy \(나비야 \(Butterfly\) · stateful-lstm-2f · 3 epochs\)/),
    expect.stringMatching(/^loss \(.*stateful-lstm\b.*7 epochs\)/),
    expect.stringMatching(/^accuracy \(.*stateful-lstm\b.*7 epochs\)/)
  ])
  // Loss in blue, accuracy in orange, as their axes (the overlaid run lighter).
  expect(entries.slice(1).map((entry) => entry.colour)).toEqual(['rgba(31, 111, 235, 0.55)', 'rgba(212, 112, 10, 0.55)', 'rgb(31, 111, 235)', 'rgb(212, 112, 10)'])
  await chart.screenshot({ path: 'test-results/workspace-chart-overlay.png' })
})

test('Train right after a keystroke trains the text as typed, and a text with errors not at all', async ({ page, studio, dataDir }) => {
  test.setTimeout(120_000)
  await openStudio(page, studio.url)
  await useNabiya(page)
  await page.getByTestId('epochs').fill('2')
  // A new title, and Train pressed before the editor's reading of it (150 ms after the last key) is back.
  const editor = page.getByLabel('Melody in ABC')
  await editor.fill(NABIYA_ABC.replace(/^T:.*$/m, 'T:Typed just now'))
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 })
  const [record] = readdirSync(join(dataDir, 'runs'))
  const saved = JSON.parse(readFileSync(join(dataDir, 'runs', record ?? ''), 'utf8')) as { request: { abc: string; melody: { title: string } } }
  expect(saved.request.melody.title).toBe('Typed just now')
  expect(saved.request.abc).toContain('T:Typed just now')
  // Broken text: nothing trains, and the reason is said beside Train.
  await editor.fill('X:1\nT:Broken\nK:C\n|]\n')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('training-error')).toHaveText(/^The song in the editor has errors \(listed under it\): fix them, then train/)
  expect(readdirSync(join(dataDir, 'runs'))).toHaveLength(1)
})
