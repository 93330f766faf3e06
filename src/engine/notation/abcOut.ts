import { abcLengthIn } from '../../shared/abcFragment'
import { keyAlterations, spellPitch, writePitch } from '../../shared/pitchSpelling'
import { checkMelodyLimits } from './melodyLimits'
import { barGridOf, nextBarLine, TICKS_PER_WHOLE, type BarGrid, type KeySignature, type Melody, type MelodyNote } from './melody'

/**
 * A melody → ABC text that abcjs (and our importer) reads back to the same melody: `L:1/8`,
 * bar lines from the meter and the pickup (a pickup is a short first bar; notes across a bar line
 * are split and tied; the last bar may be short), pitches spelled for the
 * key signature, accidentals written where the key or an earlier accidental in the bar would
 * give another pitch.
 */
const UNIT_TICKS = TICKS_PER_WHOLE / 8
const MODE_SUFFIX: Record<KeySignature['mode'], string> = {
  major: '',
  minor: 'm',
  dorian: 'Dor',
  phrygian: 'Phr',
  lydian: 'Lyd',
  mixolydian: 'Mix',
  locrian: 'Loc'
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** Whether a length in ticks is a whole number of L:1/8 units over a power of two (`3/4`, not `2/3`). */
function isPowerOfTwoLength(ticks: number): boolean {
  if (!Number.isInteger(ticks) || ticks <= 0) return false
  const denominator = UNIT_TICKS / gcd(ticks, UNIT_TICKS)
  return (denominator & (denominator - 1)) === 0
}

/**
 * A length that only a triplet gives (a triplet eighth is 160 ticks, `2/3` of an eighth): ABC 2.1
 * lengths are over powers of two, and abc2midi refuses `d2/3`; written in a `(3` group it is
 * 3/2 as long, `(3def`.
 */
function isTripletLength(ticks: number): boolean {
  return !isPowerOfTwoLength(ticks) && isPowerOfTwoLength((ticks * 3) / 2)
}

/** A length in ticks as this writer's `L:1/8` units: '' (an eighth), `2`, `/2`, `3/2`. */
export function abcLength(ticks: number): string {
  return abcLengthIn(ticks, UNIT_TICKS)
}

/**
 * Splits notes at bar lines: each piece is [note, ties into the next piece]. Gaps become rests, and
 * a melody that ends before its first bar line is filled with a rest up to it: the first bar line
 * says where the pickup ends, and a final `|]` earlier would read back as a shorter pickup (a
 * trailing rest sounds nothing, and reads back as nothing).
 */
function barPieces(
  notes: readonly MelodyNote[],
  grid: BarGrid,
  fillToTicks = 0
): { note: MelodyNote; source: number; tied: boolean; barEnd: boolean; unseen: boolean }[] {
  const pieces: { note: MelodyNote; source: number; tied: boolean; barEnd: boolean; unseen: boolean }[] = []
  let cursor = 0
  const filled: { note: MelodyNote; source: number; unseen?: boolean }[] = notes.flatMap((note, source) => {
    const gap = note.startTicks > cursor ? [{ note: { pitch: null, startTicks: cursor, durationTicks: note.startTicks - cursor }, source: -1 }] : []
    cursor = note.startTicks + note.durationTicks
    return [...gap, { note, source }]
  })
  const firstBarLine = nextBarLine(0, grid)
  if (cursor > 0 && cursor < firstBarLine) filled.push({ note: { pitch: null, startTicks: cursor, durationTicks: firstBarLine - cursor }, source: -1 })
  // Time written but not heard (an invisible rest), so that another voice's bars have theirs to stand over.
  else if (cursor < fillToTicks) filled.push({ note: { pitch: null, startTicks: cursor, durationTicks: fillToTicks - cursor }, source: -1, unseen: true })
  for (const { note, source, unseen = false } of filled) {
    let start = note.startTicks
    const end = note.startTicks + note.durationTicks
    while (start < end) {
      const barEnd = nextBarLine(start, grid)
      const pieceEnd = Math.min(end, barEnd)
      pieces.push({
        note: { pitch: note.pitch, startTicks: start, durationTicks: pieceEnd - start },
        source,
        tied: note.pitch !== null && pieceEnd < end,
        barEnd: pieceEnd === barEnd,
        unseen
      })
      start = pieceEnd
    }
  }
  return pieces
}

/**
 * Text written above note heads, keyed by head index (in drawing order, as `firstHead` counts
 * them): an ABC annotation (`"^L"`), drawn by abcjs inside the note's own group. No `"` in the text.
 */
export type HeadAnnotations = ReadonlyMap<number, string>

export interface AbcOptions {
  number?: number
  annotations?: HeadAnnotations
}

export function melodyToAbc(melody: Melody, options: AbcOptions = {}): string {
  return melodyToAbcWithHeads(melody, options).abc
}

/**
 * The ABC text, and for each melody note the index of its first note head in the drawn score
 * (a note split at a bar line has two heads), so a view can mark notes of the melody.
 */
export function melodyToAbcWithHeads(melody: Melody, options: AbcOptions = {}): { abc: string; firstHead: number[] } {
  const { header, lines, firstHead } = abcParts(melody, options)
  return { abc: `${header.join('\n')}\n${lines.join('\n')} |]\n`, firstHead }
}

/** Bars written on one line of the score (and of each voice of a comparison). */
const BARS_PER_LINE = 4

/**
 * Two melodies in the same meter, key and pickup (a song and a model's prediction of it) as one
 * score of two staves, the first above the second, bar by bar: line n of each voice holds the
 * same bars, so a bar of one stands over the same bar of the other. The header (title, meter,
 * key, tempo) is the upper melody's. A voice that ends first is filled with invisible bars. The
 * lower voice's note heads are in the order melodyToAbcWithHeads gives them, and `lowerAnnotations`
 * (keyed by those heads) are written above the lower voice's notes.
 */
export function melodiesAboveEachOther(upper: Melody, lower: Melody, lowerAnnotations?: HeadAnnotations): string {
  // Both voices written to the same bar line (the first at or after the later end), so their
  // last bars are whole and stand over each other.
  const endOf = (melody: Melody) => melody.notes.reduce((end, note) => Math.max(end, note.startTicks + note.durationTicks), 0)
  const [upperEnd, lowerEnd] = [endOf(upper), endOf(lower)]
  const fillToTicks = upperEnd === lowerEnd ? 0 : nextBarLine(Math.max(upperEnd, lowerEnd) - 1, barGridOf(upper))
  const top = abcParts(upper, { fillToTicks })
  const bottom = abcParts({ ...lower, meter: upper.meter, ...(upper.pickupTicks ? { pickupTicks: upper.pickupTicks } : {}) }, { fillToTicks, ...(lowerAnnotations ? { annotations: lowerAnnotations } : {}) })
  const key = top.header.pop() as string
  const grid = barGridOf(upper)
  const restBar = `x${abcLength(grid.barTicks)}`
  const lineCount = Math.max(top.lines.length, bottom.lines.length)
  const body: string[] = []
  for (let line = 0; line < lineCount; line++) {
    const last = line === lineCount - 1
    for (const [voice, parts] of [
      [1, top],
      [2, bottom]
    ] as const) {
      const filling = line >= parts.lines.length
      const other = (voice === 1 ? bottom : top).lines[line] ?? ''
      const otherBars = Math.max(1, other.split('|').filter((bar) => bar.trim() !== '').length)
      const written = parts.lines[line] ?? Array.from({ length: otherBars }, () => restBar).join(' | ')
      // A voice's own last line (and a filling line) ends without its bar line: here it is the end of the score, or a bar line before more.
      const closing = last ? ' |]' : filling || line === parts.lines.length - 1 ? ' |' : ''
      body.push(`[V:${voice}] ${written}${closing}`)
    }
  }
  return `${[...top.header, 'V:1', 'V:2', key].join('\n')}\n${body.join('\n')}\n`
}

/** The header lines (X to K), the body's lines of BARS_PER_LINE bars (the last without its final bar line), and each note's first head. */
function abcParts(melody: Melody, options: AbcOptions & { fillToTicks?: number }): { header: string[]; lines: string[]; firstHead: number[] } {
  checkMelodyLimits(melody)
  const { numerator, denominator } = melody.meter
  const keyName = `${melody.key.tonic}${MODE_SUFFIX[melody.key.mode]}`
  const header = [
    `X:${options.number ?? 1}`,
    ...(melody.title ? [`T:${melody.title}`] : []),
    `M:${numerator}/${denominator}`,
    'L:1/8',
    `Q:1/4=${Math.round(melody.tempo)}`,
    `K:${keyName}`
  ]
  const key = keyAlterations(melody.key)
  const preferFlats = melody.key.fifths < 0
  // Bar lines from the pickup on (a pickup is written as a short first bar).
  const grid = barGridOf(melody)
  // Notes within one beat are written together so that they are beamed (a dotted quarter in 6/8).
  const beatTicks = denominator === 8 && numerator % 3 === 0 ? (TICKS_PER_WHOLE * 3) / 8 : TICKS_PER_WHOLE / denominator
  let bar = new Map<string, number>()
  let line = ''
  let barsInLine = 0
  const lines: string[] = []
  const firstHead: number[] = melody.notes.map(() => -1)
  let heads = 0
  const pieces = barPieces(melody.notes, grid, options.fillToTicks)
  // Runs of triplet lengths within a bar, written in groups of three, `(3def`, and what is left
  // as `(3::2 d2e` or `(3::1 d` (abcjs reads no group of ten or more: `(3::12` is an error there).
  const tupletRuns = new Map<number, number>()
  for (let i = 0; i < pieces.length; i++) {
    if (!isTripletLength(pieces[i]?.note.durationTicks ?? 0)) continue
    let end = i
    while (!pieces[end]?.barEnd && isTripletLength(pieces[end + 1]?.note.durationTicks ?? 0)) end++
    for (let start = i; start <= end; start += 3) tupletRuns.set(start, Math.min(3, end - start + 1))
    i = end
  }
  let inTuplet = 0
  for (const [index, { note, source, tied, barEnd, unseen }] of pieces.entries()) {
    let annotation = ''
    if (note.pitch !== null) {
      if (source >= 0 && firstHead[source] === -1) firstHead[source] = heads
      const text = options.annotations?.get(heads)
      if (text) annotation = `"^${text.replaceAll('"', '')}"`
      heads++
    }
    const run = tupletRuns.get(index)
    if (run !== undefined) {
      line += run === 3 ? '(3' : `(3::${run} `
      inTuplet = run
    }
    const length = abcLength(inTuplet > 0 ? (note.durationTicks * 3) / 2 : note.durationTicks)
    if (inTuplet > 0) inTuplet--
    const end = note.startTicks + note.durationTicks
    const separator = (end - grid.pickupTicks) % beatTicks === 0 || note.pitch === null ? ' ' : ''
    if (note.pitch === null) {
      line += `${unseen ? 'x' : 'z'}${length}${separator}`
    } else {
      const { letter, alteration, octave } = spellPitch(note.pitch, preferFlats)
      const inForce = bar.get(letter) ?? key.get(letter) ?? 0
      let accidental = ''
      if (alteration !== inForce) {
        accidental = alteration === 1 ? '^' : alteration === -1 ? '_' : '='
        bar.set(letter, alteration)
      }
      line += `${annotation}${accidental}${writePitch(letter, octave)}${length}${tied ? '-' : ''}${separator}`
    }
    if (barEnd) {
      line = `${line.trimEnd()} | `
      bar = new Map()
      if (++barsInLine === BARS_PER_LINE) {
        lines.push(line.trimEnd())
        line = ''
        barsInLine = 0
      }
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd())
  // The final bar line is the caller's to write (`|]` at the end of a tune, of a voice).
  const last = lines.length - 1
  if (last >= 0) lines[last] = (lines[last] as string).replace(/\|\s*$/, '').trimEnd()
  return { header, lines, firstHead }
}
