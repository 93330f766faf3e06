import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NABIYA_CODES_PATH, REPO_ROOT, seedDatasetRows } from '../engine/testing/seedSong'

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
    }
    expect(run.stderr).toMatch(/backend: cpu \(forced by --backend\)/)
  })

  it('train prints what the seed printed: accuracy and both predictions as lists', async () => {
    const run = await studio('train', NABIYA_CODES_PATH, '--model', 'lstm', '--epochs', '2', '--units', '8')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^acc: \d+\.\d\d%$/m)
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
    ['an unknown model', () => ['train', NABIYA_CODES_PATH, '--model', 'gpt'], /--model must be one of mlp, lstm, stateful-lstm, stateful-lstm-2f, got 'gpt'/],
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
})
