// Test helper: Debian's abc2midi (package abcmidi) as an independent ABC → MIDI converter.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import toneMidi from '@tonejs/midi'
import { TICKS_PER_QUARTER } from '../notation/melody'

/** Shorter than any written note in the corpus (a 32nd is 60 ticks). */
const CHORD_STAGGER_TICKS = 48

/**
 * Takes `!trill!`-style decorations and the one-letter ornaments `T` and `~` out of music lines,
 * and the `R:` field: abc2midi swings the eighth notes of a tune whose `R:` says hornpipe (2:1),
 * a playing style, where ABC 2.1 (§3.1.15) makes `R:` an index field only.
 */
export function withoutOrnaments(abc: string): string {
  return abc
    .split('\n')
    .map((line) => line.replace(/^R:\s*[Hh]ornpipe/, 'R:not swung'))
    .map((line) => (/^[A-Za-z]:|^%/.test(line) ? line : line.replace(/!(trill|roll|turn|mordent|uppermordent|lowermordent|pralltriller|trill\(|trill\))!/g, '').replace(/[T~](?=[A-Ga-g_^=])/g, '')))
    .join('\n')
}

export interface ReferenceNote {
  readonly pitch: number
  /** Onset in our ticks (480 a quarter). */
  readonly startTicks: number
  /** Length in our ticks: the top note's, for a chord. */
  readonly durationTicks: number
}

/**
 * Runs abc2midi over a whole tune book (guitar chords, grace notes and fermatas off) and returns,
 * per `X:` number, the melody track's notes: the highest at each onset, as our importer keeps.
 */
export function abc2midiMelodies(abcPath: string): Map<string, ReferenceNote[]> {
  const dir = mkdtempSync(join(tmpdir(), 'abc2midi-'))
  const stem = basename(abcPath, '.abc')
  // abc2midi writes <stem><X>.mid beside the file it reads, so it reads a copy in a folder of ours.
  // Our importer keeps the written note under an ornament; abc2midi plays trills and rolls out.
  // Compare like with like: the copy abc2midi reads has its ornaments taken out.
  writeFileSync(join(dir, `${stem}.abc`), withoutOrnaments(readFileSync(abcPath, 'utf8')))
  // abc2midi exits with 1 when any tune of the book had an error; it still writes every tune it read.
  const run = spawnSync('abc2midi', [`${stem}.abc`, '-NGUI', '-NGRA', '-NFER', '-silent'], { cwd: dir, stdio: 'ignore' })
  if (run.error) throw run.error
  const numbers = readFileSync(abcPath, 'utf8')
    .split(/\r?\n/)
    .flatMap((line) => /^X:\s*(\S+)/.exec(line)?.[1] ?? [])
  const melodies = new Map<string, ReferenceNote[]>()
  for (const number of numbers) {
    const file = join(dir, `${stem}${number}.mid`)
    if (!existsSync(file)) continue
    let midi: InstanceType<typeof toneMidi.Midi>
    try {
      midi = new toneMidi.Midi(readFileSync(file))
    } catch {
      // abc2midi stopped inside this tune (it writes a file with no tracks): no reference for it.
      continue
    }
    const scale = TICKS_PER_QUARTER / midi.header.ppq
    // With guitar chords off, every note is melody; @tonejs/midi splits a track where a
    // `%%MIDI program` changes the instrument, so the notes are gathered from all tracks.
    const written = midi.tracks.flatMap((t) => t.notes)
    // abc2midi staggers the notes of a written chord by a few ticks: one onset, the top note.
    const notes: ReferenceNote[] = []
    for (const note of [...written].sort((a, b) => a.ticks - b.ticks)) {
      const start = Math.round(note.ticks * scale)
      const durationTicks = Math.round(note.durationTicks * scale)
      const last = notes.at(-1)
      if (last && start - last.startTicks < CHORD_STAGGER_TICKS) {
        if (note.midi > last.pitch) notes[notes.length - 1] = { ...last, pitch: note.midi, durationTicks: start + durationTicks - last.startTicks }
      } else {
        notes.push({ pitch: note.midi, startTicks: start, durationTicks })
      }
    }
    melodies.set(number, notes)
  }
  return melodies
}
