import { expect, type Locator } from '@playwright/test'
import { useNabiya, type StudioFlow } from './studioUnderTest'

/** A column's figures at its current step, from its data attributes. */
async function stepFigures(column: Locator) {
  const read = async (name: string) => (await column.getAttribute(name)) ?? ''
  return {
    step: Number(await read('data-step')),
    inputs: await read('data-inputs'),
    trueProbability: Number(await read('data-true-probability')),
    trueCode: await read('data-true-code'),
    predictedCode: await read('data-predicted-code'),
    ambiguousWith: (await read('data-ambiguous-with')).split(' ').filter(Boolean).map(Number),
    // The top candidates (the true next note, where it is not among them, comes after them)
    bars: await column.locator('[data-testid="memory-bar"][data-in-top="true"]').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-code')}=${row.getAttribute('data-probability')}`))
  }
}

export const memoryFlow: StudioFlow = {
  title: 'the memory panel: a stateful and a stateless LSTM side by side, sure of every note and lost at the two e8 e8 e8 e8 windows',
  timeoutMs: 240_000,
  async run({ kind, page }) {
    // The panel must leave Train and the results on screen at 1280×800 (the panes scroll inside).
    if (kind === 'web') await page.setViewportSize({ width: 1280, height: 800 })
    await useNabiya(page)
    const runs = page.getByTestId('runs').getByRole('button', { name: /epochs:/ })

    // The seed's model 2, stateless: all 2000 epochs (it cannot reach 100 %: two windows are the same).
    await page.getByTestId('model').selectOption('lstm')
    await page.getByTestId('epochs').fill('2000')
    await page.getByLabel('stop at 100 %').uncheck()
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(runs).toHaveCount(1, { timeout: 180_000 })
    await expect(page.getByTestId('results')).toContainText('2000 epochs')

    // The seed's model 4, stateful with two features, until perfect.
    await page.getByTestId('model').selectOption('stateful-lstm-2f')
    await page.getByTestId('epochs').fill('400')
    await page.getByLabel('stop at 100 %').check()
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(runs).toHaveCount(2, { timeout: 180_000 })
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(/One step: 100 % right, 0 wrong/)

    // Open the panel: the shown run (stateful) and, beside it by default, the stateless run of the same song.
    const panel = page.getByTestId('memory-panel')
    await panel.locator('> summary').click()
    const columns = panel.getByTestId('memory-trace')
    await expect(columns).toHaveCount(2, { timeout: 60_000 })
    const stateful = columns.nth(0)
    const stateless = columns.nth(1)
    await expect(stateful).toHaveAttribute('data-model', 'stateful-lstm-2f')
    await expect(stateful).toHaveAttribute('data-stateful', 'true')
    await expect(stateless).toHaveAttribute('data-model', 'lstm')
    await expect(stateless).toHaveAttribute('data-stateful', 'false')
    await expect(stateful).toHaveAttribute('data-steps', '50')
    await expect(stateless).toHaveAttribute('data-steps', '50')
    await expect(stateful).toHaveAttribute('data-full-song', 'false')
    // Both have heat maps of h and c.
    for (const column of [stateful, stateless]) {
      await expect(column.getByTestId('memory-heat-h')).toBeVisible()
      await expect(column.getByTestId('memory-heat-c')).toBeVisible()
    }
    if (kind === 'web') {
      await expect(page.getByRole('button', { name: 'Train' })).toBeInViewport()
      await expect(page.getByTestId('results')).toBeInViewport()
    }
    await page.screenshot({ path: `test-results/${kind}-memory-panel.png` })

    // Step through the walk with the slider's arrow keys: the stateful model is sure of every next note.
    const slider = panel.getByTestId('memory-step')
    await slider.focus()
    await slider.press('Home')
    const ambiguousSteps = ((await stateless.getAttribute('data-ambiguous-steps')) ?? '').split(' ').filter(Boolean).map(Number)
    // 나비야 has four windows that come again with another note next (f8 d8 d4 c8, e8 e8 e8 f8, d8 d8 d8 d8, e8 e8 e8 e8).
    expect(ambiguousSteps).toEqual([3, 14, 17, 27, 28, 34, 35, 36, 44])
    await expect(stateful).toHaveAttribute('data-ambiguous-steps', ambiguousSteps.join(' '))
    const seen: Record<number, { stateful: Awaited<ReturnType<typeof stepFigures>>; stateless: Awaited<ReturnType<typeof stepFigures>> }> = {}
    let leastSure = 1
    for (let step = 0; step < 50; step++) {
      await expect(stateful).toHaveAttribute('data-step', String(step))
      await expect(stateless).toHaveAttribute('data-step', String(step))
      const figures = { stateful: await stepFigures(stateful), stateless: await stepFigures(stateless) }
      expect(figures.stateful.trueProbability, `the true next note's probability at step ${step}`).toBeGreaterThan(0.5)
      expect(figures.stateful.predictedCode).toBe(figures.stateful.trueCode)
      // The true next note is always among the bars, marked.
      await expect(stateful.locator('[data-testid="memory-bar"][data-truth="true"]')).toHaveCount(1)
      leastSure = Math.min(leastSure, figures.stateful.trueProbability)
      seen[step] = figures
      if (step < 49) await slider.press('ArrowRight')
    }
    console.log(`stateful-lstm-2f: the true next note's probability is ${leastSure.toFixed(3)} at least over the 50 steps`)

    // The stateless model at the two e8 e8 e8 e8 windows: the same notes in, the same bars, two different true next notes.
    const pair = Object.entries(seen).flatMap(([step, figures]) => (figures.stateless.inputs === 'e8 e8 e8 e8' ? [Number(step)] : []))
    expect(pair).toHaveLength(2)
    const [first, second] = pair as [number, number]
    // Wherever a window comes again, the stateless model's bars are the same; the stateful model is right each time.
    for (const step of ambiguousSteps) {
      for (const other of seen[step]!.stateless.ambiguousWith) {
        expect(seen[other]!.stateless.inputs).toBe(seen[step]!.stateless.inputs)
        expect(seen[other]!.stateless.bars).toEqual(seen[step]!.stateless.bars)
        expect(seen[other]!.stateless.trueCode).not.toBe(seen[step]!.stateless.trueCode)
      }
    }
    const a = seen[first]!.stateless
    const b = seen[second]!.stateless
    expect(a.ambiguousWith).toEqual([second])
    expect(b.ambiguousWith).toEqual([first])
    expect([a.trueCode, b.trueCode]).toEqual(['e8', 'f8'])
    expect(b.bars).toEqual(a.bars)
    expect(b.predictedCode).toBe(a.predictedCode)
    // The stateful model tells them apart.
    expect([seen[first]!.stateful.predictedCode, seen[second]!.stateful.predictedCode]).toEqual(['e8', 'f8'])
    console.log(`lstm at steps ${first + 1} and ${second + 1} (e8 e8 e8 e8): predicted ${a.predictedCode} both times; bars ${a.bars.join(', ')}`)

    // The caption says so, the notes named; the heat map marks the step.
    await slider.fill(String(second))
    await expect(stateless).toHaveAttribute('data-step', String(second))
    await expect(stateless.getByTestId('memory-ambiguous')).toHaveText(
      `Same 4 notes in as step ${first + 1} (e8 e8 e8 e8), different note next: f8 here, e8 there. A model that sees only these notes cannot tell them apart.`
    )
    await expect(stateful.getByTestId('memory-ambiguous')).toContainText('Only the state it carries can tell them apart.')
    await panel.screenshot({ path: `test-results/${kind}-memory-ambiguous.png` })

    // Playing the one-step score moves the step along with the notes.
    await slider.press('Home')
    await expect(stateful).toHaveAttribute('data-step', '0')
    await page.getByRole('button', { name: 'play one-step score' }).click()
    // Scrolled to the panel (the results pane scrolls inside itself): it goes on following the notes.
    await panel.locator('> summary').scrollIntoViewIfNeeded()
    await expect.poll(async () => Number(await stateful.getAttribute('data-step')), { timeout: 20_000 }).toBeGreaterThan(1)
    await page.screenshot({ path: `test-results/${kind}-memory-playing.png` })
    await page.getByRole('button', { name: 'stop one-step score' }).click()

    // The full song (its own notes fed back): traced again, and it follows the full-song score.
    await panel.getByTestId('memory-full-song').check()
    await expect(stateful).toHaveAttribute('data-full-song', 'true', { timeout: 60_000 })
    await expect(stateless).toHaveAttribute('data-full-song', 'true', { timeout: 60_000 })
    await expect(stateful).toHaveAttribute('data-steps', '50')
    await slider.press('Home')
    await page.getByRole('button', { name: 'play full-song score' }).click()
    await panel.locator('> summary').scrollIntoViewIfNeeded()
    await expect.poll(async () => Number(await stateful.getAttribute('data-step')), { timeout: 20_000 }).toBeGreaterThan(1)
    await page.getByRole('button', { name: 'stop full-song score' }).click()
    await panel.getByTestId('memory-full-song').uncheck()

    // In Korean too.
    await page.getByTestId('language').selectOption('ko')
    await expect(stateless.getByTestId('memory-caption')).toContainText('50단계 중')
    await page.getByTestId('language').selectOption('en')
  }
}
