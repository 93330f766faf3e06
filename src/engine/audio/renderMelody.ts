// A melody played by one instrument of the sound font, rendered offline: the synthesizer is driven
// block by block as fast as the CPU allows (never in real time), each note starting and stopping
// on its exact sample.
import { SpessaLog, SpessaSynthProcessor } from 'spessasynth_core'
import { LimitError } from '../errors'
import { checkMelodyLimits } from '../notation/melodyLimits'
import { TICKS_PER_QUARTER, type Melody } from '../notation/melody'
import { INSTRUMENTS, type InstrumentId } from '../../shared/instruments'
import { AUDIO_MAX_SAMPLE_RATE, AUDIO_MAX_SECONDS, AUDIO_MIN_SAMPLE_RATE, TEMPO_MAX_BPM, TEMPO_MIN_BPM } from '../../shared/limits'
import { peakOf } from './pcm'
import type { SoundFont } from './soundFont'

export const DEFAULT_SAMPLE_RATE = 44_100
/** The velocity every note is played at: the same as melodyToMidi writes (forte, not fortissimo). */
export const RENDER_VELOCITY = 101
/** Samples rendered per synthesizer call: large blocks amortise the per-call work; events still
 * land on their exact sample because a block ends at the next event. */
const RENDER_BLOCK = 1024
const CHANNEL = 0
/** −1 dBFS: loud, with room for an MP3 decoder's overshoot. */
export const NORMALISED_PEAK = 0.89

export interface RenderOptions {
  readonly instrument: InstrumentId
  /** Quarter notes a minute; the melody's own tempo when absent. */
  readonly tempo?: number
  readonly sampleRate?: number
  readonly soundFont: SoundFont
}

export interface RenderedAudio {
  readonly sampleRate: number
  readonly left: Float32Array
  readonly right: Float32Array
  /** The melody's length at the tempo played, in seconds (the audio is this plus the release). */
  readonly songSeconds: number
  /** The tempo it was played at, quarter notes a minute. */
  readonly tempo: number
}

interface NoteEvent {
  readonly sample: number
  readonly on: boolean
  readonly pitch: number
}

/** The sample a tick falls on at this tempo and rate. */
function sampleAt(ticks: number, tempo: number, sampleRate: number): number {
  return Math.round((ticks / TICKS_PER_QUARTER) * (60 / tempo) * sampleRate)
}

/** Every note's on and off in time order; at one sample an off comes first, so a repeated note
 * sounds again instead of being cut by its own predecessor's end. */
function noteEvents(melody: Melody, tempo: number, sampleRate: number): NoteEvent[] {
  const events: NoteEvent[] = []
  for (const note of melody.notes) {
    if (note.pitch === null) continue
    events.push({ sample: sampleAt(note.startTicks, tempo, sampleRate), on: true, pitch: note.pitch })
    events.push({ sample: sampleAt(note.startTicks + note.durationTicks, tempo, sampleRate), on: false, pitch: note.pitch })
  }
  return events.sort((a, b) => a.sample - b.sample || Number(a.on) - Number(b.on))
}

/**
 * The melody as stereo float PCM (peak at NORMALISED_PEAK), played by `instrument` at the melody's tempo (or
 * `tempo`): as long as the song, plus the instrument's release until every voice is silent, at
 * most its `releaseSeconds`.
 * @throws LimitError for a tempo or sample rate out of range, or audio longer than AUDIO_MAX_SECONDS
 */
export async function renderMelodyAudio(melody: Melody, options: RenderOptions): Promise<RenderedAudio> {
  checkMelodyLimits(melody)
  const tempo = options.tempo ?? melody.tempo
  const sampleRate = options.sampleRate ?? DEFAULT_SAMPLE_RATE
  if (!(tempo >= TEMPO_MIN_BPM && tempo <= TEMPO_MAX_BPM)) {
    throw new LimitError('TEMPO_MAX_BPM', `a tempo of ${tempo} quarter notes a minute cannot be played; it must be ${TEMPO_MIN_BPM}–${TEMPO_MAX_BPM}`)
  }
  if (!(Number.isInteger(sampleRate) && sampleRate >= AUDIO_MIN_SAMPLE_RATE && sampleRate <= AUDIO_MAX_SAMPLE_RATE)) {
    throw new LimitError('AUDIO_MAX_SAMPLE_RATE', `a sample rate of ${sampleRate} Hz cannot be rendered; it must be a whole number from ${AUDIO_MIN_SAMPLE_RATE} to ${AUDIO_MAX_SAMPLE_RATE}`)
  }
  const instrument = INSTRUMENTS[options.instrument]
  const songTicks = melody.notes.reduce((end, note) => Math.max(end, note.startTicks + note.durationTicks), 0)
  const songSamples = sampleAt(songTicks, tempo, sampleRate)
  const songSeconds = songSamples / sampleRate
  const maxSeconds = songSeconds + instrument.releaseSeconds
  if (maxSeconds > AUDIO_MAX_SECONDS) {
    throw new LimitError(
      'AUDIO_MAX_SECONDS',
      `"${melody.title}" at ♩=${tempo} lasts ${Math.round(maxSeconds)} s with its release, more than the ${AUDIO_MAX_SECONDS} s one audio file may hold`
    )
  }
  const maxSamples = Math.ceil(maxSeconds * sampleRate)
  const left = new Float32Array(maxSamples)
  const right = new Float32Array(maxSamples)

  // spessasynth_core warns on the console about things a GM melody never does; the CLI's output is ours.
  SpessaLog.warnEnabled = false
  SpessaLog.infoEnabled = false
  const synth = new SpessaSynthProcessor(sampleRate, { maxBufferSize: RENDER_BLOCK, eventsEnabled: false })
  await synth.processorInitialized
  synth.soundBankManager.addSoundBank(options.soundFont, 'melody-studio')
  synth.programChange(CHANNEL, instrument.gmProgram)

  const events = noteEvents(melody, tempo, sampleRate)
  let next = 0
  let rendered = 0
  while (rendered < maxSamples) {
    for (let event = events[next]; event && event.sample <= rendered; event = events[++next]) {
      if (event.on) synth.noteOn(CHANNEL, event.pitch, RENDER_VELOCITY)
      else synth.noteOff(CHANNEL, event.pitch)
    }
    // After the song, the release rings until every voice has died away.
    if (rendered >= songSamples && next >= events.length && synth.voiceCount === 0) break
    const blockEnd = Math.min(rendered + RENDER_BLOCK, maxSamples, events[next]?.sample ?? maxSamples)
    const count = Math.max(1, blockEnd - rendered)
    synth.process(left, right, rendered, count)
    rendered += count
  }
  // Not soundBankManager.destroy(): that would destroy the caller's sound font, which renders the next song too.
  const audio = { sampleRate, left: left.subarray(0, rendered), right: right.subarray(0, rendered), songSeconds, tempo }
  normalise(audio.left, audio.right)
  return audio
}

/** The synthesizer leaves a solo melody around −15 dBFS (its gain has room for sixteen channels at
 * once): the audio is scaled so its peak is at NORMALISED_PEAK, as loud as other music files. */
function normalise(left: Float32Array, right: Float32Array): void {
  const peak = peakOf(left, right)
  if (peak === 0) return
  const gain = NORMALISED_PEAK / peak
  for (let i = 0; i < left.length; i++) {
    left[i] = (left[i] ?? 0) * gain
    right[i] = (right[i] ?? 0) * gain
  }
}
