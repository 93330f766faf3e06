import { PART_ORDER_MAX_PARTS } from '../../shared/limits'
import { LimitError } from '../errors'

/**
 * Repeats, endings and parts: a tune's written elements → the order they are played in.
 *
 * The model is abc2midi's (4.84), the program most ABC users hear their tunes through, so a tune
 * plays here as it plays there. abc2midi works in three steps, and so do we:
 * 1. a `:|` that comes before any `|:` repeats from the start of the tune (or of its part);
 * 2. each later `:|` without its `|:` repeats from the latest double bar or end of a repeated
 *    section, as the ABC 2.1 standard recommends (§4.8), by turning that bar into a `|:`;
 * 3. the tune is played with a pass count: `|:` saves the place to go back to, `:|` goes back
 *    once, `[1`/`[2`/`[1,3` endings are played on their passes and skipped on the others.
 *
 * Where abc2midi departs from the standard, the `standard` reading (the default) follows the
 * standard; the `abc2midi` reading keeps abc2midi's behaviour, to show in the tests that those
 * departures are the only differences:
 * - once a section with endings has been played, abc2midi places no `|:` for a later `:|` or
 *   `[1` that lacks one: it goes back to the old `|:` on a third pass, or plays a later
 *   section's second ending only. The standard restarts from the latest double bar or end of a
 *   repeated section; the end of a section with endings is where its last ending ends.
 * - in a tune with a header `P:` part order, or with several voices, abc2midi skips step 2: a
 *   second `:|` without `|:` in a part is not repeated at all. The standard repeats it.
 * - a note tied into a first ending: abc2midi joins the tie in written order, so on the second
 *   pass the note lasts as long as it did into the first ending and the second ending's note is
 *   struck again. The standard ties it to the note played next.
 *
 * `nottingham-midi` reads as the Nottingham dataset's MIDI files were rendered: standard repeats,
 * the header `Y:` as part order, accidentals for one note only, tied notes struck again (see
 * abcIn.ts). Only for comparing with those files: it is not how the music is meant.
 */
export type RepeatReading = 'standard' | 'abc2midi' | 'nottingham-midi'

export type AbcElement = Record<string, unknown> & { el_type?: string }

type BarKind = 'single' | 'double' | 'start' | 'end' | 'end-start'

type Step =
  | { readonly kind: 'music'; readonly element: AbcElement }
  | { kind: 'bar'; bar: BarKind; readonly element: AbcElement }
  | { readonly kind: 'ending'; readonly passes: string }

const BAR_KINDS: Record<string, BarKind> = {
  bar_thin: 'single',
  bar_invisible: 'single',
  bar_dotted: 'double',
  bar_thin_thin: 'double',
  bar_thick_thin: 'double',
  bar_thin_thick: 'double',
  bar_left_repeat: 'start',
  bar_right_repeat: 'end',
  bar_dbl_repeat: 'end-start'
}

/**
 * A bar line's symbol as abc2midi's parser reads it, left to right: `|:` a start, `||` and `|]`
 * a double bar, `|` a bar, `::` an end and start, `:|` an end (a `]` after it is dropped), a
 * lone `:` a dotted (double) bar, `[|` and `]|` double bars. So `:||:` is an end then a start,
 * `:|:` an end then a double bar, `[|:` a double bar then a start.
 */
function barKindsOf(symbol: string): BarKind[] {
  const kinds: BarKind[] = []
  let at = 0
  const next = (text: string) => symbol.startsWith(text, at) && ((at += text.length), true)
  while (at < symbol.length) {
    if (next('|:')) kinds.push('start')
    else if (next('||') || next('|]')) kinds.push('double')
    else if (next('|')) kinds.push('single')
    else if (next('::')) kinds.push('end-start')
    else if (next(':|')) {
      kinds.push('end')
      next(']')
    } else if (next(':')) kinds.push('double')
    else if (next('[|:')) kinds.push('double', 'start')
    else if (next('[|') || next(']|')) kinds.push('double')
    else at++
  }
  return kinds
}

/**
 * The elements as steps: each bar line one or more bar kinds, read from its text as abc2midi
 * reads it (abcjs folds `:||:` and `::` into one type, and reads the `:` of `:|:` as an unknown
 * symbol), an ending's start a step of its own after its bar.
 */
function stepsOf(elements: readonly AbcElement[], source: string): Step[] {
  const steps: Step[] = [{ kind: 'bar', bar: 'double', element: { el_type: 'bar', type: 'bar_thin_thin' } }]
  for (const element of elements) {
    if (element.el_type !== 'bar') {
      steps.push({ kind: 'music', element })
      continue
    }
    const start = typeof element['startChar'] === 'number' ? element['startChar'] : -1
    let end = typeof element['endChar'] === 'number' ? element['endChar'] : -1
    while (end >= 0 && source[end] === ':') end++
    const symbol = start >= 0 && end > start ? source.slice(start, end).replace(/\s*\[?\s*[\d,\-\s]*$/, '').replace(/\s+/g, '') : ''
    const fromText = barKindsOf(symbol)
    const kinds = fromText.length > 0 ? fromText : [BAR_KINDS[String(element['type'])] ?? 'single']
    const startsEnding = element['startEnding'] !== undefined
    kinds.forEach((bar, index) => {
      const last = index === kinds.length - 1
      // Only the last of a bar's steps carries the element (so it is played once).
      steps.push({ kind: 'bar', bar, element: last ? element : { el_type: 'bar', type: 'bar_thin' } })
    })
    if (startsEnding) steps.push({ kind: 'ending', passes: String(element['startEnding']) })
  }
  return steps
}

function endingIncludes(passes: string, pass: number): boolean {
  return passes.split(',').some((part) => {
    const [from, to] = part.split('-').map((n) => Number(n.trim()))
    return from !== undefined && Number.isFinite(from) && pass >= from && pass <= (to !== undefined && Number.isFinite(to) ? to : from)
  })
}

/** Makes a bar the start of a repeat (abc2midi's placestartrep): `|` and `||` → `|:`, `:|` → `::`. */
function placeStartRepeat(step: Step | undefined): void {
  if (step?.kind !== 'bar') return
  if (step.bar === 'single' || step.bar === 'double') step.bar = 'start'
  else if (step.bar === 'end') step.bar = 'end-start'
}

/** A second `|:` with no `:|` between ends the first section there (abc2midi's placeendrep). */
function placeEndRepeat(step: Step | undefined): void {
  if (step?.kind !== 'bar') return
  if (step.bar === 'start') step.bar = 'end-start'
  else if (step.bar === 'single' || step.bar === 'double') step.bar = 'end'
}

/** Step 1: a `:|` (or `::`) before any `|:` goes back to the start. */
function startRepeatAtTheStart(steps: Step[]): void {
  for (const step of steps) {
    if (step.kind !== 'bar') continue
    if (step.bar === 'start') return
    if (step.bar === 'end' || step.bar === 'end-start') {
      placeStartRepeat(steps[0])
      return
    }
  }
}

/** Step 2: each later `:|`, `::` or first ending without its `|:` gets one (see the module comment). */
function placeMissingStartRepeats(steps: Step[], reading: RepeatReading): void {
  const standard = reading !== 'abc2midi'
  let expectEnd = false
  let restartAt = 0
  let endings = 0
  // abcjs draws an ending's bracket on to the next double bar; as music it is the bar it starts.
  let inEnding = false
  // In a second (or later) ending, a `:|` goes back for the next pass of the same section.
  let inLaterEnding = false
  steps.forEach((step, index) => {
    if (step.kind === 'ending') {
      inLaterEnding = !endingIncludes(step.passes, 1)
      // A first ending with no `|:` opens a new repeated section; a later ending (`:|[2`) continues one.
      if (!expectEnd && (standard ? endingIncludes(step.passes, 1) : endings === 0)) {
        placeStartRepeat(steps[restartAt])
        if (standard) expectEnd = true
      }
      endings++
      inEnding = true
      return
    }
    if (step.kind !== 'bar') return
    switch (step.bar) {
      case 'double':
        restartAt = index
        inLaterEnding = false
        break
      case 'start':
        inLaterEnding = false
        if (expectEnd) placeEndRepeat(step)
        expectEnd = true
        break
      case 'end':
        if (!expectEnd && (standard ? !inLaterEnding : endings < 1)) placeStartRepeat(steps[restartAt])
        expectEnd = false
        restartAt = index
        inLaterEnding = false
        break
      case 'end-start':
        inLaterEnding = false
        if (!expectEnd) placeStartRepeat(steps[restartAt])
        expectEnd = true
        break
      case 'single':
        // The standard's "end of repeated section" for a section with endings: where its last ending ends.
        if (standard && inEnding) {
          restartAt = index
          inLaterEnding = false
        }
        break
    }
    inEnding = false
  })
}

/** Step 3: plays the steps with abc2midi's pass count. */
function play(steps: readonly Step[], reading: RepeatReading): AbcElement[] {
  const order: AbcElement[] = []
  let pass = 1
  let lastPass = 2
  let expectEnd = false
  let savedAt = 0
  // The key in force where a repeat goes back to: a key change may come between.
  let key: AbcElement | undefined
  let keyAtSaved: AbcElement | undefined
  const save = (index: number) => {
    savedAt = index
    keyAtSaved = key
  }
  const goBack = (): number => {
    if (keyAtSaved) order.push(keyAtSaved)
    key = keyAtSaved
    return savedAt
  }
  let budget = steps.length * 8
  for (let i = 0; i < steps.length && budget > 0; i++, budget--) {
    const step = steps[i] as Step
    if (step.kind === 'music') {
      if (step.element.el_type === 'key') key = step.element
      order.push(step.element)
      continue
    }
    if (step.kind === 'ending') {
      const passNumber = expectEnd || pass > 1 ? pass : 1
      if (endingIncludes(step.passes, passNumber)) {
        if (lastPass < 4) lastPass = pass + 1
        continue
      }
      // Skipped up to the next repeat sign, double bar or ending, which is passed over too.
      i++
      while (i < steps.length) {
        const next = steps[i] as Step
        if (next.kind === 'music' && next.element.el_type === 'key') key = next.element
        if (next.kind === 'ending' || (next.kind === 'bar' && next.bar !== 'single' && next.bar !== 'end-start')) break
        i++
      }
      // abc2midi joins a tie in written order, before it plays repeats: a note tied into a first
      // ending is joined to that ending's note on every pass, so on the second pass the second
      // ending's note is struck again. The standard ties it to the note played next.
      if (reading === 'abc2midi') order.push({ el_type: 'tie-break' })
      order.push({ el_type: 'bar', type: 'bar_thin' })
      continue
    }
    order.push(step.element)
    switch (step.bar) {
      case 'start':
        save(i)
        expectEnd = true
        pass = 1
        lastPass = 2
        break
      case 'end':
        if (pass === 1 ? expectEnd : pass < lastPass) {
          pass++
          expectEnd = false
          i = goBack()
        }
        break
      case 'end-start':
        if (pass > 1 || !expectEnd) {
          if (pass > 1) lastPass = 2
          save(i)
          expectEnd = true
          pass = 1
        } else {
          pass++
          i = goBack()
        }
        break
      default:
        break
    }
  }
  return order
}

/**
 * Playing order of one voice's elements: see the module comment. `source` is the text abcjs
 * parsed (bar elements' character offsets point into it).
 */
export function playingOrder(elements: readonly AbcElement[], source: string, reading: RepeatReading, options: { hasParts?: boolean; voices?: number } = {}): AbcElement[] {
  const steps = stepsOf(elements, source)
  startRepeatAtTheStart(steps)
  if (reading !== 'abc2midi' || (!options.hasParts && (options.voices ?? 1) <= 1)) placeMissingStartRepeats(steps, reading)
  return play(steps, reading)
}

/**
 * A header `P:AABA` plays the tune's parts in that order (`P:A2B` repeats A; parentheses group;
 * dots and spaces are separators). Music before the first part label plays first, as abc2midi
 * plays it. Each part's repeats are read on their own, from a fresh start. Without a header
 * part order, or when it names a part the tune does not have, the tune plays as written.
 * @throws LimitError when the order plays more than PART_ORDER_MAX_PARTS parts
 */
export function partsInOrder(elements: readonly AbcElement[], partOrder: string | undefined): AbcElement[][] | undefined {
  if (!partOrder) return undefined
  const parts = new Map<string, AbcElement[]>()
  const preamble: AbcElement[] = []
  let current = preamble
  for (const element of elements) {
    if (element.el_type === 'part') {
      current = []
      parts.set(String(element['title']).trim(), current)
      continue
    }
    current.push(element)
  }
  // Each repeat is counted before it is made, so `P:A99999999` or nested groups cannot blow up.
  const tooMany = () => new LimitError('PART_ORDER_MAX_PARTS', `the part order P:${partOrder.slice(0, 40)} plays more than ${PART_ORDER_MAX_PARTS} parts`)
  const repeated = (text: string, times: string) => {
    const count = Number(times || 1)
    if (text.length * count > PART_ORDER_MAX_PARTS) throw tooMany()
    return text.repeat(count)
  }
  const expandGroups = (text: string): string => {
    let previous: string
    let expanded = text
    do {
      previous = expanded
      expanded = expanded.replace(/\(([^()]*)\)(\d*)/g, (_, group: string, times: string) => repeated(group, times))
    } while (expanded !== previous)
    return expanded
  }
  const expand = (text: string): string => expandGroups(text).replace(/([A-Za-z])(\d+)/g, (_, part: string, times: string) => repeated(part, times))
  const sequence = expand(partOrder.replace(/[\s.]/g, '')).split('')
  if (sequence.length > PART_ORDER_MAX_PARTS) throw tooMany()
  if (parts.size === 0 || sequence.some((part) => !parts.has(part))) return undefined
  const keyBefore = (part: string) => {
    // Each part starts in the key it is written in: the last key element before its label.
    const at = elements.findIndex((e) => e.el_type === 'part' && String(e['title']).trim() === part)
    return elements.slice(0, at).findLast((e) => e.el_type === 'key')
  }
  const hasNotes = preamble.some((e) => e.el_type === 'note')
  return [
    ...(hasNotes ? [preamble] : [preamble.filter((e) => e.el_type !== 'note')]),
    ...sequence.map((part) => {
      const key = keyBefore(part)
      return [...(key ? [key] : []), ...(parts.get(part) ?? [])]
    })
  ]
}
