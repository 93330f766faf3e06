import toneMidi from '@tonejs/midi'
import { describe, expect, it } from 'vitest'
import { LimitError } from '../errors'
import { melodyToAbc } from './abcOut'
import { midiToMelody } from './midi'
import { noteCodesToMelody, parseNoteCodes } from './noteCodes'

/** A small file (a few dozen bytes) whose ticks per quarter and note times make a song of hours. */
function farNoteFile(ppq: number, farTicks: number): Uint8Array {
  const midi = new toneMidi.Midi()
  midi.header.fromJSON({ ...midi.header.toJSON(), ppq })
  const track = midi.addTrack()
  track.addNote({ midi: 60, ticks: 0, durationTicks: ppq })
  track.addNote({ midi: 62, ticks: farTicks, durationTicks: ppq })
  return midi.toArray()
}

describe('MIDI import within the limits', () => {
  it('refuses a tiny file whose second note starts 100,000 quarter notes in (it became megabytes of ABC rests)', () => {
    const bytes = farNoteFile(1, 100_000)
    expect(bytes.length).toBeLessThan(100)
    expect(() => midiToMelody(bytes)).toThrow(LimitError)
    expect(() => midiToMelody(bytes)).toThrow(/track lasts 100,001 quarter notes.*SONG_MAX_QUARTERS/)
  })

  it('keeps a long rest within the limit as one rest, and its ABC stays small', () => {
    const melody = midiToMelody(farNoteFile(480, 480 * 1000)).melody
    expect(melody.notes.map((n) => n.pitch)).toEqual([60, null, 62])
    expect(melodyToAbc(melody).length).toBeLessThan(10_000)
  })

  it('replaces a time signature or tempo no music uses, with a warning', () => {
    const midi = new toneMidi.Midi()
    midi.header.timeSignatures.push({ ticks: 0, timeSignature: [200, 3] })
    midi.header.setTempo(5_000)
    midi.header.update()
    midi.addTrack().addNote({ midi: 60, ticks: 0, durationTicks: 480 })
    const imported = midiToMelody(midi.toArray())
    expect(imported.melody.meter).toEqual({ numerator: 4, denominator: 4 })
    expect(imported.melody.tempo).toBe(1000)
    expect(imported.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/time signature 200\/2 .* 4\/4 is used/), expect.stringMatching(/tempo of 5000 .* 1000 is used/)])
    )
  })
})

describe('note codes within the limits', () => {
  it('refuses a code of 99,999,999 ticks by name', () => {
    expect(() => noteCodesToMelody(parseNoteCodes('c4 d:99999999 e4'))).toThrow(/note 2 .* NOTE_MAX_QUARTERS/)
  })
})
