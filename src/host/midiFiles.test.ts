import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Melody } from '../engine/notation/melody'
import { readWithMido } from '../engine/testing/mido'
import { clipboardFileFormats, midiFileName, systemClipboardKey, writeMidiFile } from './midiFiles'

const MELODY: Melody = {
  title: 'Scale',
  tempo: 100,
  meter: { numerator: 4, denominator: 4 },
  key: { tonic: 'C', mode: 'major', fifths: 0 },
  notes: [
    { pitch: 60, startTicks: 0, durationTicks: 480 },
    { pitch: null, startTicks: 480, durationTicks: 240 },
    { pitch: 64, startTicks: 720, durationTicks: 240 },
    { pitch: 67, startTicks: 960, durationTicks: 960 }
  ]
}

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})


describe('midiFileName', () => {
  it('keeps letters, digits, spaces and ()_- only: no path, no extension of its own', () => {
    expect(midiFileName('나비야 (Butterfly) - lstm - 2026-12-01 - one-step')).toBe('나비야 (Butterfly) - lstm - 2026-12-01 - one-step.mid')
    expect(midiFileName('../../etc/passwd')).toBe('etcpasswd.mid')
    expect(midiFileName('C:\\Windows\\evil.exe')).toBe('CWindowsevilexe.mid')
    expect(midiFileName('...')).toBe('melody.mid')
    expect(midiFileName('x'.repeat(300))).toBe(`${'x'.repeat(80)}.mid`)
  })
})

describe('writeMidiFile', () => {
  it('writes the melody as a MIDI file that mido reads back note for note, inside the folder', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'midi-drag-')), 'made by the writer')
    folders.push(join(folder, '..'))
    const path = await writeMidiFile(MELODY, '../Scale: one/two', folder)
    expect(path).toBe(join(folder, 'Scale onetwo.mid'))
    expect(readdirSync(folder)).toEqual(['Scale onetwo.mid'])
    const heard = readWithMido([path])[path]
    const scale = (heard?.ticksPerBeat ?? 480) / 480
    expect(heard?.notes).toEqual(MELODY.notes.filter((note) => note.pitch !== null).map((note) => [note.pitch, note.startTicks * scale, note.durationTicks * scale]))
  })

  it('replaces the file of an earlier drag of the same name', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'midi-drag-'))
    folders.push(folder)
    await writeMidiFile(MELODY, 'Scale', folder)
    const path = await writeMidiFile({ ...MELODY, notes: MELODY.notes.slice(0, 1) }, 'Scale', folder)
    expect(readdirSync(folder)).toEqual(['Scale.mid'])
    expect(readWithMido([path])[path]?.notes).toHaveLength(1)
  })
})

describe('clipboardFileFormats', () => {
  const path = '/tmp/melody studio/나비야 & co.mid'
  const url = 'file:///tmp/melody%20studio/%EB%82%98%EB%B9%84%EC%95%BC%20&%20co.mid'
  it('is a file URI list, and GNOME Files\' copied files, on Linux', () => {
    const files = clipboardFileFormats('linux', path)
    expect(files.map((file) => [file.format, file.bytes.toString('utf8')])).toEqual([
      ['text/uri-list', `${url}\r\n`],
      ['x-special/gnome-copied-files', `copy\n${url}`]
    ])
  })

  it('is a property list of paths on macOS, escaped', () => {
    const [file, ...more] = clipboardFileFormats('darwin', path)
    expect(more).toEqual([])
    expect(file?.format).toBe('NSFilenamesPboardType')
    expect(file?.bytes.toString('utf8')).toContain('<array><string>/tmp/melody studio/나비야 &amp; co.mid</string></array>')
  })

  it('is the UTF-16 path on Windows, and nothing where no way is known', () => {
    const [file] = clipboardFileFormats('win32', 'C:\\Temp\\a.mid')
    expect(file?.format).toBe('FileNameW')
    expect(file?.bytes.toString('utf16le')).toBe('C:\\Temp\\a.mid\0')
    expect(clipboardFileFormats('freebsd', path)).toEqual([])
    expect(systemClipboardKey('text/uri-list')).toBe('electron application/osclipboard;format="text/uri-list"')
  })
})
