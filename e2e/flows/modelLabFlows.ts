import { expect } from '@playwright/test'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileText, useNabiya, type StudioFlow } from './studioUnderTest'

export const modelLabFlow: StudioFlow = {
  title: 'the model lab: a GRU stack from JSON with its summary, trained, then the song continued in two variations',
  timeoutMs: 120_000,
  async run({ kind, page }) {
    await useNabiya(page)
    await page.getByTestId('model').selectOption('lstm')
    await page.getByText('Options').click()
    await page.getByTestId('layers').fill('[{"type": "embedding", "outputDim": 8}, {"type": "gru", "units": 16}]')
    const summary = page.getByTestId('layer-summary')
    await summary.locator('summary').click()
    // Embedding 12·8, GRU 3·(16·(8+16)+16), the output Dense 16·12+12
    await expect(summary.locator('tbody tr')).toHaveText([/embedding.*\(None, 4, 8\).*96/, /gru.*\(None, 16\).*1,200/, /dense \(output\).*\(None, 12\).*204/])
    await expect(page.getByTestId('model-description')).toHaveText(/1,500 parameters/)
    // A stack: no "Connected to" column (Keras prints one only for functional models).
    await expect(summary.locator('th')).toHaveText(['Layer', 'Output shape', 'Parameters'])
    // The picture, as plot_model draws it: the input, a box per layer, an arrow down to each.
    const picture = page.getByTestId('model-picture')
    await picture.locator('summary').click()
    const svg = picture.locator('svg')
    await expect(svg).toBeVisible()
    await expect(svg.locator('g[data-layer]')).toHaveCount(4)
    expect(await svg.locator('g[data-layer]').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('data-layer')))).toEqual(['input', 'embedding', 'gru', 'dense (output)'])
    await expect(svg.locator('g[data-layer="gru"] text')).toHaveText(['gru: GRU', 'input: (None, 4, 8)', 'output: (None, 16)'])
    expect(await svg.locator('path[data-edge]').evaluateAll((arrows) => arrows.map((arrow) => arrow.getAttribute('data-edge')))).toEqual([
      'input->embedding',
      'embedding->gru',
      'gru->dense (output)'
    ])
    // Drawn at a size: every box has width and height on the page, inside the pane.
    for (const box of await svg.locator('g[data-layer] rect').all()) expect((await box.boundingBox())?.height).toBeGreaterThan(10)
    mkdirSync('test-results', { recursive: true })
    writeFileSync(`test-results/${kind}-model-picture.svg`, await svg.evaluate((element) => element.outerHTML))
    // The Train button stays on screen beside it (the model's section scrolls by itself).
    await expect(page.getByRole('button', { name: 'Train' })).toBeInViewport()
    // A stack the schema refuses is named at its field, next to the editor, and cannot be trained.
    await page.getByTestId('layers').fill('[{"type": "embedding", "outputDim": 8}, {"type": "gru"}]')
    await expect(page.getByTestId('layers-problem')).toHaveText(/^Layers: layers\[2\]\.units: /)
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled()
    // A stack the schema takes but the engine cannot build says why and cannot be trained.
    await page.getByTestId('layers').fill('[{"type": "gru", "units": 16}, {"type": "gru", "units": 8}]')
    await expect(page.getByTestId('layers-problem')).toBeHidden()
    await expect(page.getByTestId('model-description')).toHaveText(/layer 2 \(gru\) needs a sequence/)
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled()
    await page.getByTestId('layers').fill('[{"type": "embedding", "outputDim": 8}, {"type": "gru", "units": 16}]')
    await page.getByTestId('epochs').fill('5')
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 })
    await expect(page.getByTestId('results')).toContainText('1,500 parameters')
    await page.getByTestId('continue-bars').fill('4')
    await page.getByTestId('variations').fill('2')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    for (const seed of [1, 2]) await expect(page.getByTestId(`continuation ${seed}`).locator('.abcjs-note').first()).toBeVisible({ timeout: 30_000 })
    // the runs so far, side by side
    await expect(page.getByTestId('runs-table').locator('tbody tr').last()).toContainText('lstm ✎')
  }
}

export const corpusFlow: StudioFlow = {
  title: 'train on many songs: held-out validation curves, early stopping, a held-out tune predicted, the metrics as CSV, the editor’s tune continued',
  timeoutMs: 240_000,
  async run({ kind, page, download }) {
    const reels = join(process.cwd(), '../shared/corpus/nottingham/abc/reelsu-z.abc')
    await page.getByTestId('model').selectOption('lstm')
    await page.getByText('Options').click()
    await page.getByTestId('units').fill('32')
    await page.getByTestId('batch').fill('64')
    await page.getByText('Train on many songs').click()
    await page.getByTestId('corpus-files').setInputFiles([reels, join(process.cwd(), '../shared/corpus/nottingham/midi/jigs1.mid')])
    await expect(page.getByTestId('corpus-count')).toHaveText(/^2 file\(s\)/)
    await page.getByTestId('use-corpus').check()
    await page.getByTestId('validation-share').fill('0.2')
    await page.getByTestId('transpose').fill('1')
    // Validation figures can be watched only now that songs are held out.
    await page.getByText('Callbacks').click()
    await page.getByTestId('early-stopping').check()
    await page.getByTestId('early-monitor').selectOption('val_loss')
    await page.getByTestId('early-patience').fill('2')
    await page.getByTestId('epochs').fill('8')
    await page.getByRole('button', { name: 'Train on 2 file(s)' }).click()
    await expect(page.getByTestId('training-status')).toContainText('validation loss', { timeout: 60_000 })
    await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-validation', 'true')
    const results = page.getByTestId('results')
    await expect(results).toBeVisible({ timeout: 180_000 })
    // 34 reels and one jig: 7 held out at 0.2
    await expect(page.getByTestId('corpus-summary')).toContainText(/Trained on 28 songs \(\+\d+ transposed\), 7 held out/)
    await expect(page.getByTestId('corpus-summary')).toContainText(/held-out song it never trained on: (reelsu-z\.abc X:\d+|jigs1\.mid)/)
    await expect(page.getByTestId('one-step score').locator('.abcjs-note').first()).toBeVisible()
    await expect(page.getByTestId('runs-table').locator('tbody tr').last()).toContainText(/^lstm28 songs.*\d+ %$/)
    const metrics = await download(() => page.getByTestId('metrics-csv').last().click())
    const csv = readFileSync(metrics.path, 'utf8').trim().split('\n')
    expect(csv[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,elapsed_ms')
    expect(csv.length - 1).toBeGreaterThanOrEqual(1)
    // The editor's own tune (a reel of the same book) continued by the corpus model, greedy.
    const text = readFileSync(reels, 'utf8')
    await page.getByLabel('Melody in ABC').fill(text.slice(text.indexOf('X: 1\n'), text.indexOf('X: 2\n')))
    await expect(page.getByTestId('song-status')).toHaveText(/^146 notes/)
    await page.getByTestId('continue-editor-song').check()
    await page.getByTestId('temperature').fill('0')
    await page.getByTestId('variations').fill('1')
    await page.getByTestId('continue-bars').fill('2')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    const continuation = page.getByTestId('continuation 1')
    await expect(continuation.locator('.abcjs-note').first()).toBeVisible({ timeout: 30_000 })
    const primeNotes = await page.getByTestId('song score').locator('.abcjs-note').count()
    expect(await continuation.locator('.abcjs-note').count()).toBeGreaterThan(primeNotes)
    await page.screenshot({ path: `test-results/${kind}-corpus.png`, fullPage: true })
  }
}

export const corpusSequenceFlow: StudioFlow = {
  title: 'train on many songs by whole sequences: the scheme chosen in the form, the run recorded, summarised and listed as sequence',
  timeoutMs: 90_000,
  async run({ page, dataDir }) {
    // Five short MIDI jigs, one held out: a corpus that trains in seconds.
    const jigs = ['jigs1', 'jigs2', 'jigs3', 'jigs4', 'jigs5'].map((name) => join(process.cwd(), `../shared/corpus/nottingham/midi/${name}.mid`))
    await page.getByTestId('model').selectOption('lstm')
    await page.getByText('Options').click()
    await page.getByTestId('units').fill('16')
    await page.getByTestId('batch').fill('4')
    await page.getByText('Train on many songs').click()
    await page.getByTestId('corpus-files').setInputFiles(jigs)
    await expect(page.getByTestId('corpus-count')).toHaveText(/^5 file\(s\)/)
    await page.getByTestId('use-corpus').check()
    await page.getByTestId('validation-share').fill('0.2')
    // Until one is chosen the form shows the model's default, whole sequences for an LSTM and
    // windows for an MLP, and says what each scheme does; a choice, once made, stays.
    const scheme = page.getByTestId('corpus-scheme')
    const help = page.getByTestId('corpus-scheme-help')
    await expect(scheme).toHaveValue('sequence')
    await expect(help).toContainText('every note is predicted')
    await page.getByTestId('model').selectOption('mlp')
    await expect(scheme).toHaveValue('windows')
    await expect(help).toContainText('predicts the one note after it')
    await page.getByTestId('model').selectOption('lstm')
    await expect(scheme).toHaveValue('sequence')
    await scheme.selectOption('windows')
    await expect(help).toContainText('predicts the one note after it')
    await page.getByTestId('model').selectOption('stateful-lstm')
    await expect(scheme).toHaveValue('windows')
    await page.getByTestId('model').selectOption('lstm')
    await scheme.selectOption('sequence')
    await expect(scheme.locator('option:checked')).toHaveText('Whole sequences (loss at every step)')
    await expect(help).toContainText('every note is predicted')
    await page.getByTestId('epochs').fill('2')
    await page.getByRole('button', { name: 'Train on 5 file(s)' }).click()
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 })
    const summary = page.getByTestId('corpus-summary')
    await expect(summary).toContainText(/Trained on 4 songs \(\+\d+ transposed\), 1 held out; \d+ notes in the vocabulary; [\d,]+ steps\./)
    await expect(page.getByTestId('corpus-summary-scheme')).toHaveText('Training scheme: Whole sequences (loss at every step).')
    await expect(page.getByTestId('runs-table').locator('tbody tr').last()).toContainText(/^lstm4 songs, whole sequences/)
    // The run's record on disk keeps the scheme, in its request and its result's summary.
    const runs = join(dataDir, 'runs')
    const records = () => (existsSync(runs) ? readdirSync(runs).filter((name) => name.endsWith('.json')) : [])
    await expect.poll(() => records().length, { timeout: 10_000 }).toBe(1)
    const [file] = records()
    const record = JSON.parse(fileText(join(runs, file ?? ''))) as { request: { corpus: { scheme?: string } }; result: { corpus: { scheme?: string }; epochs: number } }
    expect(record.request.corpus.scheme).toBe('sequence')
    expect(record.result.corpus.scheme).toBe('sequence')
    expect(record.result.epochs).toBe(2)
  }
}

const RESIDUAL_TWO_HEADS = join(process.cwd(), 'src/engine/testing/kerasModels/residualTwoHeads.keras2.json')

export const functionalModelFlow: StudioFlow = {
  title: 'a functional model from Keras JSON (two inputs, a shared layer, a residual block, two outputs): summary with Connected to, its picture, loss weights, trained on the song with a curve per output and on tune books; the pitch-and-length preset to 100 %',
  timeoutMs: 300_000,
  async run({ kind, page }) {
    await useNabiya(page)
    await page.getByTestId('model').selectOption('lstm')
    await page.getByText('Options').click()
    await page.getByTestId('layers').fill(readFileSync(RESIDUAL_TWO_HEADS, 'utf8'))
    await expect(page.getByTestId('layers-problem')).toBeHidden()
    const summary = page.getByTestId('layer-summary')
    await summary.locator('summary').click()
    // Keras's summary of a functional model: the input layers as rows, and what each layer reads
    await expect(summary.locator('th')).toHaveText(['Layer', 'Output shape', 'Parameters', 'Connected to'])
    await expect(summary.locator('tbody tr')).toHaveCount(13)
    await expect(summary.getByRole('row', { name: /^residual \(None/ })).toContainText(/\(None, 4, 32\).*lstm_1\[0\]\[0\].*dense_2\[0\]\[0\]/)
    await expect(page.getByTestId('model-description')).toHaveText(/17,145 parameters/)
    const picture = page.getByTestId('model-picture')
    await picture.locator('summary').click()
    const svg = picture.locator('svg')
    await expect(svg.locator('g[data-layer]')).toHaveCount(13)
    await expect(svg.locator('g[data-layer="residual"] text')).toHaveText(['residual: Add', 'input: [(None, 4, 32), (None, 4, 32)]', 'output: (None, 4, 32)'])
    const arrows = await svg.locator('path[data-edge]').evaluateAll((paths) => paths.map((path) => path.getAttribute('data-edge')))
    expect(arrows.sort()).toEqual(
      [
        'pitch->pitch_embedding',
        'length->length_embedding',
        'pitch_embedding->project',
        'length_embedding->project',
        'project->note',
        'note->lstm_1',
        'lstm_1->dense_1',
        'dense_1->dense_2',
        'lstm_1->residual',
        'dense_2->residual',
        'residual->lstm_2',
        'lstm_2->next_pitch',
        'lstm_2->next_length'
      ].sort()
    )
    mkdirSync('test-results', { recursive: true })
    writeFileSync(`test-results/${kind}-functional-model-picture.svg`, await svg.evaluate((element) => element.outerHTML))
    // one weight per output in the loss
    await expect(page.getByTestId('loss-weights').locator('input')).toHaveCount(2)
    await page.getByTestId('loss-weight-next_length').fill('0.5')
    await page.getByTestId('epochs').fill('12')
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 })
    await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-heads', 'next_pitch next_length')
    await expect(page.getByTestId('training-path')).toContainText('tfjs')
    await page.getByTestId('training-path').locator('summary').click()
    await expect(page.getByTestId('training-path')).toContainText('functional model')
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(/One step: \d+ % right/)
    // The same model on tune books: five MIDI jigs, by windows (a functional model has no other scheme)
    const jigs = ['jigs1', 'jigs2', 'jigs3', 'jigs4', 'jigs5'].map((name) => join(process.cwd(), `../shared/corpus/nottingham/midi/${name}.mid`))
    await page.getByText('Train on many songs').click()
    await page.getByTestId('corpus-files').setInputFiles(jigs)
    await page.getByTestId('use-corpus').check()
    await page.getByTestId('validation-share').fill('0.2')
    await expect(page.getByTestId('corpus-scheme')).toHaveValue('windows')
    await page.getByTestId('epochs').fill('2')
    await page.getByRole('button', { name: 'Train on 5 file(s)' }).click()
    await expect(page.getByTestId('corpus-summary')).toContainText(/Trained on 4 songs/, { timeout: 120_000 })
    await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-heads', 'next_pitch next_length')
    await page.getByTestId('use-corpus').uncheck()
    // The pitch-and-length preset: its graph can be read as Keras JSON; it learns the song to 100 %
    await page.getByTestId('layers').fill('')
    await page.getByTestId('model').selectOption('pitch-length')
    await page.getByTestId('edit-as-keras').click()
    await expect(page.getByTestId('layers')).toHaveValue(/"class_name": "Functional"/)
    await page.getByTestId('layers').fill('')
    await page.getByTestId('epochs').fill('300')
    await page.getByRole('button', { name: 'Train' }).click()
    await expect(page.getByTestId('one-step-accuracy')).toHaveText(/One step: 100 % right/, { timeout: 240_000 })
    await expect(page.getByTestId('full-song-accuracy')).toHaveText(/Full song: 100 % right/)
    await page.screenshot({ path: `test-results/${kind}-pitch-length.png`, fullPage: true })
  }
}
