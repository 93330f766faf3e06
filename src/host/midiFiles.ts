// A melody as a MIDI file on disk, for the desktop app to hand to the system: dragged out of the
// window into a DAW or a folder (webContents.startDrag takes a path, not bytes), or put on the
// clipboard as a file. Notation only (@tonejs/midi): main may load this, never TensorFlow.js.
import { mkdir, writeFile } from 'node:fs/promises'
import { join, relative, isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import { melodyToMidi } from '../engine/notation/midi'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import type { Melody } from '../engine/notation/melody'
import { fileStem } from '../usecases/exportSong'

/** The extension a dragged or copied MIDI file has: what DAWs and file managers recognise. */
export const MIDI_FILE_EXTENSION = 'mid'

/** A MIDI file's name for a stem the page sent: fileStem's letters, digits, spaces and ()_- only, so no path. */
export function midiFileName(stem: string): string {
  return `${fileStem(stem)}.${MIDI_FILE_EXTENSION}`
}

/**
 * Writes the melody's MIDI to `folder` (made if missing) as `<name>.mid` and returns its path. A
 * file of the same name from an earlier drag is replaced: the drop target has read it by then.
 * @throws LimitError for a melody over a limit (its bars, its notes' lengths)
 */
export async function writeMidiFile(melody: Melody, name: string, folder: string): Promise<string> {
  checkMelodyLimits(melody)
  const path = join(folder, midiFileName(name))
  // fileStem leaves no separator or dot-dot; this says so where the file is written, not only there.
  const inside = relative(folder, path)
  if (inside.startsWith('..') || isAbsolute(inside)) throw new RangeError(`the file name ${name} leaves the folder`)
  await mkdir(folder, { recursive: true })
  await writeFile(path, melodyToMidi(melody))
  return path
}

/** One clipboard format of the system's own (not a MIME type the browser knows) and its bytes. */
export interface ClipboardFile {
  readonly format: string
  readonly bytes: Buffer
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * A file on the clipboard as the system's file managers read it, or no formats where we know no
 * way: Linux `text/uri-list` (GTK and Qt apps) and `x-special/gnome-copied-files` (what GNOME's
 * Files pastes), macOS `NSFilenamesPboardType` (a property list of paths: Finder, most DAWs),
 * Windows `FileNameW` (the path in UTF-16; Explorer itself pastes only CF_HDROP, a structure this
 * does not write, so Windows gets the path for apps that read it).
 */
export function clipboardFileFormats(platform: NodeJS.Platform, path: string): ClipboardFile[] {
  const url = pathToFileURL(path).href
  if (platform === 'linux') {
    return [
      { format: 'text/uri-list', bytes: Buffer.from(`${url}\r\n`, 'utf8') },
      { format: 'x-special/gnome-copied-files', bytes: Buffer.from(`copy\n${url}`, 'utf8') }
    ]
  }
  if (platform === 'darwin') {
    const plist =
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
      `<plist version="1.0"><array><string>${escapeXml(path)}</string></array></plist>\n`
    return [{ format: 'NSFilenamesPboardType', bytes: Buffer.from(plist, 'utf8') }]
  }
  if (platform === 'win32') return [{ format: 'FileNameW', bytes: Buffer.from(`${path}\0`, 'utf16le') }]
  return []
}

/** The key Electron's ClipboardItem takes for a format of the system's own (raw bytes, not a MIME type it converts). */
export function systemClipboardKey(format: string): string {
  return `electron application/osclipboard;format="${format}"`
}
