import toneMidi from '@tonejs/midi'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../testing/seedSong'
import { abcToMelodies } from './abcIn'
import type { Melody } from './melody'
import { MidiImportError, midiToMelody, melodyToMidi, quantizeTicks } from './midi'

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
