import toneMidi from '@tonejs/midi'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sharedPath } from '../testing/seedSong'
import { abcToMelodies } from './abcIn'
import type { Melody } from './melody'
import { BAR_LINE_TEXT, melodyToMidi, midiToMelody } from './midi'

const MAJOR_KEYS = ['Cb', 'Gb', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#']
const MINOR_KEYS = ['Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#', 'G#', 'D#', 'A#']

/**
 * The library's answer: the file as @tonejs/midi writes it, with its key-signature byte corrected
 * and the first bar line as a text event.
 */
function tonejsMidi(melody: Melody): Uint8Array {
  const midi = new toneMidi.Midi()
  const name = String.fromCharCode(...new TextEncoder().encode(melody.title))
  midi.header.name = name
  midi.header.setTempo(melody.tempo)
  midi.header.meta.push({ ticks: 0, type: 'text', text: `${BAR_LINE_TEXT}${melody.pickupTicks ?? 0}` })
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [melody.meter.numerator, melody.meter.denominator] })
  const fifths = Math.max(-7, Math.min(7, melody.key.fifths))
  const minor = melody.key.mode === 'minor'
  midi.header.keySignatures.push({ ticks: 0, key: (minor ? MINOR_KEYS : MAJOR_KEYS)[fifths + 7] ?? 'C', scale: minor ? 'minor' : 'major' })
  midi.header.update()
  const track = midi.addTrack()
  track.name = name
  for (const note of melody.notes) {
    if (note.pitch !== null) track.addNote({ midi: note.pitch, ticks: note.startTicks, durationTicks: note.durationTicks, velocity: 0.8 })
  }
  const bytes = midi.toArray()
  const at = bytes.findIndex((byte, i) => byte === 0xff && bytes[i + 1] === 0x59 && bytes[i + 2] === 0x02)
  bytes[at + 3] = fifths & 0xff
  return bytes
}

const corpusMelodies = readdirSync(sharedPath('corpus/nottingham/abc'))
  .filter((name) => name.endsWith('.abc'))
  .flatMap((name) => abcToMelodies(readFileSync(sharedPath(`corpus/nottingham/abc/${name}`), 'utf8')).tunes)
  .flatMap((tune) => (tune.melody ? [tune.melody] : []))

describe('melodyToMidi', () => {
  it('names the first bar line in a text event, and leaves the notes and the one time signature as they are', () => {
    const melody: Melody = { ...corpusMelodies[0]!, meter: { numerator: 6, denominator: 8 }, pickupTicks: 240 }
    const read = new toneMidi.Midi(melodyToMidi(melody))
    expect(read.header.timeSignatures.map((s) => [s.ticks, ...s.timeSignature])).toEqual([[0, 6, 8]])
    expect(read.header.meta).toEqual([{ ticks: 0, type: 'text', text: `${BAR_LINE_TEXT}240` }])
    expect(read.tracks[0]?.notes[0]?.ticks).toBe(melody.notes.find((n) => n.pitch !== null)?.startTicks)
  })

  it('writes the same bytes as @tonejs/midi for every 10th tune of the corpus, for a Korean title in a minor key, and for pickups', () => {
    const melodies = corpusMelodies.filter((_, i) => i % 10 === 0)
    expect(melodies.length).toBeGreaterThan(70)
    melodies.push({ ...melodies[0]!, title: '나비야', key: { tonic: 'E', mode: 'minor', fifths: 1 }, tempo: 96.5, meter: { numerator: 6, denominator: 8 } })
    // A pickup of an eighth in 6/8, a half bar in 4/4, a triplet eighth.
    melodies.push({ ...melodies[0]!, meter: { numerator: 6, denominator: 8 }, pickupTicks: 240 })
    melodies.push({ ...melodies[1]!, meter: { numerator: 4, denominator: 4 }, pickupTicks: 960 })
    melodies.push({ ...melodies[2]!, meter: { numerator: 4, denominator: 4 }, pickupTicks: 160 })
    for (const melody of melodies) expect(Buffer.from(melodyToMidi(melody)).equals(Buffer.from(tonejsMidi(melody)))).toBe(true)
  })

  it('writes 16,000 notes in one pass: @tonejs/midi reads them all back', () => {
    const notes = Array.from({ length: 16_000 }, (_, i) => ({ pitch: 48 + (i % 24), startTicks: i * 240, durationTicks: 240 }))
    const melody: Melody = { title: 'long', tempo: 120, meter: { numerator: 4, denominator: 4 }, key: { tonic: 'C', mode: 'major', fifths: 0 }, notes }
    const bytes = melodyToMidi(melody)
    const read = new toneMidi.Midi(bytes)
    expect(read.tracks[0]?.notes).toHaveLength(16_000)
    expect(read.tracks[0]?.notes.at(-1)).toMatchObject({ midi: notes.at(-1)!.pitch, ticks: notes.at(-1)!.startTicks, durationTicks: 240 })
    expect(midiToMelody(bytes).melody.notes).toEqual(notes)
  })

  it('refuses a melody past the limits before writing anything', () => {
    const melody: Melody = {
      title: 'x', tempo: 120, meter: { numerator: 4, denominator: 4 }, key: { tonic: 'C', mode: 'major', fifths: 0 },
      notes: [{ pitch: 60, startTicks: 0, durationTicks: 6_000_000_000 }]
    }
    expect(() => melodyToMidi(melody)).toThrow(/NOTE_MAX_QUARTERS/)
    expect(() => melodyToMidi({ ...melody, notes: [{ pitch: 60, startTicks: 0, durationTicks: 480 }], tempo: 0 })).toThrow(/TEMPO/)
    expect(() => melodyToMidi({ ...melody, notes: [{ pitch: 60, startTicks: 0, durationTicks: -480 }] })).toThrow(/no valid place or length/)
  })
})
