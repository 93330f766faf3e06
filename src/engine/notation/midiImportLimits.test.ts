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

describe('MIDI events are walked before @tonejs/midi reads them', () => {
  const file = (track: number[]) =>
    Uint8Array.from([...Buffer.from('MThd'), 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0, ...Buffer.from('MTrk'), 0, 0, 0, track.length, ...track])

  it('refuses a 27-byte file whose text event says it holds 2^28 bytes (midi-file built that string: out of memory)', () => {
    const bytes = file([0x00, 0xff, 0x01, 0xff, 0xff, 0xff, 0x7f, 0x61, 0x62, 0x63])
    expect(() => midiToMelody(bytes)).toThrow(/damaged or truncated: the event at byte 22 says it holds 268435455 bytes, more than its track has left/)
  })

  it('refuses data with no event before it, and a note cut off at the end of its track', () => {
    expect(() => midiToMelody(file([0x00, 0x3c, 0x40]))).toThrow(/byte 23 is data with no event before it/)
    expect(() => midiToMelody(file([0x00, 0x90, 0x3c]))).toThrow(/the event at byte 22 is cut off/)
  })
})

describe('note codes within the limits', () => {
  it('refuses a code of 99,999,999 ticks by name', () => {
    expect(() => noteCodesToMelody(parseNoteCodes('c4 d:99999999 e4'))).toThrow(/note 2 .* NOTE_MAX_QUARTERS/)
  })
})
