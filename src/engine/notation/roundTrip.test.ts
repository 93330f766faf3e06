// Issue 13, every import survives a round trip: ABC and MIDI, bar lines and pickups included, each
// step read by an independent tool where one exists: abcjs's parse tree for the bar lines of the
// ABC we write (src/engine/testing/abcPickups.ts), Debian's abc2midi for that ABC, python3-mido
// for the MIDI we write. The whole-melody ABC round trip (JSON-identical, pickups included) is in
// corpus.test.ts.
import toneMidi from '@tonejs/midi'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { abc2midiFiles } from '../testing/abc2midiFiles'
import { writtenBars, writtenPickups } from '../testing/abcPickups'
import { readWithMido } from '../testing/mido'
import { REPO_ROOT, sharedPath } from '../testing/seedSong'
import { abcToMelodies } from './abcIn'
import { melodyToAbc } from './abcOut'
import { barGridOf, withPickup, type Melody, type MelodyNote } from './melody'
import { melodyToMidi, midiToMelody, type MidiImport } from './midi'

const BOOKS = ['jigs', 'reelsa-c', 'reelsd-g', 'reelsh-l', 'reelsm-q', 'reelsr-t', 'reelsu-z']
const SIXTEENTH = 120
const corpus = BOOKS.map((book) => {
  const text = readFileSync(sharedPath(`corpus/nottingham/abc/${book}.abc`), 'utf8')
  return { book, text, tunes: abcToMelodies(text).tunes, pickups: writtenPickups(text) }
})
const songsDir = join(REPO_ROOT, 'resources/songs')
const songs = readdirSync(songsDir)
  .filter((name) => name.endsWith('.abc'))
  .map((name) => {
    const text = readFileSync(join(songsDir, name), 'utf8')
    return { name, tunes: abcToMelodies(text).tunes, pickups: writtenPickups(text) }
  })

/** Every tune, its pickup as its ABC writes it (the first bar's length when short of a bar). */
const written = [
  ...corpus.flatMap(({ book, tunes, pickups }) => tunes.map((tune, i) => ({ name: `${book} X:${tune.number}`, melody: withPickup(tune.melody!, pickups[i] ?? 0) }))),
  ...songs.flatMap(({ name, tunes, pickups }) => tunes.map((tune, i) => ({ name: `${name} X:${tune.number}`, melody: withPickup(tune.melody!, pickups[i] ?? 0) })))
]
const sounding = (notes: readonly MelodyNote[]) => notes.filter((n) => n.pitch !== null)
/**
 * Lets vitest's worker answer its runner now and then: a test that holds the thread for a minute
 * on a busy machine fails with "Timeout calling onTaskUpdate".
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))
const percent = (n: number, of: number) => `${n}/${of} (${((n / of) * 100).toFixed(1)} %)`

describe('ABC → melody → ABC: bars', () => {
  it('writes every corpus tune and example song with its pickup as the first bar and every bar line a whole bar after it', async () => {
    expect(written.length).toBe(801 + songs.reduce((sum, song) => sum + song.tunes.length, 0))
    const withPickups = written.filter(({ melody }) => melody.pickupTicks !== undefined).length
    const differing: string[] = []
    for (const [i, { name, melody }] of written.entries()) {
      if (i % 50 === 0) await breathe()
      const abc = melodyToAbc(melody)
      const { barTicks, pickupTicks } = barGridOf(melody)
      const bars = writtenBars(abc)[0]!
      const again = abcToMelodies(abc).tunes[0]?.melody
      const inner = bars.barLines.filter((t) => t < bars.endTicks)
      const same =
        bars.barTicks === barTicks &&
        (pickupTicks === 0 || bars.barLines[0] === pickupTicks) &&
        inner.every((t) => (t - pickupTicks) % barTicks === 0) &&
        writtenPickups(abc)[0] === pickupTicks &&
        JSON.stringify(again?.notes) === JSON.stringify(melody.notes) &&
        JSON.stringify(again?.meter) === JSON.stringify(melody.meter) &&
        (again?.pickupTicks ?? 0) === pickupTicks
      if (!same) differing.push(name)
    }
    console.log(`ABC round trip with bars: ${written.length} tunes (${withPickups} with a pickup), ${differing.length} differing`)
    expect(differing).toEqual([])
  })

  it('abc2midi reads the ABC we write, every tune, and accents the first note of each bar exactly where we put the bar lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abc-round-trip-'))
    const book = written.map(({ melody }, i) => melodyToAbc(melody, { number: i + 1 })).join('\n')
    const files = abc2midiFiles(book, dir, 'ours')
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    expect(files.size).toBe(written.length)
    const misplaced: string[] = []
    written.forEach(({ name, melody }, i) => {
      const midi = new toneMidi.Midi(readFileSync(files.get(String(i + 1))!))
      const scale = 480 / midi.header.ppq
      const notes = midi.tracks.flatMap((track) => track.notes).sort((a, b) => a.ticks - b.ticks)
      const ours = sounding(melody.notes)
      // abc2midi starts a tune after a short silence: onsets are counted from the first note.
      const offset = (ours[0]?.startTicks ?? 0) - Math.round((notes[0]?.ticks ?? 0) * scale)
      const { barTicks, pickupTicks } = barGridOf(melody)
      const onsets = notes.map((note) => Math.round(note.ticks * scale) + offset)
      // abc2midi's beat accents (%%MIDI beat 105 95 80): 105 for the note that starts a bar.
      const accentsRight = notes.every((note, j) => {
        const t = onsets[j] ?? 0
        return t === ours[0]?.startTicks || (Math.round(note.velocity * 127) === 105) === ((t - pickupTicks) % barTicks === 0)
      })
      const pitchesRight = notes.length === ours.length && notes.every((note, j) => note.midi === ours[j]?.pitch && onsets[j] === ours[j]?.startTicks)
      if (!accentsRight || !pitchesRight) misplaced.push(name)
    })
    console.log(`abc2midi read ${files.size} tunes of our ABC; notes or bar accents differing: ${misplaced.length}`)
    expect(misplaced).toEqual([])
  })
})

/** The melody track's notes as the file holds them, in our ticks: the highest at each onset. */
function fileNotes(bytes: Uint8Array, track: number): { pitch: number; startTicks: number }[] {
  const midi = new toneMidi.Midi(bytes)
  const scale = 480 / midi.header.ppq
  const byOnset = new Map<number, number>()
  for (const note of midi.tracks[track]?.notes ?? []) byOnset.set(note.ticks, Math.max(byOnset.get(note.ticks) ?? 0, note.midi))
  return [...byOnset].sort((a, b) => a[0] - b[0]).map(([ticks, pitch]) => ({ pitch, startTicks: ticks * scale }))
}

interface RoundTrip {
  readonly imported: MidiImport
  readonly abc: string
  readonly again: Melody
  readonly bytes: Uint8Array
}

/** MIDI → melody → ABC → melody → MIDI, the way the studio shows and saves an imported file. */
function midiThroughAbc(bytes: Uint8Array): RoundTrip {
  const imported = midiToMelody(bytes)
  const abc = melodyToAbc(imported.melody)
  const tune = abcToMelodies(abc).tunes[0]
  if (!tune?.melody || tune.problems.some((p) => p.severity === 'error')) throw new Error(`our ABC did not read back: ${JSON.stringify(tune?.problems)}`)
  return { imported, abc, again: tune.melody, bytes: melodyToMidi(tune.melody) }
}

/**
 * Each file through MIDI → ABC → MIDI, and the MIDI we wrote read back by mido: how many keep
 * every note (pitch for pitch, onsets within a sixteenth of the file's), and the largest onset
 * difference; our own reading of what we wrote must give the first import's melody exactly.
 */
async function measureRoundTrips(label: string, files: readonly { name: string; bytes: Uint8Array }[]) {
  const dir = mkdtempSync(join(tmpdir(), 'midi-round-trip-'))
  const trips: { name: string; bytes: Uint8Array; trip: RoundTrip }[] = []
  for (const [i, { name, bytes }] of files.entries()) {
    if (i % 25 === 0) await breathe()
    trips.push({ name, bytes, trip: midiThroughAbc(bytes) })
  }
  const paths = trips.map(({ trip }, i) => {
    const path = join(dir, `${i}.mid`)
    writeFileSync(path, trip.bytes)
    return path
  })
  const readings = readWithMido(paths)
  rmSync(dir, { recursive: true, force: true })
  let sameNotes = 0
  let largest = 0
  const unequal: string[] = []
  const notExact: string[] = []
  for (const [i, { name, bytes, trip }] of trips.entries()) {
    if (i % 25 === 0) await breathe()
    const original = fileNotes(bytes, trip.imported.track)
    const final = readings[paths[i]!]!.notes
    const differences = original.map((note, j) => Math.abs(note.startTicks - (final[j]?.[1] ?? Number.POSITIVE_INFINITY)))
    const kept = final.length === original.length && original.every((note, j) => note.pitch === final[j]?.[0]) && differences.every((d) => d < SIXTEENTH)
    if (kept) {
      sameNotes++
      largest = Math.max(largest, ...differences)
    } else unequal.push(name)
    const back = midiToMelody(trip.bytes).melody
    // The ABC keeps notes, meter and bar lines (its tempo is written in whole quarter notes a minute).
    const { imported, again } = trip
    const abcKept = [again.notes, again.meter, again.pickupTicks].every((value, k) => JSON.stringify(value) === JSON.stringify([imported.melody.notes, imported.melody.meter, imported.melody.pickupTicks][k]))
    if (JSON.stringify(back) !== JSON.stringify(again) || !abcKept) notExact.push(name)
  }
  console.log(
    `${label}: ${files.length} files through MIDI → ABC → MIDI, none unreadable; every note kept (onsets within a sixteenth) in ${percent(sameNotes, files.length)}, largest onset difference ${largest} ticks; ` +
      `melody changed by the trip: ${notExact.length}; notes not kept: ${unequal.slice(0, 20).join(', ')}${unequal.length > 20 ? ', …' : ''}`
  )
  return { trips, sameNotes, notExact }
}

describe('MIDI → ABC → MIDI', () => {
  it('keeps every note of the Nottingham dataset\'s own MIDI files, and their bar lines where the file has them', async () => {
    const dir = sharedPath('corpus/nottingham/midi')
    const files = readdirSync(dir)
      .filter((name) => name.endsWith('.mid'))
      .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }))
    expect(files.length).toBe(801)
    const { trips, sameNotes, notExact } = await measureRoundTrips('Nottingham MIDI', files)
    expect(notExact).toEqual([])
    expect(sameNotes / files.length).toBeGreaterThanOrEqual(0.97)
    // The dataset's files start with a whole bar: the pickup after a rest (the first note of jigs1
    // is an eighth before the first bar line). The grid from tick 0 is the right one.
    const onTheGrid = trips.filter(({ trip }) => trip.imported.melody.pickupTicks === undefined).length
    console.log(`Nottingham MIDI: bar lines from tick 0 (their grid) for ${percent(onTheGrid, files.length)}`)
    expect(onTheGrid / files.length).toBeGreaterThanOrEqual(0.99)
  })

  // abc2midi plays a pickup from tick 0, so the bar lines must be inferred; its files carry beat
  // accents and, by default, guitar chords on other tracks. Without either (every velocity equal,
  // `-NGUI`), only the melody's rhythm is left to infer from.
  const abc2midiCases = [
    { label: 'abc2midi', args: [] as string[], flatten: false, threshold: 0.98 },
    { label: 'abc2midi -NGUI, every velocity equal', args: ['-NGUI'], flatten: true, threshold: 0.9 }
  ]
  for (const { label, args, flatten, threshold } of abc2midiCases) {
    it(`infers the pickup of the corpus tunes played by ${label} as the ABC writes it, and keeps their notes`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'abc2midi-pickups-'))
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
      const files: { name: string; bytes: Uint8Array; pickup: number }[] = []
      for (const { book, text, tunes, pickups } of corpus) {
        const played = abc2midiFiles(text, dir, book, args)
        tunes.forEach((tune, i) => {
          const path = played.get(tune.number)
          if (!path) return
          let bytes: Uint8Array = readFileSync(path)
          if (flatten) {
            const midi = new toneMidi.Midi(bytes)
            for (const track of midi.tracks) for (const note of track.notes) note.velocity = 0.75
            bytes = midi.toArray()
          }
          files.push({ name: `${book} X:${tune.number}`, bytes, pickup: pickups[i] ?? 0 })
        })
      }
      expect(files.length).toBe(801)
      const { trips, sameNotes, notExact } = await measureRoundTrips(label, files)
      expect(notExact).toEqual([])
      expect(sameNotes / files.length).toBeGreaterThanOrEqual(0.97)
      const wrong = trips.flatMap(({ trip }, i) => ((trip.imported.melody.pickupTicks ?? 0) === files[i]!.pickup ? [] : [`${files[i]!.name} (${files[i]!.pickup} → ${trip.imported.melody.pickupTicks ?? 0})`]))
      const right = files.length - wrong.length
      const shifts = trips.filter(({ trip }) => trip.imported.warnings.some((w) => w.includes('fit bar lines'))).length
      console.log(`${label}: pickup inferred as written for ${percent(right, files.length)}; grid shifts reported in ${shifts} files; wrong: ${wrong.join(', ')}`)
      expect(right / files.length).toBeGreaterThanOrEqual(threshold)
    })
  }
})
