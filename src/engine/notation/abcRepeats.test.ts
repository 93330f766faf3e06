// Repeats, endings and parts, one case per rule of the ABC 2.1 standard (§3.1.9 P:, §4.8
// repeat/bar symbols, §4.9 first and second repeats, §4.10 variant endings). Each tune has one
// note a bar, so the playing order reads as letters. The expected order is written from the
// standard's text; Debian's abc2midi plays every case too, and must agree, except where it departs
// from the standard, which the case names.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { abc2midiMelodies } from '../testing/abc2midi'
import { abcToMelodies } from './abcIn'

interface RepeatCase {
  readonly rule: string
  /** Header lines after X: (M:1/4 L:1/4 and K:C are added when absent). */
  readonly header?: string
  readonly body: string
  /** The playing order the standard gives. */
  readonly standard: string
  /** What abc2midi 4.84 plays, where it departs from the standard, and why. */
  readonly abc2midi?: { readonly plays: string; readonly departs: string }
}

const CASES: RepeatCase[] = [
  { rule: '§4.8 |: … :| plays the section twice', body: '|: A | B :| C |]', standard: 'A B A B C' },
  { rule: '§4.8 a :| without |: at the start of the tune repeats from the beginning', body: 'A | B :| C |]', standard: 'A B A B C' },
  {
    rule: '§4.8 the first :| without |:, after a double bar, may restart from the beginning (abc2midi does)',
    body: 'A || B :| C |]',
    standard: 'A B A B C'
  },
  { rule: '§4.8 [| and |] are double bars too', body: 'A [| B |] C :| D |]', standard: 'A B C A B C D' },
  { rule: '§4.8 a later :| without |: restarts from the latest double bar', body: '|: A :| B || C :| D |]', standard: 'A A B C C D' },
  { rule: '§4.8 … or from the latest end of a repeated section', body: '|: A :| B | C :| D |]', standard: 'A A B C B C D' },
  { rule: '§4.8 :: ends one repeated section and starts the next', body: '|: A :: B :| C |]', standard: 'A A B B C' },
  { rule: '§4.8 :||: is the same as ::', body: '|: A :||: B :| C |]', standard: 'A A B B C' },
  { rule: '§4.8 :|: is the same as ::', body: '|: A :|: B :| C |]', standard: 'A A B B C' },
  { rule: '§4.8 :: without |: repeats the first section from the beginning', body: 'A :: B :| C |]', standard: 'A A B B C' },
  { rule: '§4.8 |:: is a start repeat', body: '|: A :| |:: B :| C |]', standard: 'A A B B C' },
  { rule: '§4.9 |1 and :|2 first and second endings', body: '|: A |1 B :|2 C |] D |]', standard: 'A B A C D' },
  { rule: '§4.9 [1 and :|[2, the bracket form', body: '|: A |[1 B :|[2 C |] D |]', standard: 'A B A C D' },
  { rule: '§4.9 an ending may be several bars long', body: '|: A |[1 B | C :|[2 D | E |] F |]', standard: 'A B C A D E F' },
  { rule: '§4.9 first and second endings with no |: at the start', body: 'A |1 B :|2 C |] D |]', standard: 'A B A C D' },
  { rule: '§4.10 [1,3 and [2 and [4: variant endings over four passes', body: '|: A |[1,3 B :|[2 C :|[4 D |] E |]', standard: 'A B A C A B A D E' },
  { rule: '§4.10 [1-3 and [4: a range of passes', body: '|: A |[1-3 B :|[4 C |] D |]', standard: 'A B A B A B A C D' },
  { rule: '§4.10 [1,2 and [3: three passes', body: '|: A |[1,2 B :|[3 C |] D |]', standard: 'A B A B A C D' },
  {
    rule: '§4.8 a section with endings and no |:, after another section with endings, repeats from the double bar',
    body: '|: A |1 B :|2 C || D |1 E :|2 F |]',
    standard: 'A B A C D E D F',
    abc2midi: { plays: 'A B A C D F', departs: 'after a section with endings abc2midi stays on the second pass: a later [1 without |: is never played' }
  },
  {
    rule: '§4.8 a :| without |: after a section with endings repeats from the double bar',
    body: '|: A |1 B :|2 C || D :| E |]',
    standard: 'A B A C D D E',
    abc2midi: { plays: 'A B A C D A D E', departs: 'after a section with endings abc2midi goes back to the old |: on a third pass' }
  },
  {
    rule: '§4.8 … or from where the last ending ends',
    body: '|: A |1 B :|2 C | D :| E |]',
    standard: 'A B A C D D E',
    abc2midi: { plays: 'A B A C D A E', departs: 'after a section with endings abc2midi goes back to the old |: on a third pass' }
  },
  { rule: '§3.1.9 P:AABB plays the parts in that order', header: 'P:AABB', body: 'P:A\nA | B |]\nP:B\nC | D |]', standard: 'A B A B C D C D' },
  { rule: '§3.1.9 P:A2B: a number repeats a part', header: 'P:A2B', body: 'P:A\nA | B |]\nP:B\nC | D |]', standard: 'A B A B C D' },
  { rule: '§3.1.9 P:(AB)2: parentheses group parts', header: 'P:(AB)2', body: 'P:A\nA | B |]\nP:B\nC | D |]', standard: 'A B C D A B C D' },
  { rule: '§3.1.9 P:A.B: dots only separate', header: 'P:A.B', body: 'P:A\nA | B |]\nP:B\nC | D |]', standard: 'A B C D' },
  { rule: '§3.1.9 parts play in the header order, not as written', header: 'P:BA', body: 'P:A\nA | B |]\nP:B\nC | D |]', standard: 'C D A B' },
  { rule: '§4.8 a part whose :| has no |: repeats from the start of the part', header: 'P:AB', body: 'P:A\n|: A | B :|\nP:B\nC | D :|', standard: 'A B A B C D C D' },
  {
    rule: '§4.8 a second :| without |: in a part repeats from the end of the first',
    header: 'P:AB',
    body: 'P:A\nA | B :| C | D :|\nP:B\nE :|',
    standard: 'A B A B C D C D E E',
    abc2midi: { plays: 'A B A B C D E E', departs: 'in a tune with a P: part order abc2midi places no |: after the first: the second :| is not repeated' }
  },
  { rule: '§4.8 part labels in the body without a header P: play as written', body: 'P:A\nA | B :|\nP:B\nC | D :|', standard: 'A B A B C D C D' },
  {
    rule: '§3.1.9 music before the first part label plays first (as abc2midi plays it)',
    header: 'P:BA',
    body: 'E | F |]\nP:A\nA | B |]\nP:B\nC | D |]',
    standard: 'E F C D A B'
  },
  { rule: 'a repeat goes back to the key in force at its start', body: '|: A | [K:D] F :| G |]', standard: 'A ^F A ^F G' }
]

const LETTERS: Record<string, number> = { C: 60, D: 62, E: 64, F: 65, G: 67, A: 69, B: 71 }
const pitchOf = (name: string) => (name.startsWith('^') ? 1 : 0) + (LETTERS[name.replace('^', '')] ?? Number.NaN)
const order = (text: string) => text.split(' ').map(pitchOf)
const tuneText = (c: RepeatCase, number: number) => `X:${number}\n${c.header ? `${c.header}\n` : ''}M:1/4\nL:1/4\nK:C\n${c.body}\n`
const book = CASES.map((c, i) => tuneText(c, i + 1)).join('\n')

describe('repeats, endings and parts (ABC 2.1)', () => {
  const ours = (reading: 'standard' | 'abc2midi') =>
    abcToMelodies(book, { repeats: reading }).tunes.map((tune) => (tune.melody?.notes ?? []).filter((n) => n.pitch !== null).map((n) => n.pitch))

  it.each(CASES.map((c, i) => [c.rule, i] as const))('%s', (_, i) => {
    const c = CASES[i]!
    const tune = abcToMelodies(tuneText(c, 1)).tunes[0]!
    expect(tune.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(tune.melody?.notes.filter((n) => n.pitch !== null).map((n) => n.pitch)).toEqual(order(c.standard))
  })

  it('abc2midi plays every case as the standard does, except the departures named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'repeats-'))
    writeFileSync(join(dir, 'cases.abc'), book)
    const reference = abc2midiMelodies(join(dir, 'cases.abc'))
    const asAbc2midi = ours('abc2midi')
    CASES.forEach((c, i) => {
      const played = (reference.get(String(i + 1)) ?? []).map((n) => n.pitch)
      expect({ rule: c.rule, played }).toEqual({ rule: c.rule, played: order(c.abc2midi?.plays ?? c.standard) })
      // Our abc2midi reading reproduces abc2midi in each case, departures included.
      expect({ rule: c.rule, played: asAbc2midi[i] }).toEqual({ rule: c.rule, played })
    })
  })

  it('plays as abc2midi plays 400 generated tunes of every bar, repeat and ending symbol (its own reading)', () => {
    // Each bar one note of its own pitch, so the order is plain; the symbols come in any order,
    // including ones no one writes (a [2 before any [1, :: after :|), where abc2midi's rules
    // are all there is to follow.
    const symbol = fc.constantFrom('|', '|', '|', '||', '|]', '[|', '|:', ':|', '::', ':||:', ':|:', '[|:', '|1', '|2', '[1', '[2', ':|2', ':|[2', '|[1', '[1,3', '[2,4', ':|]')
    const body = fc.array(symbol, { minLength: 2, maxLength: 9 }).map((bars) => bars.map((bar, i) => `${'CDEFGABcdefgab'[i]}2${bar}`).join(''))
    const bodies = fc.sample(body, { numRuns: 400, seed: 13 })
    const generated = bodies.map((b, i) => `X:${i + 1}\nM:2/4\nL:1/4\nK:C\n${b}\n`).join('\n')
    const dir = mkdtempSync(join(tmpdir(), 'repeats-generated-'))
    writeFileSync(join(dir, 'generated.abc'), generated)
    const reference = abc2midiMelodies(join(dir, 'generated.abc'))
    const tunes = abcToMelodies(generated, { repeats: 'abc2midi' }).tunes
    const differing = tunes.flatMap((tune, i) => {
      const ours = (tune.melody?.notes ?? []).filter((n) => n.pitch !== null).map((n) => n.pitch)
      const theirs = (reference.get(tune.number) ?? []).map((n) => n.pitch)
      return ours.join() === theirs.join() ? [] : [`${bodies[i]}: ours ${ours.join(' ')}, abc2midi ${theirs.join(' ')}`]
    })
    expect(reference.size).toBe(400)
    expect(differing).toEqual([])
  })
})
