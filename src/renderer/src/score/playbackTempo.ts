// Tempo as the player shows it (quarter notes a minute, as the engine reads Q: and abcOut writes
// it) and as abcjs's TimingCallbacks takes it (whole beats of the meter a minute).
import { TEMPO_MAX_BPM, TEMPO_MIN_BPM } from '../../../shared/limits'

/** The tempo of a song without Q:, the engine's DEFAULT_TEMPO (engine/notation/melody.ts). */
export const DEFAULT_QUARTER_TEMPO = 120

/** A Q: field as abcjs parses it (`metaText.tempo`): beats a minute, and the beat as note lengths (Q:3/8=60 has [0.375]). */
export interface AbcTempo {
  readonly bpm?: number
  readonly duration?: readonly number[]
}

/**
 * Quarter notes a minute that a Q: field asks for (Q:3/8=60 is 90, Q:100 counts quarters), read
 * as the engine's abcIn reads it, so the player plays a song at the tempo its MIDI export has;
 * DEFAULT_QUARTER_TEMPO without one.
 */
export function quarterTempoOf(tempo: AbcTempo | undefined): number {
  if (!tempo?.bpm || !(tempo.bpm > 0)) return DEFAULT_QUARTER_TEMPO
  const beat = (tempo.duration?.length ? tempo.duration : [0.25]).reduce((sum, length) => sum + length, 0)
  return clampTempo(Math.round(tempo.bpm * beat * 4 * 1000) / 1000)
}

/** A tempo the person may choose: within the limits a song's Q: may have, whole quarters a minute. */
export function clampTempo(quarterTempo: number): number {
  if (!Number.isFinite(quarterTempo)) return DEFAULT_QUARTER_TEMPO
  return Math.min(TEMPO_MAX_BPM, Math.max(TEMPO_MIN_BPM, Math.round(quarterTempo)))
}

/**
 * The `qpm` abcjs's TimingCallbacks takes: despite its name, beats of the meter a minute (a
 * dotted quarter in 6/8, `tune.getBeatLength()` as a fraction of a whole note), and parsed as an
 * integer there, so rounded here.
 */
export function abcjsBeatsPerMinute(quarterTempo: number, beatLength: number): number {
  const beat = beatLength > 0 ? beatLength : 0.25
  return Math.max(1, Math.round((quarterTempo * 0.25) / beat))
}

/** A whole note's length in milliseconds, from abcjs's millisecondsPerMeasure and the meter (abcjs gives note durations in whole notes). */
export function wholeNoteMilliseconds(millisecondsPerMeasure: number, meter: { num?: number; den?: number } | undefined): number {
  const measureInWholes = meter?.num && meter.den ? meter.num / meter.den : 1
  return millisecondsPerMeasure / measureInWholes
}

/**
 * Whether abcjs's beat `beatNumber` (counted from the first note, 0-based) begins a bar: after a
 * pickup of `pickupBeats` beats the first bar line falls on that beat, not on beat 0. A pickup of
 * a part of a beat leaves abcjs's beats off the meter's: then none is called the first of a bar.
 */
export function isDownbeat(beatNumber: number, beatsPerMeasure: number, pickupBeats: number): boolean {
  const perBar = Math.max(1, Math.round(beatsPerMeasure))
  if (Math.abs(pickupBeats - Math.round(pickupBeats)) > 1e-6) return false
  return (((beatNumber - Math.round(pickupBeats)) % perBar) + perBar) % perBar === 0
}
