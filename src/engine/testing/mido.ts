// Test helper: Debian's python3-mido as an independent MIDI reader.
import { execFileSync } from 'node:child_process'

export interface MidoReading {
  readonly ticksPerBeat: number
  /** [pitch, start tick, duration ticks] of every note, in order. */
  readonly notes: [number, number, number][]
  readonly tempo: number | null
  readonly meter: [number, number] | null
  readonly key: string | null
}

const SCRIPT = `
import json, sys, mido
out = {}
for path in sys.argv[1:]:
    midi = mido.MidiFile(path)
    notes, tempo, meter, key = [], None, None, None
    for track in midi.tracks:
        now, sounding = 0, {}
        for message in track:
            now += message.time
            if message.type == 'set_tempo' and tempo is None: tempo = mido.tempo2bpm(message.tempo)
            if message.type == 'time_signature' and meter is None: meter = [message.numerator, message.denominator]
            if message.type == 'key_signature' and key is None: key = message.key
            if message.type == 'note_on' and message.velocity > 0: sounding[message.note] = now
            elif message.type in ('note_off', 'note_on') and message.note in sounding:
                start = sounding.pop(message.note)
                notes.append([message.note, start, now - start])
    notes.sort(key=lambda n: (n[1], n[0]))
    out[path] = {'ticksPerBeat': midi.ticks_per_beat, 'notes': notes, 'tempo': tempo, 'meter': meter, 'key': key}
print(json.dumps(out))
`

/** Reads MIDI files with mido, in one Python process. */
export function readWithMido(paths: readonly string[]): Record<string, MidoReading> {
  const output = execFileSync('/usr/bin/python3', ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  return JSON.parse(output) as Record<string, MidoReading>
}
