// The Nottingham corpus (801 tunes), read by us and by independent tools: Debian's abc2midi
// for ABC, python3-mido for the MIDI files we write, and the dataset's own MIDI renderings.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { abc2midiMelodies } from '../testing/abc2midi'
import { readWithMido } from '../testing/mido'
import { sharedPath } from '../testing/seedSong'
import { abcToMelodies, type AbcTune } from './abcIn'
import { melodyToAbc } from './abcOut'
import { midiToMelody, melodyToMidi } from './midi'

const BOOKS = ['jigs', 'reelsa-c', 'reelsd-g', 'reelsh-l', 'reelsm-q', 'reelsr-t', 'reelsu-z']
const bookPath = (book: string) => sharedPath(`corpus/nottingham/abc/${book}.abc`)
const corpus = BOOKS.map((book) => ({ book, tunes: abcToMelodies(readFileSync(bookPath(book), 'utf8')).tunes }))
const allTunes = corpus.flatMap(({ book, tunes }) => tunes.map((tune) => ({ book, tune })))
const sounding = (tune: AbcTune) => (tune.melody?.notes ?? []).filter((n) => n.pitch !== null)

describe('the Nottingham corpus', () => {
  it('imports every tune of every file with no error, warnings counted', () => {
    expect(allTunes).toHaveLength(801)
    const errors = allTunes.flatMap(({ book, tune }) => tune.problems.filter((p) => p.severity === 'error').map((p) => `${book} X:${tune.number}: ${p.message}`))
    expect(errors).toEqual([])
    const warnings = new Map<string, number>()
    for (const { tune } of allTunes) for (const p of tune.problems) warnings.set(p.message.replace(/'.*'/, "'…'"), (warnings.get(p.message.replace(/'.*'/, "'…'")) ?? 0) + 1)
    console.log(`801 tunes imported; warnings: ${[...warnings].map(([m, n]) => `${n}× ${m}`).join('; ')}`)
    expect(allTunes.every(({ tune }) => sounding(tune).length > 0)).toBe(true)
  })

  it('agrees note for note (pitches and onsets) with abc2midi', () => {
    const differing: string[] = []
    for (const { book } of corpus) {
      const reference = abc2midiMelodies(bookPath(book))
      // abc2midi's own reading of repeats, to compare like with like (see RepeatReading).
      for (const tune of abcToMelodies(readFileSync(bookPath(book), 'utf8'), { repeats: 'abc2midi' }).tunes) {
        const ours = sounding(tune)
        const theirs = reference.get(tune.number) ?? []
        const ourStart = ours[0]?.startTicks ?? 0
        const theirStart = theirs[0]?.startTicks ?? 0
        const same =
          ours.length === theirs.length &&
          ours.every((n, i) => n.pitch === theirs[i]?.pitch && n.startTicks - ourStart === (theirs[i]?.startTicks ?? 0) - theirStart)
        if (!same) differing.push(`${book} X:${tune.number} ${tune.title} (${ours.length} vs ${theirs.length} notes)`)
      }
    }
    const agreeing = 801 - differing.length
    console.log(`abc2midi agreement: ${agreeing}/801 (${((agreeing / 801) * 100).toFixed(1)} %); differing:\n  ${differing.join('\n  ')}`)
    // The tunes that differ, each looked at:
    // - jigs X:81, X:256, reelsd-g X:8, reelsh-l X:35, reelsu-z X:29: a `:|` with no `|:` after
    //   earlier repeats; abc2midi goes back to a different bar in each (to the last `|:` in
    //   reelsd-g X:8 but not in jigs X:1, which agrees): we keep one rule, see playingOrder.
    // - jigs X:153: an unclosed chord `[e3-c3][e2c2(3A…`, which each parser mends its own way.
    // - reelsa-c X:81: the bar signs `|||:` and `:|:`, which abcjs reports as unknown.
    // - reelsd-g X:1: chords in the old `[+GB]` convention, read as a decoration by abcjs.
    expect(agreeing / 801).toBeGreaterThanOrEqual(0.99)
  })

  it('round-trips every tune ABC → melody → ABC → melody identically', () => {
    const differing = allTunes.filter(({ tune }) => {
      const again = abcToMelodies(melodyToAbc(tune.melody!)).tunes[0]?.melody
      return JSON.stringify(again) !== JSON.stringify(tune.melody)
    })
    expect(differing.map(({ book, tune }) => `${book} X:${tune.number}`)).toEqual([])
  })

  it('round-trips every tune melody → MIDI → melody identically', () => {
    const differing = allTunes.filter(({ tune }) => {
      const again = midiToMelody(melodyToMidi(tune.melody!)).melody
      return JSON.stringify(again) !== JSON.stringify(tune.melody)
    })
    expect(differing.map(({ book, tune }) => `${book} X:${tune.number}`)).toEqual([])
  })

  it('writes MIDI that mido reads back to the same notes, tempo, meter and key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mido-'))
    const sample = allTunes.filter((_, i) => i % 20 === 0)
    const files = sample.map(({ book, tune }) => {
      const path = join(dir, `${book}-${tune.number}.mid`)
      writeFileSync(path, melodyToMidi(tune.melody!))
      return path
    })
    const readings = readWithMido(files)
    sample.forEach(({ tune }, i) => {
      const reading = readings[files[i]!]!
      const melody = tune.melody!
      expect(reading.ticksPerBeat).toBe(480)
      expect(reading.notes).toEqual(sounding(tune).map((n) => [n.pitch, n.startTicks, n.durationTicks]))
      expect(reading.tempo).toBeCloseTo(melody.tempo, 3)
      expect(reading.meter).toEqual([melody.meter.numerator, melody.meter.denominator])
      expect(reading.key).toBe(`${melody.key.tonic}${melody.key.mode === 'minor' ? 'm' : ''}`)
    })
    console.log(`mido read ${files.length} of our MIDI files back exactly`)
  })

  it('reads the dataset\'s own MIDI files (jigs) as the same tunes as their ABC', () => {
    // The dataset's MIDI files were rendered with their own reading of the ABC: the header `Y:`
    // as part order, an accidental for its note only, tied notes struck again (see
    // RepeatReading). Read the same way, the ABC gives what our MIDI import reads.
    const jigs = abcToMelodies(readFileSync(bookPath('jigs'), 'utf8'), { repeats: 'nottingham-midi' }).tunes
    let same = 0
    const differing: string[] = []
    for (const tune of jigs) {
      const fromMidi = midiToMelody(readFileSync(sharedPath(`corpus/nottingham/midi/jigs${tune.number}.mid`))).melody
      const a = sounding(tune).map((n) => n.pitch)
      const b = fromMidi.notes.filter((n) => n.pitch !== null).map((n) => n.pitch)
      if (a.join() === b.join()) same++
      else differing.push(`X:${tune.number} (${a.length} notes from ABC, ${b.length} from MIDI)`)
    }
    console.log(`jigs: MIDI and ABC give the same pitch sequence for ${same}/${jigs.length} tunes; differing: ${differing.join(', ')}`)
    // The rest the renderer played with other repeats: most through more often (X:2, 3, 9, 81,
    // 110, …), one less often (X:237).
    expect(same / jigs.length).toBeGreaterThanOrEqual(0.95)
  })
})
