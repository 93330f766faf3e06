import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'

/**
 * The one-line songs that took the command line down (out of memory, a stack overflow, a bare
 * string thrown from the MIDI writer). Each run gets a 512 MB heap: an out-of-memory is a failed
 * test, not a hung machine.
 */
function studio(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=512', '--import', 'tsx', join(REPO_ROOT, 'src/cli/studio.ts'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, FORCE_COLOR: '0' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr })
    )
  })
}

const dir = mkdtempSync(join(tmpdir(), 'studio-hostile-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SONGS: [string, string, RegExp][] = [
  ['note-99999999', 'X:1\nT:t\nK:C\nC99999999|\n', /line 4, column 1: .*NOTE_MAX_QUARTERS/],
  ['meter-1-1000000', 'X:1\nT:t\nM:1/1000000\nK:C\nCDEF|\n', /line 3, column 1: .*METER_MAX_DENOMINATOR/],
  ['length-1-1000000', 'X:1\nT:t\nL:1/1000000\nK:C\nCDEF|\n', /line 3, column 1: .*LENGTH_MAX_DENOMINATOR/],
  ['length-minus-1-8', 'X:1\nT:t\nL:-1/8\nK:C\nCDEF|\n', /line 3, column 1: L:-1\/8 is not a length/],
  ['meter-1000-1', 'X:1\nT:t\nM:1000/1\nK:C\nCDEF|\n', /line 3, column 1: .*METER_MAX_NUMERATOR/],
  ['title-200000', `X:1\nT:${'a'.repeat(200_000)}\nK:C\nCDEF|\n`, /line 2, column 1: .*ABC_FIELD_MAX_CHARS/],
  ['parts-99999999', 'X:1\nT:t\nP:A99999999\nK:C\nP:A\nCDEF|\n', /PART_ORDER_MAX_PARTS/]
]

describe.concurrent('the command line answers each hostile one-line song with one line and exit code 2', () => {
  it.each(SONGS)('%s: convert to MIDI', async (name, text, expected) => {
    const song = join(dir, `${name}.abc`)
    writeFileSync(song, text)
    const run = await studio('convert', song, join(dir, `${name}.mid`))
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(expected)
  })

  it.each([
    ['dataset', 'note-99999999'],
    ['train', 'meter-1-1000000'],
    ['inspect', 'title-200000']
  ])('%s on %s', async (command, name) => {
    const [, text, expected] = SONGS.find(([song]) => song === name)!
    const song = join(dir, `${command}-${name}.abc`)
    writeFileSync(song, text)
    const run = await studio(command, song, ...(command === 'train' ? ['--model', 'mlp', '--epochs', '1'] : []))
    expect(run.code).toBe(2)
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(expected)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('a song file that is not there, and an unknown option, are one line each', async () => {
    for (const args of [['convert', join(dir, 'missing.abc'), join(dir, 'x.mid')], ['dataset', '--no-such-option']]) {
      const run = await studio(...args)
      expect(run.code).toBe(2)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})
