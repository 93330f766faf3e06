// Tunes of the shared corpus that our importer plays differently from Debian's abc2midi 4.84, each
// with the reason. `standard`: abc2midi departs from the ABC 2.1 standard and we follow the
// standard (see src/engine/notation/abcRepeats.ts); `malformed`: the ABC is broken and each
// program mends it its own way.

export interface Abc2midiDeparture {
  readonly book: string
  readonly tune: string
  readonly kind: 'standard' | 'malformed'
  readonly reason: string
}

const LATER_FIRST_ENDING =
  'after a section with endings, a later section written [1 … :|[2 … without |: (§4.8: it restarts from the latest double bar or end of a repeated section); abc2midi stays on its second pass and plays only the second ending'
const LATER_END_REPEAT =
  'after a section with endings, a later :| without |: (§4.8: it restarts from the latest double bar or end of a repeated section); abc2midi places no |: there, so it goes back to the old |: for a third pass or does not repeat'
const TIE_INTO_ENDINGS =
  'a note tied into a first ending (§4.11: the tie joins the note played next); abc2midi joins the tie in written order, so on the second pass the note lasts as in the first ending and the second ending\'s note is struck again'

export const ABC2MIDI_DEPARTURES: readonly Abc2midiDeparture[] = [
  { book: 'jigs', tune: '1', kind: 'standard', reason: LATER_FIRST_ENDING },
  { book: 'jigs', tune: '2', kind: 'standard', reason: LATER_FIRST_ENDING },
  { book: 'jigs', tune: '81', kind: 'standard', reason: LATER_END_REPEAT },
  { book: 'jigs', tune: '256', kind: 'standard', reason: LATER_END_REPEAT },
  { book: 'jigs', tune: '326', kind: 'standard', reason: LATER_FIRST_ENDING },
  { book: 'reelsa-c', tune: '81', kind: 'standard', reason: LATER_END_REPEAT },
  { book: 'reelsd-g', tune: '8', kind: 'standard', reason: LATER_END_REPEAT },
  { book: 'reelsh-l', tune: '35', kind: 'standard', reason: LATER_END_REPEAT },
  { book: 'reelsh-l', tune: '53', kind: 'standard', reason: TIE_INTO_ENDINGS },
  { book: 'reelsh-l', tune: '70', kind: 'standard', reason: LATER_FIRST_ENDING },
  { book: 'reelsr-t', tune: '32', kind: 'standard', reason: LATER_FIRST_ENDING },
  { book: 'jigs', tune: '153', kind: 'malformed', reason: 'an unclosed chord [e3-c3][e2c2(3A/2B/2c/2|, which abcjs and abc2midi mend in different ways' },
  { book: 'reelsd-g', tune: '1', kind: 'malformed', reason: 'chords written [+GB] (the + of the pre-2.0 chord form inside brackets), which abcjs and abc2midi read in different ways' }
]
