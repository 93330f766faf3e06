// The model lab's commands, run as a person runs them: layers from JSON, summary, train with
// --save, generate from the saved model, train on a folder of songs, compare the runs.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JSDOM } from 'jsdom'
import { describe, expect, it } from 'vitest'
import { readWithMido } from '../engine/testing/mido'
import { readPng } from '../engine/testing/pngPixels'
import { NABIYA_CODES_PATH, REPO_ROOT } from '../engine/testing/seedSong'

function studio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/studio.ts'), ...args], { cwd: REPO_ROOT }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr })
    )
  })
}

const dir = mkdtempSync(join(tmpdir(), 'studio-lab-'))

/** A picture's boxes (name and texts) and arrows, read back by jsdom's XML parser. */
function readPicture(path: string): { boxes: { name: string; texts: string[] }[]; arrows: string[] } {
  const doc = new new JSDOM('').window.DOMParser().parseFromString(readFileSync(path, 'utf8'), 'image/svg+xml')
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0)
  return {
    boxes: [...doc.querySelectorAll('g[data-layer]')].map((g) => ({ name: g.getAttribute('data-layer') ?? '', texts: [...g.querySelectorAll('text')].map((text) => text.textContent ?? '') })),
    arrows: [...doc.querySelectorAll('path[data-edge]')].map((path) => path.getAttribute('data-edge') ?? '')
  }
}

describe('model lab on the command line', () => {
  it('summary prints Keras’s table and a diagram for a JSON layer stack, and names a bad field', async () => {
    const layers = '[{"type":"embedding","outputDim":8},{"type":"gru","units":16,"returnSequences":true},{"type":"simple-rnn","units":8}]'
    const run = await studio('summary', NABIYA_CODES_PATH, '--layers', layers)
    expect(run.code).toBe(0)
    // Embedding 12·8 (seed vocabulary: 12 classes), GRU 3·(16·24+16), SimpleRNN 8·(16+8)+8, Dense 8·12+12: 96+1200+200+108
    expect(run.stdout).toContain('Total params: 1,604')
    expect(run.stdout).toMatch(/GRU\)\s+\(None, 4, 16\)\s+1200/)
    expect(run.stdout).toContain('▼')
    const bad = await studio('summary', NABIYA_CODES_PATH, '--layers', '[{"type":"lstm","units":-3}]')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--layers: layers\[1\]\.units: /)
  })

  it('plot draws the model as plot_model does, as SVG or PNG, from a song or a saved model’s spec; other extensions are refused', async () => {
    const layers = '[{"type":"embedding","outputDim":8},{"type":"gru","units":16,"returnSequences":true},{"type":"simple-rnn","units":8}]'
    const svg = join(dir, 'lab.svg')
    const run = await studio('plot', NABIYA_CODES_PATH, svg, '--layers', layers)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`wrote ${svg}`)
    const picture = readPicture(svg)
    expect(picture.boxes).toEqual([
      { name: 'input', texts: ['input: InputLayer', 'input: (None, 4)', 'output: (None, 4)'] },
      { name: 'embedding', texts: ['embedding: Embedding', 'input: (None, 4)', 'output: (None, 4, 8)'] },
      { name: 'gru', texts: ['gru: GRU', 'input: (None, 4, 8)', 'output: (None, 4, 16)'] },
      { name: 'simple-rnn', texts: ['simple-rnn: SimpleRNN', 'input: (None, 4, 16)', 'output: (None, 8)'] },
      { name: 'dense (output)', texts: ['dense (output): Dense', 'input: (None, 8)', 'output: (None, 12)'] }
    ])
    expect(picture.arrows).toEqual(['input->embedding', 'embedding->gru', 'gru->simple-rnn', 'simple-rnn->dense (output)'])

    // A saved model is drawn from its spec in model.json alone: this folder has no weights.
    const folder = join(dir, 'spec-only')
    mkdirSync(folder, { recursive: true })
    const spec = { kind: 'lstm', units: 32, window: 8, encoding: 'pitch-length', classes: 3, stateful: false, batchSize: 1, shuffle: false, epochs: 1, learningRate: 0.001, seed: 1 }
    const info = { spec, vocabulary: { kind: 'song', codes: ['c8', 'd8', 'e4'] }, song: [0, 1, 2] }
    writeFileSync(join(folder, 'model.json'), JSON.stringify({ format: 'melody-studio-model', version: 1, info, modelTopology: {}, weightSpecs: [] }))
    const png = join(dir, 'saved.png')
    const saved = await studio('plot', folder, png)
    expect(saved.code).toBe(0)
    const bytes = readFileSync(png)
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR')
    const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
    expect(width).toBeGreaterThan(0)
    expect(height).toBeGreaterThan(0)
    // Decoded: mostly white, with dark text and lines (three boxes: input, lstm, dense (output)).
    const pixels = readPng(png)
    expect([pixels.width, pixels.height]).toEqual([width, height])
    expect(pixels.light / (width * height)).toBeGreaterThan(0.5)
    expect(pixels.dark / (width * height)).toBeGreaterThan(0.01)
    expect(pixels.colours).toBeGreaterThan(2)
    const savedSvg = join(dir, 'saved.svg')
    expect((await studio('plot', folder, savedSvg)).code).toBe(0)
    expect(readPicture(savedSvg).boxes.map((box) => box.texts[0])).toEqual(['input: InputLayer', 'lstm: LSTM', 'dense (output): Dense'])
    expect(readPicture(savedSvg).boxes[0]?.texts[1]).toBe('input: (None, 8, 2)')

    const gif = await studio('plot', NABIYA_CODES_PATH, join(dir, 'lab.gif'))
    expect(gif.code).toBe(2)
    expect(gif.stderr).toMatch(/lab\.gif: unknown picture format; use \.svg or \.png/)
    const missing = await studio('plot', NABIYA_CODES_PATH)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/plot needs a song or a saved model folder, and the file to write/)
  })

  it('train --save keeps the model and its run; generate continues it in whole bars, the same for the same seed', async () => {
    const folder = join(dir, 'nabiya-2f')
    const train = await studio('train', join(REPO_ROOT, 'resources/songs/nabiya.abc'), '--model', 'stateful-lstm-2f', '--until-perfect', '--save', folder)
    expect(train.code).toBe(0)
    // its TensorBoard logs, named on one line
    const logs = join(folder, 'logs')
    expect(train.stdout).toContain(`TensorBoard logs: ${logs}  (tensorboard --logdir ${logs})\n`)
    expect(readdirSync(logs)).toEqual(['train'])
    const greedy = await studio('generate', folder, '--bars', '4', '--temperature', '0', '--json')
    expect(greedy.code).toBe(0)
    const notes: string[] = JSON.parse(greedy.stdout).continuations[0].notes
    // a model at 100 % carries 나비야 on after its first four notes: d8 d4 | c8 d8 e8 f8 | …
    expect(notes.slice(0, 3)).toEqual(['d8', 'd4', 'c8'])
    const sampled = () => studio('generate', folder, '--bars', '8', '--temperature', '1.5', '--seed', '3', '--variations', '2', '--json')
    const [a, b] = [await sampled(), await sampled()]
    expect(JSON.parse(a.stdout)).toMatchObject({ continuations: JSON.parse(b.stdout).continuations })
    const out = join(dir, 'continued.mid')
    expect((await studio('generate', folder, '--bars', '4', '--temperature', '1', '--out', out)).code).toBe(0)
    const mido = readWithMido([out])[out]!
    // the prime's 4 notes (one 2/4 bar) and 4 more bars: 5 × 960 ticks at 480 a quarter
    const end = Math.max(...mido.notes.map(([, start, duration]) => start + duration))
    expect(end * (480 / mido.ticksPerBeat)).toBe(5 * 960)
    expect(mido.meter).toEqual([2, 4])
  })

  it('train-corpus splits a folder of songs, stops early, keeps the best; compare tabulates runs', async () => {
    const folder = join(dir, 'corpus-run')
    const run = await studio('train-corpus', join(REPO_ROOT, 'resources/songs'), '--window', '4', '--units', '16', '--epochs', '200', '--validation', '0.4',
      '--learning-rate', '0.01', '--early-stopping', 'val_loss:3', '--save', folder, '--csv', join(dir, 'corpus.csv'))
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/3 songs to train on \(\+0 transposed\), 2 held out/)
    expect(run.stdout).toContain(`TensorBoard logs: ${join(folder, 'logs')}  (tensorboard --logdir ${join(folder, 'logs')})\n`)
    expect(readdirSync(join(folder, 'logs')).sort()).toEqual(['train', 'validation'])
    expect(run.stdout).toMatch(/stopped early at epoch (\d+); best epoch (\d+)/)
    const [, stopped, best] = /stopped early at epoch (\d+); best epoch (\d+)/.exec(run.stdout) ?? []
    expect(Number(stopped) - Number(best)).toBe(3)
    expect(readFileSync(join(dir, 'corpus.csv'), 'utf8').split('\n')[0]).toBe('epoch,loss,accuracy,val_loss,val_accuracy,learning_rate,elapsed_ms')
    const compare = await studio('compare', folder, join(dir, 'nabiya-2f'))
    expect(compare.code).toBe(0)
    expect(compare.stdout.split('\n')[0]).toMatch(/^run\s+model\s+params\s+epochs\s+time/)
    expect(compare.stdout).toMatch(/nabiya-2f\s+stateful-lstm-2f\s+68,620/)
    const refused = await studio('train-corpus', join(REPO_ROOT, 'resources/songs'), '--validation', '1.5')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/validation share must be between 0 and 1, got 1.5/)
  })

  it('train-corpus --resume goes on from a checkpoint, epochs numbered on', async () => {
    const folder = join(dir, 'resumable')
    const common = ['train-corpus', join(REPO_ROOT, 'resources/songs'), '--window', '4', '--units', '8', '--validation', '0.4', '--save', folder]
    const first = await studio(...common, '--epochs', '4')
    expect(first.code).toBe(0)
    // The run record says which epoch the saved (best) checkpoint is from.
    const best = Number(JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')).result.weightsEpoch)
    expect(best).toBeGreaterThanOrEqual(1)
    const second = await studio(...common, '--epochs', '7', '--resume', folder)
    expect(second.code).toBe(0)
    expect(second.stdout).toContain(`resuming after epoch ${best} from ${folder}`)
    expect(second.stdout).toMatch(new RegExp(`epoch ${best + 1}/7 `))
    expect(second.stdout).toMatch(/epoch 7\/7 /)
    const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'))
    expect(record.history.map((e: { epoch: number }) => e.epoch)).toEqual(Array.from({ length: 7 }, (_, i) => i + 1))
    const other = await studio('train-corpus', join(REPO_ROOT, 'resources/songs/nabiya.abc'), join(REPO_ROOT, 'resources/songs/twinkle.abc'), '--window', '4', '--validation', '0.5', '--resume', folder)
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/trained on other notes or with other options/)
  })

  it('train-corpus --scheme sequence trains on every step, records the scheme, and a resumed run keeps it', async () => {
    const folder = join(dir, 'sequence')
    const common = ['train-corpus', join(REPO_ROOT, 'resources/songs'), '--window', '4', '--units', '8', '--batch-size', '2', '--validation', '0.4', '--save', folder]
    const first = await studio(...common, '--epochs', '2', '--scheme', 'sequence')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/\d+ training and \d+ validation steps\nscheme sequence: /)
    expect(JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')).request.corpus.scheme).toBe('sequence')
    const second = await studio(...common, '--epochs', '3', '--resume', folder)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/scheme sequence: /)
    expect(JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')).request.corpus.scheme).toBe('sequence')
    const refused = await studio(...common, '--scheme', 'tokens')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--scheme must be one of windows, sequence, got 'tokens'/)
  })

  it('a Keras functional model in --layers: summary with Connected to, its picture as PNG, trained on the song with loss weights and on tune books, saved, continued', async () => {
    const keras = join(REPO_ROOT, 'src/engine/testing/kerasModels/residualTwoHeads.keras3.json')
    const summary = await studio('summary', NABIYA_CODES_PATH, '--layers', keras)
    expect(summary.code).toBe(0)
    expect(summary.stdout).toMatch(/Model: "pitch_length_residual"/)
    expect(summary.stdout).toMatch(/residual \(Add\)\s+\(None, 4, 32\)\s+0\s+\['lstm_1\[0\]\[0\]',\s*\n\s+'dense_2\[0\]\[0\]'\]/)
    expect(summary.stdout).toContain('Total params: 17,145')
    const png = join(dir, 'functional.png')
    expect((await studio('plot', NABIYA_CODES_PATH, png, '--layers', keras)).code).toBe(0)
    const pixels = readPng(png)
    expect(pixels.width).toBeGreaterThan(0)
    const saved = join(dir, 'functional-run')
    const train = await studio('train', NABIYA_CODES_PATH, '--model', 'lstm', '--layers', keras, '--loss-weights', 'next_pitch=1,next_length=0.5', '--epochs', '6', '--save', saved, '--json')
    expect(train.code).toBe(0)
    const result = JSON.parse(train.stdout.trim().split('\n').at(-1) ?? '{}') as { path?: string; oneStep?: { accuracy: number } }
    expect(JSON.stringify(result)).toMatch(/functional model/)
    const model = JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8')) as { info: { spec: { graph: { name: string }; lossWeights: unknown } } }
    expect(model.info.spec.graph.name).toBe('pitch_length_residual')
    expect(model.info.spec.lossWeights).toEqual({ next_pitch: 1, next_length: 0.5 })
    const generate = await studio('generate', saved, '--bars', '2', '--temperature', '0')
    expect(generate.code).toBe(0)
    const corpus = join(dir, 'functional-corpus')
    const jigs = ['jigs1', 'jigs2', 'jigs3', 'jigs4', 'jigs5'].map((name) => join(REPO_ROOT, `../shared/corpus/nottingham/midi/${name}.mid`))
    const onBooks = await studio('train-corpus', ...jigs, '--layers', keras, '--epochs', '2', '--window', '8', '--batch-size', '32', '--validation', '0.2', '--save', corpus)
    expect(onBooks.code).toBe(0)
    expect(readdirSync(join(corpus, 'logs'))).toEqual(['train', 'validation'])
    const refused = await studio('train', NABIYA_CODES_PATH, '--model', 'lstm', '--layers', keras, '--loss-weights', 'next_rhythm=2')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--loss-weights: 'next_rhythm' is not an output/)
  }, 300_000)
})
