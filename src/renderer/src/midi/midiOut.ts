// The MIDI output the scores play to, chosen in the song pane: the score player calls play() for
// each note it sounds, and nothing happens while no output is chosen. One module, so the player
// needs only that one call and the device code stays here.

/** MIDI's note-on and note-off status bytes, channel 1. */
const NOTE_ON = 0x90
const NOTE_OFF = 0x80
/** Control change 123, all notes off: ends any note still held when the output changes. */
const ALL_NOTES_OFF = [0xb0, 123, 0]
/** The loudness a score's notes are sent at (MIDI 1–127): a score has no dynamics of its own. */
export const SCORE_VELOCITY = 90

/** The part of a Web MIDI output this uses (a test's fake has only this). */
export interface MidiSink {
  send(data: number[], timestamp?: number): void
}

let output: MidiSink | null = null

export const midiOut = {
  /** Sends to this output from now on, or to none; the one before is told to stop its notes. */
  use(next: MidiSink | null): void {
    if (output && output !== next) output.send(ALL_NOTES_OFF)
    output = next
  },
  get active(): boolean {
    return output !== null
  },
  /** A note now, its note-off `durationMs` later (scheduled by the MIDI system, not a timer). */
  play(pitch: number, durationMs: number, velocity = SCORE_VELOCITY): void {
    if (!output || !Number.isInteger(pitch) || pitch < 0 || pitch > 127) return
    output.send([NOTE_ON, pitch, velocity])
    output.send([NOTE_OFF, pitch, 0], performance.now() + Math.max(0, durationMs))
  }
}
