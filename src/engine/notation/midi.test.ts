import toneMidi from '@tonejs/midi'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../testing/seedSong'
import { abcToMelodies } from './abcIn'
import type { Melody } from './melody'
import { BAR_WARNINGS_MAX, describeTicks, MidiImportError, midiToMelody, melodyToMidi, quantizeTicks } from './midi'

const nabiya = abcToMelodies(readFileSync(sharedPath('songs/nabiya.abc'), 'utf8')).tunes[0]!.melody!

function twoTrackFile(): Uint8Array {
  const midi = new toneMidi.Midi()
  const chords = midi.addTrack()
  chords.name = 'chords'
  for (const ticks of [0, 960]) for (const pitch of [48, 52, 55]) chords.addNote({ midi: pitch, ticks, durationTicks: 960 })
  const tune = midi.addTrack()
  tune.name = 'tune'
  // Played, not notated: a little early and late.
  tune.addNote({ midi: 72, ticks: 3, durationTicks: 470 })
  tune.addNote({ midi: 74, ticks: 478, durationTicks: 244 })
  tune.addNote({ midi: 76, ticks: 958, durationTicks: 162 })
  return midi.toArray()
}

describe('MIDI', () => {
  it('writes tempo, meter, key and names, and reads them back', () => {
    const minor: Melody = { ...nabiya, key: { tonic: 'E', mode: 'minor', fifths: 1 }, tempo: 96 }
    const back = midiToMelody(melodyToMidi(minor))
    expect(back.melody).toEqual(minor)
    expect(back.tracks).toHaveLength(1)
    expect(back.tracks[0]?.name).toBe(nabiya.title)
  })

  it('picks the most melodic track, or the one asked for, and quantises played timing', () => {
    const imported = midiToMelody(twoTrackFile())
    expect(imported.track).toBe(1)
    expect(imported.melody.notes).toEqual([
      { pitch: 72, startTicks: 0, durationTicks: 480 },
      { pitch: 74, startTicks: 480, durationTicks: 240 },
      { pitch: null, startTicks: 720, durationTicks: 240 },
      { pitch: 76, startTicks: 960, durationTicks: 160 }
    ])
    expect(imported.warnings).toContain('timing quantised to the nearest sixteenth or triplet eighth')
    const chords = midiToMelody(twoTrackFile(), { track: 0 })
    expect(chords.melody.notes.map((n) => n.pitch)).toEqual([55, 55])
    expect(chords.warnings).toContain('the track sounds several notes at once: the highest was kept')
    expect(() => midiToMelody(twoTrackFile(), { track: 5 })).toThrow(/the file has 2 tracks; there is no track 5/)
  })

  it('snaps to the nearer of the sixteenth and triplet-eighth grids', () => {
    expect([0, 55, 70, 118, 161, 250, 330].map(quantizeTicks)).toEqual([0, 0, 120, 120, 160, 240, 320])
  })

  it('refuses truncated files, random bytes, an empty file and a file without notes, with a MidiImportError', () => {
    const whole = melodyToMidi(nabiya)
    const truncated = whole.slice(0, Math.floor(whole.length / 2))
    expect(() => midiToMelody(truncated)).toThrow(MidiImportError)
    expect(() => midiToMelody(truncated)).toThrow(/damaged or truncated/)
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 251)
    expect(() => midiToMelody(random)).toThrow(/not a MIDI file/)
    expect(() => midiToMelody(new Uint8Array())).toThrow(/not a MIDI file/)
    const headerThenRandom = Uint8Array.from([...whole.slice(0, 14), ...random.slice(0, 200)])
    expect(() => midiToMelody(headerThenRandom)).toThrow(MidiImportError)
    const silent = new toneMidi.Midi()
    silent.addTrack()
    expect(() => midiToMelody(silent.toArray())).toThrow(/has no notes/)
  })

  it('reads a file of the dataset: the melody track, not the chords', () => {
    const imported = midiToMelody(readFileSync(sharedPath('corpus/nottingham/midi/jigs1.mid')))
    expect(imported.tracks.length).toBeGreaterThanOrEqual(2)
    expect(imported.tracks[imported.track]!.polyphony).toBe(0)
    expect(imported.melody.meter).toEqual({ numerator: 6, denominator: 8 })
    expect(imported.melody.notes.filter((n) => n.pitch !== null).slice(0, 5).map((n) => n.pitch)).toEqual([78, 76, 73, 73, 73])
  })
})

/** A file as other programs write one: 6/8, no text of ours; notes as [pitch, start, length] in ticks. */
function foreignFile(notes: [number, number, number][], options: { signatures?: [number, number, number][]; velocity?: (i: number) => number } = {}): Uint8Array {
  const midi = new toneMidi.Midi()
  for (const [ticks, numerator, denominator] of options.signatures ?? [[0, 6, 8]]) midi.header.timeSignatures.push({ ticks, timeSignature: [numerator, denominator] })
  midi.header.update()
  const track = midi.addTrack()
  notes.forEach(([pitch, ticks, durationTicks], i) => track.addNote({ midi: pitch, ticks, durationTicks, velocity: (options.velocity?.(i) ?? 100) / 127 }))
  return midi.toArray()
}

/** A jig from tick 0 with a pickup of an eighth: `A | d2e f2d | …`, as abc2midi plays it. */
function jigNotes(bars: number): [number, number, number][] {
  const notes: [number, number, number][] = [[69, 0, 240]]
  for (let bar = 0; bar < bars; bar++) {
    const start = 240 + bar * 1440
    notes.push([74, start, 480], [76, start + 480, 240], [78, start + 720, 480], [74, start + 1200, 240])
  }
  return notes
}

describe('MIDI bar lines', () => {
  it('writes a pickup that our import reads back exactly, a triplet eighth too', () => {
    for (const pickupTicks of [240, 720, 160]) {
      const melody: Melody = { ...nabiya, meter: { numerator: 6, denominator: 8 }, pickupTicks }
      const back = midiToMelody(melodyToMidi(melody))
      expect(back.melody).toEqual(melody)
      expect(back.warnings).toEqual([])
    }
  })

  it('reads a pickup written as a first bar of its own time signature, as notation programs write it', () => {
    const imported = midiToMelody(foreignFile(jigNotes(8), { signatures: [[0, 1, 8], [240, 6, 8]] }))
    expect(imported.melody.meter).toEqual({ numerator: 6, denominator: 8 })
    expect(imported.melody.pickupTicks).toBe(240)
    expect(imported.warnings).toEqual([])
  })

  it('infers the pickup of a file that plays it from tick 0, takes the meter in force at the first note, and says it guessed', () => {
    // abc2midi writes 4/4 and then the tune's 6/8, both at tick 0.
    const imported = midiToMelody(foreignFile(jigNotes(8), { signatures: [[0, 4, 4], [0, 6, 8]] }))
    expect(imported.melody.meter).toEqual({ numerator: 6, denominator: 8 })
    expect(imported.melody.pickupTicks).toBe(240)
    expect(imported.warnings).toEqual(['MIDI has no bar lines: they were placed where the notes fit the meter best, the first an eighth into the file (a pickup of an eighth)'])
  })

  it('names by bar what it could not keep exactly: tuplets moved to the grid, notes too short, chords, meter changes', () => {
    const notes = jigNotes(8)
    // Bar 2 (from tick 1680): six sixteenth-note triplets in place of its first quarter; two of them
    // (80 and 400 ticks in) lie on neither grid, the others on the triplet-eighth grid.
    notes.splice(5, 1, ...Array.from({ length: 6 }, (_, i): [number, number, number] => [74 + i, 1680 + i * 80, 80]))
    // Bar 3: a grace note of 10 ticks; bar 4: a chord's lower note.
    notes.push([73, 3120, 10], [62, 4560, 480])
    const imported = midiToMelody(foreignFile(notes.sort((a, b) => a[1] - b[1]), { signatures: [[0, 6, 8], [7440, 3, 4]] }))
    expect(imported.melody.pickupTicks).toBe(240)
    expect(imported.warnings).toEqual(
      expect.arrayContaining([
        'bar 2: 2 notes (sixteenth-note triplets) moved to the nearest sixteenth or triplet eighth',
        'bar 3: a note shorter than the grid dropped',
        'bar 4: a note under a higher one at the same time left out',
        'bar 6: the time signature changes to 3/4 (the melody keeps 6/8)'
      ])
    )
  })

  it(`names at most ${BAR_WARNINGS_MAX} bars, then counts the rest`, () => {
    const notes = jigNotes(30).flatMap(([pitch, start, length]): [number, number, number][] => [[pitch, start, length], [pitch - 12, start, length]])
    const warnings = midiToMelody(foreignFile(notes)).warnings.filter((w) => /^bar |^the pickup bar|^and /.test(w))
    expect(warnings).toHaveLength(BAR_WARNINGS_MAX + 1)
    expect(warnings[0]).toBe('the pickup bar: a note under a higher one at the same time left out')
    expect(warnings.at(-1)).toBe('and 21 more bars like these, up to bar 30')
  })

  it('says lengths in words', () => {
    expect([240, 480, 720, 960, 120, 160, 7].map(describeTicks)).toEqual(['an eighth', 'a quarter', '3 eighths', 'a half note', 'a sixteenth', 'a triplet eighth', '7 ticks'])
  })
})
