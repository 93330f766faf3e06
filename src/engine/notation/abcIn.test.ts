import { describe, expect, it } from 'vitest'
import { abcToMelodies, ABC_MAX_CHARS, type AbcImportOptions } from './abcIn'
import type { MelodyNote } from './melody'

function melodyOf(body: string, header = 'M:4/4\nL:1/8\nK:C', options: AbcImportOptions = {}) {
  const imported = abcToMelodies(`X:1\nT:Test\n${header}\n${body}\n`, options)
  const tune = imported.tunes[0]
  if (!tune?.melody) throw new Error(`no melody: ${JSON.stringify(imported)}`)
  return { melody: tune.melody, problems: tune.problems }
}
const pitches = (notes: readonly MelodyNote[]) => notes.filter((n) => n.pitch !== null).map((n) => n.pitch)
const onsets = (notes: readonly MelodyNote[]) => notes.filter((n) => n.pitch !== null).map((n) => n.startTicks)

describe('ABC import', () => {
  it('applies the key signature, modes included, and key changes inside a tune', () => {
    expect(pitches(melodyOf('F c f', 'K:G').melody.notes)).toEqual([66, 72, 78])
    expect(pitches(melodyOf('B e f', 'K:Bb').melody.notes)).toEqual([70, 75, 77])
    // D dorian has C major's signature; A minor too; E mixolydian has three sharps.
    expect(pitches(melodyOf('f c', 'K:Ddor').melody.notes)).toEqual([77, 72])
    expect(pitches(melodyOf('f g c', 'K:Emix').melody.notes)).toEqual([78, 80, 73])
    expect(pitches(melodyOf('F G |\nK:D\nF c', 'K:C').melody.notes)).toEqual([65, 67, 66, 73])
    const { melody } = melodyOf('C', 'K:Bb')
    expect(melody.key).toEqual({ tonic: 'Bb', mode: 'major', fifths: -2 })
  })

  it('carries an accidental to the end of its bar, then drops it', () => {
    expect(pitches(melodyOf('^F F =F F | F').melody.notes)).toEqual([66, 66, 65, 65, 65])
    expect(pitches(melodyOf('_B B | B', 'K:G').melody.notes)).toEqual([70, 70, 71])
  })

  it('merges ties, reads L:, broken rhythms, tuplets and rests', () => {
    const tied = melodyOf('C2- C2 D2-|D2 E4').melody.notes
    expect(tied.map((n) => [n.pitch, n.startTicks, n.durationTicks])).toEqual([
      [60, 0, 960],
      [62, 960, 960],
      [64, 1920, 960]
    ])
    expect(melodyOf('C D', 'M:4/4\nL:1/4\nK:C').melody.notes.map((n) => n.durationTicks)).toEqual([480, 480])
    expect(melodyOf('C>D E<F').melody.notes.map((n) => n.durationTicks)).toEqual([360, 120, 120, 360])
    expect(onsets(melodyOf('(3CDE F').melody.notes)).toEqual([0, 160, 320, 480])
    const rested = melodyOf('C z D z2 E').melody.notes
    expect(rested.map((n) => n.pitch)).toEqual([60, null, 62, null, 64])
    expect(rested[3]).toEqual({ pitch: null, startTicks: 720, durationTicks: 480 })
  })

  it('keeps the top note of a chord, ignores guitar chords and decorations, drops grace notes with a warning', () => {
    expect(pitches(melodyOf('[CEG]2 "Am"A ~B .c !trill!d').melody.notes)).toEqual([67, 69, 71, 72, 74])
    const graced = melodyOf('{AB}c d')
    expect(pitches(graced.melody.notes)).toEqual([72, 74])
    expect(onsets(graced.melody.notes)).toEqual([0, 240])
    expect(graced.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: '2 grace notes dropped (bar 1)' }))
    // Each warning names the bars (written bars, the first bar line's bar as 1).
    const inBars = melodyOf('c2 | {g}c2 | d2 | {ag}e2 {f}e2 |')
    expect(inBars.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: '4 grace notes dropped (bars 2, 4)' }))
  })

  it('reads lengths that one note head cannot draw (C5, z7, F5/2) exactly and without a warning', () => {
    const odd = melodyOf('C5 z3 | z7 D | F5/2 G3/2 z4 | c8 |')
    expect(odd.melody.notes.map((n) => [n.pitch, n.durationTicks])).toEqual([
      [60, 1200],
      [null, 2400],
      [62, 240],
      [65, 600],
      [67, 360],
      [null, 960],
      [72, 1920]
    ])
    expect(odd.problems).toEqual([])
  })

  it('reads ! as a line break only where I:linebreak ! says so (ABC 2.1 §6.1.1), else !…! is a decoration', () => {
    const legacy = 'A2 B2|! c2 d2|! e2 f2|'
    expect(pitches(melodyOf(legacy, 'M:4/4\nL:1/8\nI:linebreak $ !\nK:C').melody.notes)).toEqual([69, 71, 72, 74, 76, 77])
    expect(pitches(melodyOf('A2 B2|!\nc2 d2 :|!\ne2 f2|', 'M:4/4\nL:1/8\nI:linebreak !\nK:C').melody.notes)).toEqual([69, 71, 72, 74, 69, 71, 72, 74, 76, 77])
    // Without it, as abcjs and abc2midi read it: `! c2 d2|!` is an (unknown) decoration.
    expect(pitches(melodyOf(legacy).melody.notes)).toEqual([69, 71, 76, 77])
    const decorated = melodyOf('!trill!A2 !D.C.!B2 | !crescendo(! c2 d2 !crescendo)! |', 'M:4/4\nL:1/8\nI:linebreak !\nK:C')
    expect(pitches(decorated.melody.notes)).toEqual([69, 71, 72, 74])
  })

  it('gives a tune with a pickup its pickup, and none to a tune starting on the downbeat', () => {
    expect(melodyOf('G | c2 d2 e2 f2 |').melody.pickupTicks).toBe(240)
    expect(melodyOf('c2 d2 e2 f2 | g8 |').melody.pickupTicks).toBeUndefined()
    expect(melodyOf('|: GA | c2 d2 e2 f2 :|').melody.pickupTicks).toBe(480)
  })

  it('says what a typo changed, at its line and column: an ending no repeat reaches, an invisible rest, an unclosed chord', () => {
    const tune = 'CDEF GABc|cBAG FEDC|'
    // Line 5 is the music (X, T, M, L, K above it).
    const clean = melodyOf(tune)
    expect(clean.problems).toEqual([])
    // `G[2`: abcjs reads [2 as a second ending, so the 10 notes after it are never played.
    const ending = melodyOf(tune.replace('GABc', 'G[2 Bc'))
    expect(ending.melody.notes).toHaveLength(5)
    expect(ending.problems).toEqual([{ severity: 'warning', line: 6, column: 9, message: expect.stringMatching(/^10 notes and rests written here are never played: .*ending/), said: { code: 'unplayedNotes', values: { count: 10 } } }])
    // An x is an invisible rest: it sounds as a rest, a class the song did not have.
    const invisible = melodyOf(tune.replace('FEDC', 'FExC'))
    expect(invisible.melody.notes.filter((note) => note.pitch === null)).toHaveLength(1)
    expect(invisible.problems).toEqual([{ severity: 'warning', line: 6, column: 18, message: expect.stringMatching(/^1 invisible rest \(x\) played as silence/), said: { code: 'invisibleRests', values: { count: 1 } } }])
    const unclosed = melodyOf(tune.replace('GABc', 'G[ABc'))
    expect(unclosed.problems).toEqual([{ severity: 'warning', line: 6, column: 11, message: 'a chord opened with [ is not closed: its notes are dropped; close it with ]', said: { code: 'unclosedChord', values: {} } }])
  })

  it('expands repeats and first and second endings into playing order', () => {
    expect(pitches(melodyOf('|: C D :| E').melody.notes)).toEqual([60, 62, 60, 62, 64])
    expect(pitches(melodyOf('C |: D [1 E :|[2 F |]').melody.notes)).toEqual([60, 62, 64, 62, 65])
    // Two sections, each with its own repeat and endings.
    expect(pitches(melodyOf('C [1 D :|[2 E || F [1 G :|[2 A |]').melody.notes)).toEqual([60, 62, 60, 64, 65, 67, 65, 69])
    // A header P: plays the parts in its order.
    expect(pitches(melodyOf('P:A\nC D |\nP:B\nE F |', 'P:ABA\nM:4/4\nL:1/8\nK:C').melody.notes)).toEqual([60, 62, 64, 65, 60, 62])
  })

  it('reads M: and Q: (tempo in quarter notes per minute)', () => {
    const { melody } = melodyOf('C', 'M:6/8\nQ:3/8=60\nL:1/8\nK:C')
    expect(melody.meter).toEqual({ numerator: 6, denominator: 8 })
    expect(melody.tempo).toBe(90)
    expect(melodyOf('C', 'K:C').melody.tempo).toBe(120)
  })

  it('gives one melody per tune of a tune book, and the voice asked for', () => {
    const book = abcToMelodies('X:1\nT:One\nK:C\nC D\n\nX:7\nT:Two\nK:G\nF G\n')
    expect(book.tunes.map((t) => [t.number, t.title, pitches(t.melody?.notes ?? [])])).toEqual([
      ['1', 'One', [60, 62]],
      ['7', 'Two', [66, 67]]
    ])
    const voices = 'X:1\nT:Duet\nL:1/4\nK:C\nV:1\nc d\nV:2\nC, D,\n'
    expect(pitches(abcToMelodies(voices).tunes[0]?.melody?.notes ?? [])).toEqual([72, 74])
    expect(pitches(abcToMelodies(voices, { voice: 1 }).tunes[0]?.melody?.notes ?? [])).toEqual([48, 50])
    expect(abcToMelodies(voices, { voice: 2 }).tunes[0]?.problems[0]?.message).toMatch(/voice 3 does not exist/)
  })

  it('reports malformed ABC at its line and column, in the whole file', () => {
    const text = 'X:1\nT:Fine\nK:C\nCDE\n\nX:2\nT:Broken\nK:C\nC D E\nF G # A\n'
    const imported = abcToMelodies(text)
    expect(imported.tunes[0]?.problems).toEqual([])
    expect(imported.tunes[1]?.problems).toContainEqual(expect.objectContaining({ severity: 'warning', line: 10, column: 5 }))
    expect(imported.tunes[1]?.melody).not.toBeNull()
    const unknownField = abcToMelodies('X:1\nT:x\nY:AB\nK:C\nC\n')
    expect(unknownField.tunes[0]?.problems[0]).toMatchObject({ line: 3, message: "'Y:' is not an ABC field: line ignored" })
    expect(pitches(unknownField.tunes[0]?.melody?.notes ?? [])).toEqual([60])
  })

  it('refuses binary data, empty text, tunes without notes and over-large files, without throwing', () => {
    const garbage = String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256))
    expect(abcToMelodies(garbage)).toEqual({ tunes: [], problems: [expect.objectContaining({ severity: 'error', message: 'this is not ABC text: it holds binary data' })] })
    expect(abcToMelodies('  \n').problems[0]?.message).toBe('the ABC text is empty')
    const silent = abcToMelodies('X:1\nT:Silence\nK:C\n|]\n')
    expect(silent.tunes[0]).toMatchObject({ melody: null, problems: [expect.objectContaining({ severity: 'error', message: 'the tune has no notes' })] })
    // Refused on its length before abcjs sees it, so time and memory stay bounded.
    const huge = abcToMelodies('X:1\nK:C\n' + 'CDEF GABc | '.repeat(Math.ceil((5 * 2 ** 20) / 12)))
    expect(huge).toEqual({ tunes: [], problems: [expect.objectContaining({ severity: 'error', message: expect.stringMatching(/^the ABC text is 5\.0 MB; the limit is 4 MB/) })] })
    expect(ABC_MAX_CHARS).toBe(4 * 2 ** 20)
  })
})
