import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SONG_MAX_NOTES, SONG_MAX_QUARTERS } from '../../shared/limits'
import { LimitError, SongError, SongSyntaxError } from '../errors'
import { nabiyaNotes, sharedPath } from '../testing/seedSong'
import { melodyEndTicks } from './melody'
import { midiToMelody } from './midi'
import {
  inStandardLengths,
  joinNoteCodes,
  melodyToNoteCodes,
  melodyToPlacedCodes,
  noteCodeMidiPitch,
  noteCodeToString,
  noteCodesToMelody,
  noteCodesToText,
  parseNoteCodes,
  STANDARD_TICKS,
  standardPieces
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
    expect(melodyToNoteCodes(noteCodesToMelody(varied)).map(noteCodeToString)).toEqual(["^f'8", 'r4', "^a,4.", 'e8t', 'e8t', 'e8t', 'c4-', 'c16'])
  })
})

describe('tied pieces', () => {
  it('reads and writes a tie as a trailing -, on notes only', () => {
    const notes = parseNoteCodes("c2- c8 ^f'4.- ^f'16 e:96- e8")
    expect(notes.map((n) => n.tied === true)).toEqual([true, false, true, false, true, false])
    expect(notes.map(noteCodeToString)).toEqual(['c2-', 'c8', "^f'4.-", "^f'16", 'e:96-', 'e8'])
    expect(parseNoteCodes(noteCodesToText(notes)).map(noteCodeToString)).toEqual(notes.map(noteCodeToString))
    expect(() => parseNoteCodes('r4- r8')).toThrow(/unknown note code 'r4-'/)
    expect(() => parseNoteCodes('c4--')).toThrow(/unknown note code/)
  })

  it('joins a tied piece with the next code of its pitch, and rests in a row, into one melody note', () => {
    const codes = parseNoteCodes('c2- c8 c4 r4 r8 d4- e4 f4- f4- f8 g4-')
    const { notes, noteOfCode } = joinNoteCodes(codes)
    expect(notes).toEqual([
      { pitch: 60, startTicks: 0, durationTicks: 1200 }, // c2- c8: five eighths
      { pitch: 60, startTicks: 1200, durationTicks: 480 }, // c4 was not tied to: a note of its own
      { pitch: null, startTicks: 1680, durationTicks: 720 }, // r4 r8
      { pitch: 62, startTicks: 2400, durationTicks: 480 }, // a tie into another pitch ends the note
      { pitch: 64, startTicks: 2880, durationTicks: 480 },
      { pitch: 65, startTicks: 3360, durationTicks: 1200 }, // f4- f4- f8
      { pitch: 67, startTicks: 4560, durationTicks: 480 } // a tie at the end: the note ends there
    ])
    expect(noteOfCode).toEqual([0, 0, 1, 2, 2, 3, 4, 5, 5, 5, 6])
    expect(noteCodesToMelody(codes).notes).toEqual(notes)
  })

  it('splits a length into the fewest standard pieces, longest first, exactly', () => {
    expect(standardPieces(1680)).toEqual([1440, 240])
    expect(standardPieces(1200)).toEqual([960, 240])
    expect(standardPieces(600)).toEqual([480, 120])
    expect(standardPieces(2160)).toEqual([1920, 240])
    // Longest first alone would take 180 and be left with 20, which no code has.
    expect(standardPieces(200)).toEqual([160, 40])
    expect(standardPieces(7680)).toEqual([2880, 2880, 1920])
    // As few pieces either way: pieces of the length's own kind, straight or triplet.
    expect(standardPieces(1320)).toEqual([960, 360])
    expect(standardPieces(400)).toEqual([320, 80])
    expect(standardPieces(480)).toEqual([480])
    // No sum of standard lengths gives these: a quintuplet sixteenth, and six lengths on the grid.
    for (const ticks of [96, 1, 10, 20, 30, 50, 70, 110, 0, -240, 240.5]) expect(standardPieces(ticks)).toBeUndefined()
  })

  it('finds the fewest pieces for every length up to four bars, as a breadth-first search does', () => {
    // The fewest standard pieces for each length, by a plain search from 0 (independent of the table).
    const limit = 4 * 1920
    const fewest = new Array<number>(limit + 1).fill(Infinity)
    fewest[0] = 0
    let frontier = [0]
    for (let count = 1; frontier.length > 0; count++) {
      const next: number[] = []
      for (const sum of frontier) {
        for (const piece of STANDARD_TICKS) {
          if (sum + piece <= limit && fewest[sum + piece] === Infinity) {
            fewest[sum + piece] = count
            next.push(sum + piece)
          }
        }
      }
      frontier = next
    }
    for (let ticks = 1; ticks <= limit; ticks++) {
      const pieces = standardPieces(ticks)
      if (fewest[ticks] === Infinity) {
        expect(pieces, `${ticks} ticks`).toBeUndefined()
        continue
      }
      expect(pieces?.length, `${ticks} ticks`).toBe(fewest[ticks])
      expect(pieces?.reduce((a, b) => a + b, 0)).toBe(ticks)
      expect(pieces?.every((piece, i) => STANDARD_TICKS.includes(piece) && piece <= (pieces[i - 1] ?? Infinity))).toBe(true)
      // A length of plain and dotted notes (a multiple of 30 ticks) is written without triplets.
      if (ticks % 30 === 0) expect(pieces?.filter((piece) => piece % 30 !== 0), `${ticks} ticks`).toEqual([])
    }
    // Far past the table: dotted wholes, then the table's pieces, still exact.
    const long = standardPieces(SONG_MAX_QUARTERS * 480 - 200) ?? []
    expect(long.reduce((a, b) => a + b, 0)).toBe(SONG_MAX_QUARTERS * 480 - 200)
    // 11,999,800 = 4,166 dotted wholes + 1,720, a triplet length: 1280 + 360 + 80 (two triplets, where 1440 + 240 + 40 has one)
    expect(long).toHaveLength(4169)
    expect(long.slice(-4)).toEqual([2880, 1280, 360, 80])
  })

  it('writes a melody of odd lengths as tied standard codes that join back to the same melody', () => {
    const melody = noteCodesToMelody(parseNoteCodes("c:1200 r:1680 ^f':600 g:2160 e:200 d:96 r:1200 a8"), { title: 'odd' })
    const codes = melodyToNoteCodes(melody)
    expect(codes.map(noteCodeToString)).toEqual(["c2-", 'c8', 'r2.', 'r8', "^f'4-", "^f'16", 'g1-', 'g8', 'e8t-', 'e32t', 'd:96', 'r2', 'r8', 'a8'])
    expect(noteCodesToMelody(codes, { title: 'odd' })).toEqual(melody)
    // Placed codes name the melody note each piece writes.
    expect(melodyToPlacedCodes(melody).map((code) => code.column)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 7, 8])
    // Written codes of odd lengths become the same pieces; a tie written on one stays on its last piece.
    expect(inStandardLengths(parseNoteCodes('c:1200 r:1200 c:600- c8')).map(noteCodeToString)).toEqual(['c2-', 'c8', 'r2', 'r8', 'c4-', 'c16-', 'c8'])
  })

  it('refuses a melody whose pieces come to more than SONG_MAX_NOTES codes, naming the limit', () => {
    const notes = Array.from({ length: SONG_MAX_NOTES / 2 + 1 }, (_, i) => ({ pitch: 60 + (i % 2), startTicks: i * 1200, durationTicks: 1200 }))
    const melody = { ...noteCodesToMelody(parseNoteCodes('c4')), notes }
    expect(() => melodyToNoteCodes(melody)).toThrow(LimitError)
    expect(() => melodyToNoteCodes(melody)).toThrow(/SONG_MAX_NOTES/)
    expect(melodyToNoteCodes({ ...melody, notes: notes.slice(0, SONG_MAX_NOTES / 2) })).toHaveLength(SONG_MAX_NOTES)
  })

  it('gives every Nottingham MIDI file standard codes only, which join back to its notes', () => {
    const folder = sharedPath('corpus/nottingham/midi')
    const files = readdirSync(folder).filter((name) => name.endsWith('.mid'))
    expect(files.length).toBeGreaterThan(800)
    const tied = new Set<string>()
    for (const name of files) {
      const { melody } = midiToMelody(new Uint8Array(readFileSync(join(folder, name))))
      const codes = melodyToNoteCodes(melody)
      const odd = codes.map(noteCodeToString).filter((code) => code.includes(':'))
      expect(odd, name).toEqual([])
      for (const code of codes) if (code.tied) tied.add(name)
      const joined = noteCodesToMelody(codes).notes
      expect(joined.filter((n) => n.pitch !== null), name).toEqual(melody.notes.filter((n) => n.pitch !== null))
      expect(melodyEndTicks({ ...melody, notes: joined }), name).toBe(melodyEndTicks(melody))
    }
    // Notes of five and seven eighths and more came as `:N` before; now tied pieces.
    expect(tied.size).toBeGreaterThan(0)
  })
})
