// Test helper: Debian's abc2midi (package abcmidi) writing MIDI files from a tune book, as a
// person would with it: the files themselves, for our MIDI import to read.
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Writes `abcText` as `<stem>.abc` into `dir` (a folder of the caller's, e.g. from mkdtemp) and
 * runs abc2midi over it with `args` (none: its defaults, guitar chords and beat accents on).
 * Returns the MIDI file abc2midi wrote for each `X:` number, in the book's order; a tune it could
 * not write is missing.
 */
export function abc2midiFiles(abcText: string, dir: string, stem: string, args: readonly string[] = []): Map<string, string> {
  writeFileSync(join(dir, `${stem}.abc`), abcText)
  // abc2midi exits with 1 when any tune of the book had an error; it still writes every tune it read.
  const run = spawnSync('abc2midi', [`${stem}.abc`, '-silent', ...args], { cwd: dir, stdio: 'ignore' })
  if (run.error) throw run.error
  const files = new Map<string, string>()
  for (const line of abcText.split(/\r?\n/)) {
    const number = /^X:\s*(\S+)/.exec(line)?.[1]
    const file = number === undefined ? undefined : join(dir, `${stem}${number}.mid`)
    if (number !== undefined && file && existsSync(file)) files.set(number, file)
  }
  return files
}
