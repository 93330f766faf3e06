import { describe, expect, it } from 'vitest'
import { SongError, SongSyntaxError } from '../errors'
import { nabiyaNotes } from '../testing/seedSong'
import {
  melodyToNoteCodes,
  noteCodeMidiPitch,
  noteCodeToString,
  noteCodesToMelody,
  noteCodesToText,
  parseNoteCodes
} from './noteCodes'

describe('note codes', () => {
  it('reads 나비야 as the seed\'s 54 codes', () => {
    const codes = nabiyaNotes().map(noteCodeToString)
    expect(codes).toHaveLength(54)
    expect(codes.slice(0, 6)).toEqual(['g8', 'e8', 'e4', 'f8', 'd8', 'd4'])
    expect(codes.slice(-4)).toEqual(['g8', 'e8', 'e8', 'e4'])
  })

  it('reads rests, dotted notes, all five lengths; ignores bars and comments', () => {
    const notes = parseNoteCodes('# a comment line\nc1 d2. | r4 e8 # trailing comment\nf16 |\n')
    expect(notes.map(noteCodeToString)).toEqual(['c1', 'd2.', 'r4', 'e8', 'f16'])
    expect(notes[1]).toMatchObject({ pitch: 'd', ticks: 1440, line: 2, column: 4 })
    expect(notes[2]).toMatchObject({ pitch: 'r', ticks: 480 })
    expect(notes[4]).toMatchObject({ line: 3, column: 1 })
  })

  it('names the line, column and token of an unknown code', () => {
    const read = () => parseNoteCodes('g8 e8 e4\nf8 h4 d4\n')
    expect(read).toThrow(SongSyntaxError)
    expect(read).toThrow(/^line 2, column 4: unknown note code 'h4'/)
    try {
      read()
    } catch (error) {
      expect(error).toMatchObject({ line: 2, column: 4, token: 'h4' })
    }
    expect(() => parseNoteCodes('c3')).toThrow(/line 1, column 1: unknown note code 'c3'/)
    expect(() => parseNoteCodes('c4..')).toThrow(/'c4\.\.'/)
  })

  it('refuses an empty song, comments only included', () => {
    expect(() => parseNoteCodes('')).toThrow(SongError)
    expect(() => parseNoteCodes('# nothing here\n | | \n')).toThrow(/the song is empty/)
  })

  it('writes codes back to text that reads the same', () => {
    const notes = nabiyaNotes()
    expect(parseNoteCodes(noteCodesToText(notes)).map(noteCodeToString)).toEqual(notes.map(noteCodeToString))
  })

  it('writes any pitch and length: accidentals, octaves, triplets and raw ticks', () => {
    const notes = parseNoteCodes("^f'8 _b,4 e8t c:600 c''4 r16 g32")
    expect(notes.map(noteCodeMidiPitch)).toEqual([78, 58, 64, 60, 84, null, 67])
    expect(notes.map((n) => n.ticks)).toEqual([240, 480, 160, 600, 480, 120, 60])
    expect(notes.map(noteCodeToString)).toEqual(["^f'8", "_b,4", 'e8t', 'c:600', "c''4", 'r16', 'g32'])
    expect(() => parseNoteCodes("^r4")).toThrow(/unknown note code/)
    expect(() => parseNoteCodes('c:0')).toThrow(/unknown note code/)
  })

  it('round-trips note codes → melody → note codes', () => {
    const notes = nabiyaNotes()
    const melody = noteCodesToMelody(notes, { title: '나비야' })
    expect(melody.notes).toHaveLength(54)
    expect(melody.notes[0]).toEqual({ pitch: 67, startTicks: 0, durationTicks: 240 })
    expect(melody.notes[2]).toEqual({ pitch: 64, startTicks: 480, durationTicks: 480 })
    expect(melodyToNoteCodes(melody).map(noteCodeToString)).toEqual(notes.map(noteCodeToString))
    const varied = parseNoteCodes("^f'8 r4 _b,4. e8t e8t e8t c:600")
    expect(melodyToNoteCodes(noteCodesToMelody(varied)).map(noteCodeToString)).toEqual(["^f'8", 'r4', "^a,4.", 'e8t', 'e8t', 'e8t', 'c:600'])
  })
})
