import abcjs from 'abcjs'
import {
  ABC_FIELD_MAX_CHARS,
  ABC_LINE_MAX_CHARS,
  ABC_MAX_CHARS,
  BAR_MAX_QUARTERS,
  BAR_MIN_QUARTERS,
  CHORD_MAX_NOTES,
  LENGTH_MAX_DENOMINATOR,
  METER_MAX_DENOMINATOR,
  METER_MAX_NUMERATOR,
  NOTE_MAX_QUARTERS,
  NOTE_MIN_WHOLE_FRACTION,
  SONG_MAX_NOTES,
  SONG_MAX_QUARTERS,
  TEMPO_MAX_BPM,
  TEMPO_MIN_BPM,
  TUNE_MAX_CHARS,
  TUPLET_MAX_NOTES
} from '../../shared/limits'
import { englishOf, saying, type EngineSaying } from '../../shared/engineMessages'
import { LimitError } from '../errors'
import { partsInOrder, playingOrder, type AbcElement, type RepeatReading } from './abcRepeats'
import { checkMelodyLimits } from './melodyLimits'
import { barTicksOf, C_MAJOR, DEFAULT_METER, DEFAULT_TEMPO, skyline, TICKS_PER_WHOLE, withPickup, type KeyMode, type KeySignature, type Melody } from './melody'

/**
 * ABC → melodies, with abcjs's parser. abcjs's own sequencer (the one its synth plays from)
 * applies what its parse tree leaves to the caller: key signatures and key changes, accidentals
 * carried to the end of the bar, ties, `L:`, broken rhythms, tuplets, and repeats with first and
 * second endings expanded into playing order. We take the chosen voice's notes from it, drop
 * grace notes and ornaments first (with a warning for grace notes), keep the top note of a chord
 * (the skyline), and turn gaps into rests.
 */
export interface AbcProblem {
  readonly severity: 'error' | 'warning'
  /** 1-based line and column in the whole text (0 when the problem has no place). */
  readonly line: number
  readonly column: number
  readonly message: string
  /** The message as a code and values, where it has one (to say it in the person's language). */
  readonly said?: EngineSaying
}

export interface AbcTune {
  /** 0-based position of the tune in the text. */
  readonly index: number
  /** The tune's `X:` number, as written. */
  readonly number: string
  readonly title: string
  /** Null when the tune gives no melody (an error in `problems` says why). */
  readonly melody: Melody | null
  readonly voices: number
  readonly problems: AbcProblem[]
}

export interface AbcImport {
  readonly tunes: AbcTune[]
  /** Problems of the text as a whole (too large, not text, no tune). */
  readonly problems: AbcProblem[]
}

export interface AbcImportOptions {
  /** 0-based voice of multi-voice tunes (default the first). */
  readonly voice?: number
  /** How repeats are read (default `standard`). */
  readonly repeats?: RepeatReading
}

export { ABC_MAX_CHARS }

interface AbcjsNoteEvent {
  cmd: string
  pitch: number
  start: number
  duration: number
}

interface AbcjsTune {
  metaText: { title?: string; partOrder?: string; tempo?: { bpm?: number; duration?: number[] } }
  warnings?: string[]
  lines: { staff?: { voices?: Record<string, unknown>[][] }[] }[]
  getMeterFraction(): { num: number; den: number }
  getKeySignature(): { root?: string; acc?: string; mode?: string; accidentals?: { acc: string }[] }
  setUpAudio(options: Record<string, unknown>): { tracks: AbcjsNoteEvent[][] }
}

const MODES: Record<string, KeyMode> = {
  '': 'major', maj: 'major', ion: 'major', m: 'minor', min: 'minor', aeo: 'minor',
  dor: 'dorian', phr: 'phrygian', lyd: 'lydian', mix: 'mixolydian', loc: 'locrian'
}

function keyOf(tune: AbcjsTune): KeySignature {
  const key = tune.getKeySignature()
  if (!key.root || key.root === 'none' || key.root === 'HP' || key.root === 'Hp') return C_MAJOR
  const accidentals = key.accidentals ?? []
  const sharps = accidentals.filter((a) => a.acc === 'sharp').length
  const flats = accidentals.filter((a) => a.acc === 'flat').length
  const accidental = key.acc === 'sharp' || key.acc === '#' ? '#' : key.acc === 'flat' || key.acc === 'b' ? 'b' : ''
  return { tonic: `${key.root}${accidental}`, mode: MODES[(key.mode ?? '').toLowerCase().slice(0, 3)] ?? 'major', fifths: sharps - flats }
}

function tempoOf(tune: AbcjsTune): number {
  const tempo = tune.metaText.tempo
  if (!tempo?.bpm) return DEFAULT_TEMPO
  const beat = (tempo.duration ?? [0.25]).reduce((sum, d) => sum + d, 0)
  return Math.round(tempo.bpm * beat * 4 * 1000) / 1000
}

/**
 * abcjs warns that it cannot draw a length such as `C5` or `F5/2` as one note head: a matter of
 * drawing only. The length is valid ABC and is read exactly (it trains as tied standard lengths).
 */
const DRAWING_ONLY_WARNING = /Duration not representable/
/** abcjs does not know `:|:`, the standard's combined repeat; abcRepeats reads it from the text. */
const COMBINED_REPEAT_WARNING = /Unknown bar (?:symbol|type):.*:\|<span[^>]*>:<\/span>/s

/** abcjs's words for what a typo did, said as what was changed and how to fix it. */
const PLAIN_WARNINGS: readonly (readonly [RegExp, (match: RegExpExecArray) => EngineSaying])[] = [
  [/^Expected '\]' to end the chords$/, () => saying('unclosedChord')],
  [/^Unknown decoration: (.{1,40})$/, (match) => saying('unknownDecoration', { name: match[1] ?? '' })],
  [/^Unknown character ignored$/, () => saying('unknownCharacter')]
]

/** abcjs warnings read `Music Line:3:1: Unknown parameter: … <span …>…</span>…`. */
function readWarning(text: string, firstLine: number): AbcProblem {
  const plain = text.replace(/<[^>]*>/g, '')
  const match = /^(?:Music )?Line:(\d+):(\d+):\s*(.*)$/s.exec(plain)
  if (!match) return { severity: 'warning', line: firstLine, column: 0, message: plain }
  const [, line = '1', column = '0', message = ''] = match
  const shortMessage = message.replace(/:\s+[^:]*$/s, '').trim() || message.trim()
  const plainSaying = PLAIN_WARNINGS.flatMap(([pattern, say]) => {
    const found = pattern.exec(shortMessage)
    return found ? [say(found)] : []
  })[0]
  return { severity: 'warning', line: firstLine + Number(line) - 1, column: Number(column), ...(plainSaying ? said(plainSaying) : { message: shortMessage }) }
}

/** The line where each tune starts (its `X:` line), as abcjs splits a tune book. */
function tuneStarts(text: string): { line: number; number: string }[] {
  const starts: { line: number; number: string }[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const match = /^X:\s*(.*)$/.exec(line)
    if (match) starts.push({ line: index + 1, number: (match[1] ?? '').trim() })
  })
  return starts.length > 0 ? starts : [{ line: 1, number: '' }]
}

/**
 * Grace notes and ornaments would add notes that are not the melody: take them out first. Returns
 * how many grace notes went, and the written bars (counted in the first voice's bar lines, the
 * first bar line's bar as 1) they were in.
 */
function stripOrnaments(tune: AbcjsTune): { graceNotes: number; graceBars: number[] } {
  let graceNotes = 0
  const graceBars: number[] = []
  let bar = 1
  let music = false
  for (const line of tune.lines) {
    for (const [staffIndex, staff] of (line.staff ?? []).entries()) {
      for (const [voiceIndex, voice] of (staff.voices ?? []).entries()) {
        const firstVoice = staffIndex === 0 && voiceIndex === 0
        for (const element of voice) {
          if (firstVoice && element['el_type'] === 'bar') {
            if (music) bar++
            music = false
          }
          if (firstVoice && element['el_type'] === 'note') music = true
          if (Array.isArray(element['gracenotes'])) {
            graceNotes += element['gracenotes'].length
            if (firstVoice) graceBars.push(bar)
            delete element['gracenotes']
          }
          delete element['decoration']
        }
      }
    }
  }
  return { graceNotes, graceBars }
}

/** ABC 2.1's field letters. abcjs reads a line such as `Y:AB` (not a field) as notes A and B. */
const ABC_FIELDS = new Set('ABCDFGHIKLMmNOPQRrSsTUVWwXZ'.split(''))

/**
 * Comments out lines that look like fields but are not ABC fields, as abc2midi ignores them, and
 * says so; the line numbers stay as they were.
 */
function hideUnknownFields(text: string): { text: string; problems: AbcProblem[] } {
  const problems: AbcProblem[] = []
  const lines = text.split('\n').map((line, index) => {
    const field = /^([A-Za-z]):/.exec(line)?.[1]
    if (field === undefined || ABC_FIELDS.has(field)) return line
    problems.push({ severity: 'warning', line: index + 1, column: 1, ...said(saying('notAnAbcField', { field })) })
    // Overwrite the letter rather than insert: abcjs's character offsets must stay those of the text.
    return `%${line.slice(1)}`
  })
  return { text: lines.join('\n'), problems }
}

/** The Nottingham files give their part order in a header `Y:` field; read it as `P:`. */
function withYAsPartOrder(text: string): string {
  return text
    .split(/\n(?=X:)/)
    .map((tune) => {
      const headerEnd = tune.search(/^K:/m)
      const header = headerEnd < 0 ? tune : tune.slice(0, headerEnd)
      if (/^P:/m.test(header)) return tune
      return header.replace(/^Y:/m, 'P:') + (headerEnd < 0 ? '' : tune.slice(headerEnd))
    })
    .join('\n')
}

/**
 * abcjs 6 takes time quadratic in the length of a run of spaces or tabs (50,000 spaces: 5 s). Long
 * runs outside fields become a space, backticks (which ABC ignores between notes) and a space: the
 * same length, so abcjs's character offsets still point into the text as written.
 */
function withCheapWhitespace(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^[A-Za-z]:/.test(line) ? line : line.replace(/[ \t]{8,}/g, (run) => ` ${'`'.repeat(run.length - 2)} `)))
    .join('\n')
}

/**
 * ABC 2.0 used `!` as a line break; ABC 2.1 (§6.1.1) keeps it only where `I:linebreak !` says so,
 * and reads `!…!` as a decoration otherwise (abcjs and abc2midi drop the notes between two `!`).
 * Where the text asks for it, a `!` whose text up to the next `!` on its line could not be a
 * decoration's name (it has spaces or bar lines; `!trill!`, `!D.C.!`, `!crescendo(!` have none)
 * is read as a space: the same length, so abcjs's character offsets still point into the text.
 */
function withBangLineBreaksAsSpaces(text: string): string {
  if (!/^(?:I:|%%)linebreak\b[^\n%]*!/m.test(text)) return text
  return text
    .split('\n')
    .map((line) => {
      if (/^[A-Za-z]:|^%/.test(line) || !line.includes('!')) return line
      const chars = [...line]
      let at = chars.indexOf('!')
      while (at >= 0) {
        const close = chars.indexOf('!', at + 1)
        const name = close < 0 ? '' : chars.slice(at + 1, close).join('')
        if (close >= 0 && name !== '' && !/[\s|]/.test(name)) {
          at = chars.indexOf('!', close + 1)
          continue
        }
        chars[at] = ' '
        at = close
      }
      return chars.join('')
    })
    .join('\n')
}

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096)
  let control = 0
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i)
    if (code === 0) return true
    // Control characters other than tab, newline and carriage return, and U+FFFD from bad UTF-8.
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd) control++
  }
  return control > Math.max(4, sample.length * 0.01)
}

/**
 * An ABC limit broken at a place in the text: `offset` is abcjs's character offset (startChar),
 * turned into a line and column by the caller.
 */
class AbcLimitError extends LimitError {
  constructor(
    limit: string,
    message: string,
    readonly offset: number | undefined
  ) {
    super(limit, message)
  }
}

const quarters = (wholes: number) => Math.round(wholes * 4 * 1000) / 1000

/** Reads `L:` and `M:` fractions (also inline, `[L:1/16]`): numerator parts `2+3+2` are added. */
const FRACTION_FIELD = /(?:^|\[)\s*([LM]):\s*(-?[\d+\s]*\d)\s*\/\s*(-?\d+)/g

/**
 * Limits checked on the text before abcjs parses it: the size of each tune, the length of each
 * field line, and the `L:` and `M:` fractions (a huge denominator makes every note tiny, a huge
 * bar makes a continuation endless). Each problem names the limit and its line and column.
 */
function textLimitProblems(text: string): { problems: AbcProblem[]; unparsed: Set<number> } {
  const problems: AbcProblem[] = []
  /** The `X:` lines of tunes abcjs must not see (too large, or a line too long for it). */
  const unparsed = new Set<number>()
  const lines = text.split('\n')
  let tuneStart = -1
  let tuneChars = 0
  const closeTune = () => {
    // A tune refused for a line of its own already says why: one error for one cause.
    if (tuneStart >= 0 && tuneChars > TUNE_MAX_CHARS && !unparsed.has(tuneStart + 1)) {
      unparsed.add(tuneStart + 1)
      problems.push({
        severity: 'error',
        line: tuneStart + 1,
        column: 1,
        message: `the tune is ${Math.ceil(tuneChars / 1024)} KiB of text; one tune may be at most ${TUNE_MAX_CHARS / 1024} KiB (limit TUNE_MAX_CHARS)`
      })
    }
  }
  lines.forEach((line, index) => {
    if (/^X:/.test(line)) {
      closeTune()
      tuneStart = index
      tuneChars = 0
    }
    tuneChars += line.length + 1
    const isField = /^[A-Za-z]:/.test(line)
    if ((isField || line.startsWith('%%')) && line.length > ABC_FIELD_MAX_CHARS) {
      if (tuneStart >= 0) unparsed.add(tuneStart + 1)
      problems.push({
        severity: 'error',
        line: index + 1,
        column: 1,
        message: `the ${isField ? `${line[0]}: field` : `${line.split(/\s/)[0]} directive`} is ${line.length.toLocaleString('en-US')} characters long; at most ${ABC_FIELD_MAX_CHARS.toLocaleString('en-US')} (limit ABC_FIELD_MAX_CHARS)`
      })
      return
    }
    // abcjs takes time quadratic in runs of some characters (50,000 `{`: 20 s); real lines are short.
    if (line.length > ABC_LINE_MAX_CHARS) {
      if (tuneStart >= 0) unparsed.add(tuneStart + 1)
      problems.push({
        severity: 'error',
        line: index + 1,
        column: ABC_LINE_MAX_CHARS + 1,
        message: `the line is ${line.length.toLocaleString('en-US')} characters long; at most ${ABC_LINE_MAX_CHARS.toLocaleString('en-US')} (limit ABC_LINE_MAX_CHARS)`
      })
      return
    }
    if (!isField && !line.includes('[L:') && !line.includes('[M:')) return
    for (const match of line.matchAll(FRACTION_FIELD)) {
      const [, field = '', top = '', bottom = ''] = match
      const numerator = top.split('+').reduce((sum, part) => sum + Number(part.trim()), 0)
      const denominator = Number(bottom)
      const column = (match.index ?? 0) + 1
      const problem = (limit: string, message: string) => problems.push({ severity: 'error', line: index + 1, column, message: `${message} (limit ${limit})` })
      if (!(numerator > 0) || !(denominator > 0)) {
        problem(field === 'L' ? 'LENGTH_MAX_DENOMINATOR' : 'METER_MAX_DENOMINATOR', `${field}:${top.trim()}/${bottom} is not a length: both numbers must be positive`)
      } else if (field === 'L' && (denominator > LENGTH_MAX_DENOMINATOR || numerator > LENGTH_MAX_DENOMINATOR)) {
        problem('LENGTH_MAX_DENOMINATOR', `L:${top.trim()}/${bottom}: a unit note length is written 1/1 to 1/${LENGTH_MAX_DENOMINATOR}`)
      } else if (field === 'M' && denominator > METER_MAX_DENOMINATOR) {
        problem('METER_MAX_DENOMINATOR', `M:${top.trim()}/${bottom}: a meter's beat is at most 1/${METER_MAX_DENOMINATOR}`)
      } else if (field === 'M' && numerator > METER_MAX_NUMERATOR) {
        problem('METER_MAX_NUMERATOR', `M:${top.trim()}/${bottom}: a bar has at most ${METER_MAX_NUMERATOR} beats`)
      } else if (field === 'M' && (numerator / denominator) * 4 > BAR_MAX_QUARTERS) {
        problem('BAR_MAX_QUARTERS', `M:${top.trim()}/${bottom}: a bar of ${quarters(numerator / denominator)} quarter notes is longer than ${BAR_MAX_QUARTERS}`)
      } else if (field === 'M' && (numerator / denominator) * 4 < BAR_MIN_QUARTERS) {
        problem('BAR_MIN_QUARTERS', `M:${top.trim()}/${bottom}: a bar of ${quarters(numerator / denominator)} quarter notes is shorter than ${BAR_MIN_QUARTERS}`)
      }
    }
  })
  closeTune()
  return { problems, unparsed }
}

/** 1-based line and column of character offsets in a text. */
function placer(text: string): (offset: number) => { line: number; column: number } {
  const lineStarts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1)
  return (offset) => {
    let low = 0
    let high = lineStarts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if ((lineStarts[middle] ?? 0) <= offset) low = middle
      else high = middle - 1
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 }
  }
}

export type { RepeatReading }

interface AbcPitch {
  pitch: number
  accidental?: string
  startTie?: unknown
}

const STEP_SEMITONES = [0, 2, 4, 5, 7, 9, 11]
const ACCIDENTAL_SEMITONES: Record<string, number> = { sharp: 1, flat: -1, natural: 0, dblsharp: 2, dblflat: -2 }

/** The chosen voice's elements in written order, each line opened by its key signature. */
function voiceElements(tune: AbcjsTune, voice: number): { elements: AbcElement[]; voices: number } {
  const elements: AbcElement[] = []
  let voices = 0
  for (const line of tune.lines) {
    let index = 0
    for (const staff of line.staff ?? []) {
      const staffKey = (staff as { key?: { accidentals?: unknown } }).key
      for (const written of staff.voices ?? []) {
        if (index === voice) {
          if (staffKey) elements.push({ el_type: 'key', accidentals: staffKey.accidentals ?? [] })
          elements.push(...(written as AbcElement[]))
        }
        index++
      }
    }
    voices = Math.max(voices, index)
  }
  return { elements, voices }
}

/**
 * Sounds the playing order: key signatures and bar accidentals applied, tuplets scaled, ties
 * merged, the top note of a chord kept.
 */
function soundElements(order: readonly AbcElement[], reading: RepeatReading): { notes: { pitch: number; startTicks: number; durationTicks: number }[]; firstBarTicks: number | undefined } {
  const notes: { pitch: number; startTicks: number; durationTicks: number }[] = []
  // Where the first bar line after some music falls: a pickup when it is shorter than a bar.
  let firstBarTicks: number | undefined
  let keyAccidentals = new Map<number, number>()
  let barAccidentals = new Map<number, number>()
  let time = 0
  let tupletScale = 1
  let tiedFrom: { pitch: number; index: number } | undefined
  let written = 0
  for (const element of order) {
    if (element.el_type === 'key') {
      keyAccidentals = new Map()
      for (const { acc, note } of (element['accidentals'] ?? []) as { acc: string; note: string }[]) {
        keyAccidentals.set('cdefgab'.indexOf(note.toLowerCase()), ACCIDENTAL_SEMITONES[acc] ?? 0)
      }
      continue
    }
    if (element.el_type === 'bar') {
      barAccidentals = new Map()
      if (firstBarTicks === undefined && time > 0) firstBarTicks = time
      continue
    }
    if (element.el_type === 'tie-break') {
      tiedFrom = undefined
      continue
    }
    if (element.el_type !== 'note') continue
    const at = typeof element['startChar'] === 'number' ? element['startChar'] : undefined
    if (element['startTriplet'] !== undefined) {
      if (Number(element['startTriplet']) > TUPLET_MAX_NOTES) {
        throw new AbcLimitError('TUPLET_MAX_NOTES', `a tuplet of ${String(element['startTriplet'])} notes; at most ${TUPLET_MAX_NOTES}`, at)
      }
      tupletScale = Number(element['tripletMultiplier'] ?? 1)
    }
    const duration = Number(element['duration'] ?? 0) * tupletScale
    if (element['endTriplet']) tupletScale = 1
    if (!(duration * 4 <= NOTE_MAX_QUARTERS)) {
      throw new AbcLimitError('NOTE_MAX_QUARTERS', `a note of ${quarters(duration).toLocaleString('en-US')} quarter notes; a note or rest lasts at most ${NOTE_MAX_QUARTERS}`, at)
    }
    if (duration > 0 && duration < NOTE_MIN_WHOLE_FRACTION) {
      throw new AbcLimitError('NOTE_MIN_WHOLE_FRACTION', `a note of 1/${Math.round(1 / duration)} of a whole note; the shortest is 1/${Math.round(1 / NOTE_MIN_WHOLE_FRACTION)}`, at)
    }
    const ticks = Math.round(duration * TICKS_PER_WHOLE)
    // A length of 0 (`B0`) sounds nothing: abc2midi plays no note for it.
    if (ticks <= 0) continue
    const pitches = (element['pitches'] ?? []) as AbcPitch[]
    if (pitches.length > CHORD_MAX_NOTES) {
      throw new AbcLimitError('CHORD_MAX_NOTES', `a chord of ${pitches.length} notes; at most ${CHORD_MAX_NOTES}`, at)
    }
    if (++written > SONG_MAX_NOTES) {
      throw new AbcLimitError('SONG_MAX_NOTES', `the tune, with its repeats played, has more than ${SONG_MAX_NOTES.toLocaleString('en-US')} notes and rests`, at)
    }
    if (time + ticks > SONG_MAX_QUARTERS * (TICKS_PER_WHOLE / 4)) {
      throw new AbcLimitError('SONG_MAX_QUARTERS', `the tune, with its repeats played, lasts more than ${SONG_MAX_QUARTERS.toLocaleString('en-US')} quarter notes`, at)
    }
    if (element['rest'] || pitches.length === 0) {
      time += ticks
      tiedFrom = undefined
      continue
    }
    let top: { midi: number; tie: boolean } | undefined
    for (const written of pitches) {
      const step = written.pitch
      const letter = ((step % 7) + 7) % 7
      // An accidental holds to the end of the bar for every octave of its letter, as abc2midi
      // reads it (the Nottingham MIDI files were made that way).
      if (written.accidental !== undefined) barAccidentals.set(letter, ACCIDENTAL_SEMITONES[written.accidental] ?? 0)
      const alteration = barAccidentals.get(letter) ?? keyAccidentals.get(letter) ?? 0
      if (reading === 'nottingham-midi') barAccidentals.clear()
      const midi = 60 + 12 * Math.floor(step / 7) + (STEP_SEMITONES[letter] ?? 0) + alteration
      if (!top || midi > top.midi) top = { midi, tie: Boolean(written.startTie) }
    }
    if (!top) continue
    const previous = reading === 'nottingham-midi' ? undefined : tiedFrom && notes[tiedFrom.index]
    if (previous && tiedFrom?.pitch === top.midi && previous.startTicks + previous.durationTicks === time) {
      notes[tiedFrom.index] = { ...previous, durationTicks: previous.durationTicks + ticks }
    } else {
      notes.push({ pitch: top.midi, startTicks: time, durationTicks: ticks })
    }
    tiedFrom = top.tie ? { pitch: top.midi, index: tiedFrom && previous && tiedFrom.pitch === top.midi ? tiedFrom.index : notes.length - 1 } : undefined
    time += ticks
  }
  return { notes, firstBarTicks }
}

/** Something the reading changed in the music without an error: what, and where it starts (abcjs's character offset). */
interface SilentChange {
  readonly said: EngineSaying
  readonly offset: number | undefined
}

/** A problem's message and its saying, from the saying. */
const said = (message: EngineSaying): { message: string; said: EngineSaying } => ({ message: englishOf(message), said: message })

const offsetOf = (element: AbcElement): number | undefined => (typeof element['startChar'] === 'number' ? element['startChar'] : undefined)

/**
 * What a typo can do to the training data without abcjs saying so, each named with where it
 * starts: notes written but never played (an ending such as `[2` that no repeat reaches), and
 * invisible rests (`x`) that sound as rests.
 */
function silentChanges(written: readonly AbcElement[], played: readonly AbcElement[]): SilentChange[] {
  const sounding = (element: AbcElement) => element.el_type === 'note' && Number(element['duration'] ?? 0) > 0
  const playedOnce = new Set(played)
  const unplayed = written.filter((element) => sounding(element) && !playedOnce.has(element))
  const invisible = written.filter((element) => sounding(element) && (element['rest'] as { type?: string } | undefined)?.type === 'invisible' && playedOnce.has(element))
  const changes: SilentChange[] = []
  const [firstUnplayed] = unplayed
  if (firstUnplayed) {
    changes.push({ said: saying('unplayedNotes', { count: unplayed.length }), offset: offsetOf(firstUnplayed) })
  }
  const [firstInvisible] = invisible
  if (firstInvisible) {
    changes.push({ said: saying('invisibleRests', { count: invisible.length }), offset: offsetOf(firstInvisible) })
  }
  return changes
}

function tuneToMelody(tune: AbcjsTune, source: string, voice: number, repeats: RepeatReading): { melody: Melody | null; voices: number; reason?: string | EngineSaying; changes: SilentChange[] } {
  const { elements, voices } = voiceElements(tune, voice)
  if (voices === 0) return { melody: null, voices, reason: saying('noNotesAfterKey'), changes: [] }
  if (voice >= voices) return { melody: null, voices, reason: `the tune has ${voices} voice${voices === 1 ? '' : 's'}; voice ${voice + 1} does not exist`, changes: [] }
  const parts = partsInOrder(elements, tune.metaText.partOrder)
  const order = parts
    ? parts.flatMap((part) => [{ el_type: 'bar', type: 'bar_thin' }, ...playingOrder(part, source, repeats, { hasParts: true, voices })])
    : playingOrder(elements, source, repeats, { voices })
  const { notes, firstBarTicks } = soundElements(order, repeats)
  const changes = silentChanges(elements, order)
  if (notes.length === 0) return { melody: null, voices, reason: saying('tuneHasNoNotes'), changes }
  const meter = tune.getMeterFraction()
  const tempo = tempoOf(tune)
  if (!(tempo >= TEMPO_MIN_BPM && tempo <= TEMPO_MAX_BPM)) {
    throw new AbcLimitError('TEMPO_MAX_BPM', `Q: gives ${tempo} quarter notes a minute; the tempo must be ${TEMPO_MIN_BPM}–${TEMPO_MAX_BPM}`, undefined)
  }
  const melodyMeter = meter?.num && meter.den ? { numerator: meter.num, denominator: meter.den } : DEFAULT_METER
  const pickupTicks = firstBarTicks !== undefined && firstBarTicks < barTicksOf(melodyMeter) ? firstBarTicks : 0
  const melody: Melody = withPickup(
    {
      title: tune.metaText.title ?? '',
      tempo,
      meter: melodyMeter,
      key: keyOf(tune),
      notes: skyline(notes)
    },
    pickupTicks
  )
  checkMelodyLimits(melody, 'the tune')
  return { voices, melody, changes }
}

/**
 * Empties the body lines of each tune over TUNE_MAX_CHARS so abcjs never parses it; the lines
 * stay, so line numbers hold (positions are read from the text abcjs parsed).
 */
function withoutOversizeTunes(text: string, oversize: ReadonlySet<number>): string {
  if (oversize.size === 0) return text
  let blanking = false
  return text
    .split('\n')
    .map((line, index) => {
      if (/^X:/.test(line)) {
        blanking = oversize.has(index + 1)
        return line
      }
      return blanking ? '' : line
    })
    .join('\n')
}

/** Never throws: every problem comes back in `problems`, with its line and column. */
export function abcToMelodies(text: string, options: AbcImportOptions = {}): AbcImport {
  const whole = (message: string): AbcImport => ({ tunes: [], problems: [{ severity: 'error', line: 0, column: 0, message }] })
  if (text.length > ABC_MAX_CHARS) {
    return whole(`the ABC text is ${(text.length / 2 ** 20).toFixed(1)} MB; the limit is ${ABC_MAX_CHARS / 2 ** 20} MB — split the tune book`)
  }
  if (looksBinary(text)) return whole('this is not ABC text: it holds binary data')
  if (text.trim() === '') return whole('the ABC text is empty')
  const { problems: limitProblems, unparsed } = textLimitProblems(text)
  const starts = tuneStarts(text)
  const firstTuneLine = starts[0]?.line ?? 1
  const beforeTunes = limitProblems.find((problem) => problem.line < firstTuneLine)
  if (beforeTunes) return { tunes: [], problems: [beforeTunes] }
  const cleaned = hideUnknownFields(withCheapWhitespace(withBangLineBreaksAsSpaces(withoutOversizeTunes(options.repeats === 'nottingham-midi' ? withYAsPartOrder(text) : text, unparsed))))
  const place = placer(cleaned.text)
  let parsed: AbcjsTune[]
  try {
    parsed = abcjs.parseOnly(cleaned.text) as unknown as AbcjsTune[]
  } catch (error) {
    return whole(`abcjs could not parse the text: ${error instanceof Error ? error.message : String(error)}`)
  }
  const tunes = parsed.map((tune, index): AbcTune => {
    const start = starts[index] ?? { line: 1, number: '' }
    const end = starts[index + 1]?.line ?? Number.POSITIVE_INFINITY
    const inTune = (problem: AbcProblem) => problem.line >= start.line && problem.line < end
    const overLimit = limitProblems.filter(inTune)
    const problems = [...cleaned.problems.filter(inTune), ...overLimit, ...(tune.warnings ?? []).filter((warning) => !DRAWING_ONLY_WARNING.test(warning) && !COMBINED_REPEAT_WARNING.test(warning)).map((warning) => readWarning(warning, start.line))]
    if (overLimit.length > 0) {
      return { index, number: start.number, title: (tune.metaText.title ?? '').slice(0, 200), melody: null, voices: 0, problems }
    }
    let result: ReturnType<typeof tuneToMelody>
    try {
      const { graceNotes, graceBars } = stripOrnaments(tune)
      if (graceNotes > 0) {
        const bars = [...new Set(graceBars)]
        const barList = `${bars.slice(0, 10).join(', ')}${bars.length > 10 ? ', …' : ''}`
        problems.push({
          severity: 'warning',
          line: start.line,
          column: 0,
          ...said(bars.length === 0 ? saying('graceNotesDropped', { count: graceNotes }) : saying('graceNotesDroppedInBars', { count: graceNotes, bars: bars.length, barList }))
        })
      }
      result = tuneToMelody(tune, cleaned.text, options.voice ?? 0, options.repeats ?? 'standard')
    } catch (error) {
      if (error instanceof LimitError) {
        const where = error instanceof AbcLimitError && error.offset !== undefined ? place(error.offset) : { line: start.line, column: 0 }
        problems.push({ severity: 'error', ...where, message: error.message })
        return { index, number: start.number, title: tune.metaText.title ?? '', melody: null, voices: 0, problems }
      }
      result = { melody: null, voices: 0, reason: `abcjs could not sequence the tune: ${error instanceof Error ? error.message : String(error)}`, changes: [] }
    }
    for (const change of result.changes) {
      problems.push({ severity: 'warning', ...(change.offset !== undefined ? place(change.offset) : { line: start.line, column: 0 }), ...said(change.said) })
    }
    if (result.reason) problems.push({ severity: 'error', line: start.line, column: 0, ...(typeof result.reason === 'string' ? { message: result.reason } : said(result.reason)) })
    return { index, number: start.number, title: tune.metaText.title ?? '', melody: result.melody, voices: result.voices, problems }
  })
  return { tunes, problems: tunes.length === 0 ? [{ severity: 'error', line: 0, column: 0, ...said(saying('noAbcTune')) }] : [] }
}
