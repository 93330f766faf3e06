import { describe, expect, it } from 'vitest'
import { abcToMelodies } from './abcIn'
import { importSong } from './songFiles'

const tune = (body: string, header = '') => `X:1\nT:limits\n${header}K:C\n${body}\n`

/** The one error of a one-tune text, as "line:column message". */
function onlyError(text: string): string {
  const imported = abcToMelodies(text)
  const errors = [...imported.problems, ...imported.tunes.flatMap((t) => t.problems)].filter((p) => p.severity === 'error')
  expect(errors).toHaveLength(1)
  expect(imported.tunes.every((t) => t.melody === null)).toBe(true)
  return `${errors[0]!.line}:${errors[0]!.column} ${errors[0]!.message}`
}

describe('ABC past the limits of real music: one error naming the limit and the place', () => {
  it.each([
    ['a note of 99,999,999 eighths', tune('CDE C99999999|'), /^4:5 .*NOTE_MAX_QUARTERS/],
    ['a rest of 99,999,999 eighths', tune('z99999999|'), /^4:1 .*NOTE_MAX_QUARTERS/],
    ['a note too short to sound', tune('C/////////|'), /^4:1 .*NOTE_MIN_WHOLE_FRACTION/],
    ['M:1/1000000', tune('CDEF|', 'M:1/1000000\n'), /^3:1 .*METER_MAX_DENOMINATOR/],
    ['M:1000/1 (a bar of 4,000 quarter notes)', tune('CDEF|', 'M:1000/1\n'), /^3:1 .*METER_MAX_NUMERATOR/],
    ['M:997.5/4 (abcjs reads it as 9.5e29 beats)', tune('CDEF|', 'M:997.5/4\n'), /METER_MAX_NUMERATOR/],
    ['M:64/1 (a bar of 256 quarter notes)', tune('CDEF|', 'M:64/1\n'), /^3:1 .*BAR_MAX_QUARTERS/],
    ['M:1/64 (a bar of a sixteenth of a quarter)', tune('C/16|', 'M:1/64\n'), /^3:1 .*BAR_MIN_QUARTERS/],
    ['L:1/1000000', tune('CDEF|', 'L:1/1000000\n'), /^3:1 .*LENGTH_MAX_DENOMINATOR/],
    ['L:-1/8', tune('CDEF|', 'L:-1/8\n'), /^3:1 .*not a length/],
    ['an inline [L:1/99999]', tune('CD [L:1/99999] EF|'), /^4:4 .*LENGTH_MAX_DENOMINATOR/],
    ['a title of 200,000 characters', `X:1\nT:${'a'.repeat(200_000)}\nK:C\nCDEF|\n`, /^2:1 .*200,002 characters.*ABC_FIELD_MAX_CHARS/],
    ['a chord of 20 notes', tune(`[${"CDEFGABcdefgabc'd'e'f'g'a'"}]2|`), /^4:1 .*CHORD_MAX_NOTES/],
    ['a tempo of a million', tune('CDEF|', 'Q:1/4=1000000\n'), /TEMPO_MAX_BPM/],
    ['P:A99999999', `X:1\nT:parts\nP:A99999999\nK:C\nP:A\nCDEF|\n`, /PART_ORDER_MAX_PARTS/],
    ['nested part groups', `X:1\nT:parts\nP:((((A9)9)9)9)9\nK:C\nP:A\nCDEF|\n`, /PART_ORDER_MAX_PARTS/],
    ['a tune of 160 KiB', tune('CDEF GABc|\n'.repeat(15_000)), /^1:1 .*TUNE_MAX_CHARS/],
    ['a line of 100,000 `{` (abcjs takes time quadratic in them)', tune(`C${'{'.repeat(100_000)}D|`), /^4:4097 .*ABC_LINE_MAX_CHARS/],
    ['a tune whose repeats come to 60,000 notes', tune(`|:${'CDEF GABc|\n'.repeat(3500)}:|`), /SONG_MAX_NOTES/]
  ])('%s', (_, text, expected) => {
    expect(onlyError(text)).toMatch(expected)
  })

  it('keeps the other tunes of a tune book when one is over a limit, with lines counted in the whole book', () => {
    const book = `X:1\nT:fine\nK:G\nGABc|\n\nX:2\nT:broken\nK:C\nC99999999|\n\nX:3\nT:also fine\nK:D\nDEFG|\n`
    const imported = abcToMelodies(book)
    expect(imported.tunes.map((t) => t.melody?.notes.length ?? null)).toEqual([4, null, 4])
    expect(imported.tunes[1]!.problems.find((p) => p.severity === 'error')).toMatchObject({ line: 9, column: 1 })
  })

  it('keeps abcjs positions right after a line that is not an ABC field', () => {
    const text = `X:1\nT:t\nY:AB\nK:C\nCD C99999999|\n`
    expect(onlyError(text)).toMatch(/^5:4 /)
  })

  it('lets music at the limits through: a 16/4 bar, L:1/64, a 64-quarter note, a 16-note chord', () => {
    for (const text of [tune('CDEF GABc cBAG FEDC|', 'M:16/4\nL:1/4\n'), tune('CDEF|', 'L:1/64\n'), tune('C64|', 'L:1/4\n'), tune('[CDEFGABcdefgabc\'d\']|')]) {
      const imported = abcToMelodies(text)
      expect(imported.tunes[0]?.problems.filter((p) => p.severity === 'error')).toEqual([])
      expect(imported.tunes[0]?.melody).not.toBeNull()
    }
  })

  it('reads a line with 4,000 spaces (abcjs takes quadratic time over them) and places what follows', () => {
    const text = tune(`C${' '.repeat(4000)}D C99999999|`)
    expect(onlyError(text)).toMatch(/^4:4004 .*NOTE_MAX_QUARTERS/)
    const fine = abcToMelodies(tune(`C${' '.repeat(4000)}D E|`))
    expect(fine.tunes[0]?.melody?.notes.map((n) => n.pitch)).toEqual([60, 62, 64])
  })

  it('skips a tune of 200 KiB of comment spaces without parsing it, and keeps the next tune and its lines', () => {
    const text = `X:1\nT:big\nK:C\n${`%${' '.repeat(1000)}\n`.repeat(200)}CDEF|\n\nX:2\nT:small\nK:C\nGABc|C99999999|\n`
    const imported = abcToMelodies(text)
    expect(imported.tunes[0]?.problems[0]?.message).toMatch(/TUNE_MAX_CHARS/)
    expect(imported.tunes[1]?.problems.find((p) => p.severity === 'error')).toMatchObject({ line: 209, column: 6 })
  })

  it('plays no note for a length of 0, as abc2midi does', () => {
    expect(abcToMelodies(tune('B0BA|')).tunes[0]?.melody?.notes).toEqual([
      { pitch: 71, startTicks: 0, durationTicks: 240 },
      { pitch: 69, startTicks: 240, durationTicks: 240 }
    ])
  })

  it('is refused by importSong as one SongError line naming the limit', () => {
    expect(() => importSong(new TextEncoder().encode(tune('C99999999|')), 'abc')).toThrow(/^tune X:1 \(limits\): line 4, column 1: .*\(limit NOTE_MAX_QUARTERS\)$/)
  })
})
