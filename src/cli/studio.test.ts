import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readWithMido } from '../engine/testing/mido'
import { noteCodeToString } from '../engine/notation/noteCodes'
import { NABIYA_CODES_PATH, nabiyaNotes, REPO_ROOT, seedDatasetRows, sharedPath } from '../engine/testing/seedSong'

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the real command line, as `npm run studio -- …` does. */
function studio(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'src/cli/studio.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0
        resolve({ code, stdout, stderr })
      }
    )
  })
}

const dir = mkdtempSync(join(tmpdir(), 'studio-cli-'))
function songFile(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('studio command line', () => {
  it('dataset --json prints the seed\'s matrix', async () => {
    const run = await studio('dataset', NABIYA_CODES_PATH, '--json')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ window: 4, rows: seedDatasetRows() })
  })

  it('train --json ends with one JSON line in the contract\'s shape', async () => {
    const run = await studio('train', NABIYA_CODES_PATH, '--model', 'mlp', '--epochs', '3', '--json', '--backend', 'cpu')
    expect(run.code).toBe(0)
    const last = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '')
    expect(last).toMatchObject({ model: 'mlp', backend: 'cpu', params: 18_700, epochs: 3 })
    expect(last.trainMs).toBeGreaterThan(0)
    expect(last.msPerEpoch).toBeGreaterThan(0)
    for (const prediction of [last.oneStep, last.fullSong]) {
      expect(prediction.notes).toHaveLength(54)
      expect(prediction.notes.slice(0, 4)).toEqual(['g8', 'e8', 'e4', 'f8'])
      expect(prediction.accuracy).toBeCloseTo(1 - prediction.wrong.length / 50, 10)
      // Of the wrong notes, those of the right pitch: the song's pitch letter, another length (나비야's codes are a letter and a length).
      const song = nabiyaNotes().map(noteCodeToString)
      const lengthOnly = (p: number) => prediction.notes[p][0] === song[p]?.[0]
      expect(prediction.wrongLength).toEqual(prediction.wrong.filter(lengthOnly))
    }
    expect(run.stderr).toMatch(/backend: cpu \(forced by --backend\)/)
    // Forced to the CPU, the GPU was not tried; the summary says so and why the path was taken.
    expect(last.gpu).toEqual({ used: false, reason: 'the backend is set to cpu' })
    expect(last.trainingPathReason).toMatch(/^fast CPU path /)
  })

  it('train prints what the seed printed: accuracy and both predictions as lists', async () => {
    const run = await studio('train', NABIYA_CODES_PATH, '--model', 'lstm', '--epochs', '2', '--units', '8')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^acc: \d+\.\d\d%$/m)
    // Which backend and why: the GPU's verdict on the line after it, whatever this machine has.
    expect(run.stdout).toMatch(/^backend: [\w-]+.*\n {2}(GPU in use: |GPU not used: ).{10,}$/m)
    expect(run.stdout).toMatch(/^training path: .{20,}$/m)
    expect(run.stdout).toMatch(/^one step prediction : {2}\['g8', 'e8', 'e4', 'f8', /m)
    expect(run.stdout).toMatch(/^full song prediction : {2}\['g8', 'e8', 'e4', 'f8', /m)
  })

  const bad: [string, () => string[], RegExp][] = [
    ['an unknown code', () => ['train', songFile('bad.codes', 'g8 e8 e4\nf8 x4 d4\n'), '--model', 'mlp'], /line 2, column 4: unknown note code 'x4'/],
    ['an empty song', () => ['train', songFile('empty.codes', '# nothing\n'), '--model', 'mlp'], /the song is empty/],
    ['a song shorter than the window', () => ['train', songFile('short.codes', 'c4 d4 e4'), '--model', 'lstm'], /the song has 3 notes, but a window of 4 needs at least 5/],
    ['epochs ≤ 0', () => ['train', NABIYA_CODES_PATH, '--model', 'mlp', '--epochs', '0'], /epochs must be a whole number ≥ 1, got 0/],
    ['window ≤ 0', () => ['dataset', NABIYA_CODES_PATH, '--window', '0'], /window must be a whole number of notes ≥ 1, got 0/],
    ['a NaN learning rate', () => ['train', NABIYA_CODES_PATH, '--model', 'mlp', '--learning-rate', 'NaN'], /--learning-rate must be a number, got 'NaN'/],
    ['an unknown model', () => ['train', NABIYA_CODES_PATH, '--model', 'gpt'], /--model must be one of mlp, lstm, stateful-lstm, stateful-lstm-2f, pitch-length, got 'gpt'/],
    ['a missing file', () => ['dataset', join(dir, 'nope.codes')], /nope\.codes: no such file/],
    ['an unknown backend', () => ['train', NABIYA_CODES_PATH, '--model', 'mlp', '--backend', 'metal'], /unknown backend 'metal'/],
    ['an unknown option', () => ['train', NABIYA_CODES_PATH, '--model', 'mlp', '--epoch', '3'], /--epoch/]
  ]
  it.each(bad)('refuses %s with exit code 2 and one line on stderr', async (_, args, message) => {
    const run = await studio(...args())
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr.trim().split('\n').filter((line) => !/nodedir/.test(line))).toHaveLength(1)
    expect(run.stdout).toBe('')
  })

  const NABIYA_ABC = sharedPath('songs/nabiya.abc')
  const JIGS_ABC = sharedPath('corpus/nottingham/abc/jigs.abc')

  it('reads 나비야 from ABC into exactly the seed\'s dataset', async () => {
    const run = await studio('dataset', NABIYA_ABC, '--json')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({ window: 4, rows: seedDatasetRows() })
  })

  it('converts ABC to MIDI that mido reads as the song, and MIDI back to note codes', async () => {
    const mid = join(dir, 'nabiya.mid')
    expect((await studio('convert', NABIYA_ABC, mid)).code).toBe(0)
    const reading = readWithMido([mid])[mid]!
    const codes = readFileSync(NABIYA_CODES_PATH, 'utf8').replace(/#.*$/gm, '').split(/[\s|]+/).filter(Boolean)
    expect(reading.notes.map(([pitch]) => pitch)).toEqual(codes.map((c) => 60 + { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 }[c[0] as 'c']))
    expect(reading.notes.map(([, , length]) => length)).toEqual(codes.map((c) => (c.endsWith('8') ? 240 : 480)))
    expect(reading.tempo).toBeCloseTo(100, 3)
    expect(reading.meter).toEqual([2, 4])
    const back = join(dir, 'nabiya-again.codes')
    expect((await studio('convert', mid, back)).code).toBe(0)
    expect(readFileSync(back, 'utf8').trim().split(/\s+/)).toEqual(codes)
  })

  it('picks a tune by X:, writes ABC and SVG, and inspects a tune book', async () => {
    const abc = join(dir, 'abacus.abc')
    expect((await studio('convert', JIGS_ABC, abc, '--tune', '2')).code).toBe(0)
    expect(readFileSync(abc, 'utf8')).toMatch(/^X:1\nT:Abacus\nM:6\/8\nL:1\/8\nQ:1\/4=120\nK:G\n/)
    const svg = join(dir, 'nabiya.svg')
    expect((await studio('convert', NABIYA_ABC, svg)).code).toBe(0)
    const drawn = readFileSync(svg, 'utf8')
    expect(drawn.startsWith('<svg')).toBe(true)
    expect(drawn.match(/class="abcjs-note /g)).toHaveLength(54)
    const pdf = join(dir, 'abacus.pdf')
    expect((await studio('convert', JIGS_ABC, pdf, '--tune', '2')).code).toBe(0)
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
    expect(info).toMatch(/^Title:\s+Abacus$/m)
    expect(info).toMatch(/^Pages:\s+1$/m)
    expect(execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' })).toMatch(/Abacus[\s\S]*= 120/)
    const inspect = await studio('inspect', JIGS_ABC, '--json')
    expect(inspect.code).toBe(0)
    const summary = JSON.parse(inspect.stdout)
    expect(summary.tunes).toHaveLength(340)
    expect(summary.tunes[1]).toMatchObject({ number: '2', title: 'Abacus', key: 'G major', meter: '6/8', tempo: 120, errors: [] })
    const missing = await studio('convert', JIGS_ABC, abc, '--tune', '9999')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/there is no tune X:9999 here/)
  })

  it('refuses binary garbage, a broken MIDI file and an over-large ABC file with one line each', async () => {
    const garbage = songFile('garbage.abc', String.fromCharCode(...Array.from({ length: 3000 }, (_, i) => (i * 131) % 256)))
    const asAbc = await studio('convert', garbage, join(dir, 'x.mid'))
    expect(asAbc).toMatchObject({ code: 2, stdout: '' })
    expect(asAbc.stderr).toMatch(/this is not ABC text: it holds binary data/)
    const broken = join(dir, 'broken.mid')
    writeFileSync(broken, readFileSync(join(dir, 'nabiya.mid')).subarray(0, 100))
    const asMidi = await studio('train', broken, '--model', 'mlp')
    expect(asMidi.code).toBe(2)
    expect(asMidi.stderr).toMatch(/broken\.mid: the MIDI file is damaged or truncated/)
    const huge = songFile('huge.abc', 'X:1\nK:C\n' + 'CDEF GABc | '.repeat(460_000))
    const tooBig = await studio('inspect', huge)
    expect(tooBig.code).toBe(2)
    expect(tooBig.stderr).toMatch(/the ABC text is 5\.3 MB; the limit is 4 MB/)
  })
})
