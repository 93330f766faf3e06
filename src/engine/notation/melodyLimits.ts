import {
  BAR_MAX_QUARTERS,
  BAR_MIN_QUARTERS,
  METER_MAX_DENOMINATOR,
  METER_MAX_NUMERATOR,
  NOTE_MAX_QUARTERS,
  SONG_MAX_NOTES,
  SONG_MAX_QUARTERS,
  TEMPO_MAX_BPM,
  TEMPO_MIN_BPM
} from '../../shared/limits'
import { LimitError } from '../errors'
import { TICKS_PER_QUARTER, type Melody } from './melody'

export const NOTE_MAX_TICKS = NOTE_MAX_QUARTERS * TICKS_PER_QUARTER
export const SONG_MAX_TICKS = SONG_MAX_QUARTERS * TICKS_PER_QUARTER

const count = (n: number) => Math.round(n).toLocaleString('en-US')

/**
 * Checks a melody against the limits of real music before a writer (MIDI, ABC, note codes) or
 * the trainer spends time and memory on it: its notes, its length, each note's length, its meter
 * and its tempo.
 * Linear, allocates nothing. `what` names the melody in the message ("the song", "the MIDI file").
 * @throws LimitError naming the limit and, for a note, its number
 */
export function checkMelodyLimits(melody: Melody, what = 'the song'): void {
  if (melody.notes.length > SONG_MAX_NOTES) {
    throw new LimitError('SONG_MAX_NOTES', `${what} has ${count(melody.notes.length)} notes and rests; at most ${count(SONG_MAX_NOTES)}`)
  }
  const { numerator, denominator } = melody.meter
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator < 1 || denominator < 1 || numerator > METER_MAX_NUMERATOR || denominator > METER_MAX_DENOMINATOR) {
    throw new LimitError('METER_MAX_NUMERATOR', `${what} has a meter of ${numerator}/${denominator}; a meter is whole numbers, at most ${METER_MAX_NUMERATOR}/${METER_MAX_DENOMINATOR}`)
  }
  const barQuarters = (numerator / denominator) * 4
  if (barQuarters > BAR_MAX_QUARTERS || barQuarters < BAR_MIN_QUARTERS) {
    throw new LimitError(
      barQuarters > BAR_MAX_QUARTERS ? 'BAR_MAX_QUARTERS' : 'BAR_MIN_QUARTERS',
      `${what} has a meter of ${numerator}/${denominator}, a bar of ${Math.round(barQuarters * 1000) / 1000} quarter notes; bars run from ${BAR_MIN_QUARTERS} to ${BAR_MAX_QUARTERS}`
    )
  }
  if (!(melody.tempo >= TEMPO_MIN_BPM && melody.tempo <= TEMPO_MAX_BPM)) {
    throw new LimitError('TEMPO_MAX_BPM', `${what} has a tempo of ${melody.tempo} quarter notes a minute; it must be ${TEMPO_MIN_BPM}–${TEMPO_MAX_BPM}`)
  }
  let index = 0
  for (const note of melody.notes) {
    index++
    if (!Number.isSafeInteger(note.startTicks) || !Number.isSafeInteger(note.durationTicks) || note.startTicks < 0 || note.durationTicks <= 0) {
      throw new LimitError('NOTE_MAX_QUARTERS', `note ${index} of ${what} has no valid place or length (start ${note.startTicks}, length ${note.durationTicks} ticks)`)
    }
    // Rests are bounded by the song's length alone: a long silence in a MIDI file is one rest,
    // and writers split it at the bar lines.
    if (note.pitch !== null && note.durationTicks > NOTE_MAX_TICKS) {
      throw new LimitError(
        'NOTE_MAX_QUARTERS',
        `note ${index} of ${what} lasts ${count(note.durationTicks / TICKS_PER_QUARTER)} quarter notes; a note may last at most ${NOTE_MAX_QUARTERS}`
      )
    }
    if (note.startTicks + note.durationTicks > SONG_MAX_TICKS) {
      throw new LimitError(
        'SONG_MAX_QUARTERS',
        `${what} runs past ${count(SONG_MAX_QUARTERS)} quarter notes (note ${index} ends at ${count((note.startTicks + note.durationTicks) / TICKS_PER_QUARTER)})`
      )
    }
    if (note.pitch !== null && !(Number.isInteger(note.pitch) && note.pitch >= 0 && note.pitch <= 127)) {
      throw new LimitError('MIDI pitch 0–127', `note ${index} of ${what} has pitch ${note.pitch}, outside MIDI's 0–127`)
    }
  }
}
