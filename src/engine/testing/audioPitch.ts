// Test helper: Python's `wave` module and numpy as an independent reader of rendered audio: a WAV
// file's length, and the pitch sounding in each of a list of time spans.
import { execFileSync } from 'node:child_process'

export interface WavReading {
  readonly sampleRate: number
  readonly channels: number
  readonly sampleBytes: number
  readonly frames: number
  /** The MIDI pitch (fractional) heard in each span asked for, or null where it is silent. */
  readonly pitches: (number | null)[]
}

// Harmonic product spectrum: the spectrum times itself squeezed 2×, 3× and 4× peaks at the
// fundamental even where a piano's 2nd harmonic is louder than its 1st, which a plain strongest
// peak would read an octave high. A zero-padded Hann window gives fine bins; the peak is then
// refined by a parabola through its neighbours on the plain spectrum.
const SCRIPT = `
import json, sys, wave
import numpy as np
path, spans = sys.argv[1], json.loads(sys.argv[2])
w = wave.open(path, 'rb')
rate, channels, width, frames = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
assert width == 2, 'expects 16-bit PCM'
data = np.frombuffer(w.readframes(frames), dtype='<i2').astype(np.float64).reshape(-1, channels).mean(axis=1) / 32768
pitches = []
for start_s, end_s in spans:
    a, b = int(start_s * rate), min(int(end_s * rate), len(data))
    part = data[a:b]
    if len(part) < 256 or np.sqrt(np.mean(part ** 2)) < 1e-4:
        pitches.append(None); continue
    size = 1 << 16
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part)), size))
    hps = spectrum.copy()
    for h in (2, 3, 4):
        squeezed = spectrum[::h]
        hps[:len(squeezed)] *= squeezed
        hps[len(squeezed):] = 0
    low, high = int(60 * size / rate), int(2000 * size / rate)
    k = low + int(np.argmax(hps[low:high]))
    # refine around the HPS bin on the plain spectrum (the fundamental's own peak)
    window = spectrum[k - 3:k + 4]
    k = k - 3 + int(np.argmax(window))
    y0, y1, y2 = np.log(spectrum[k - 1] + 1e-12), np.log(spectrum[k] + 1e-12), np.log(spectrum[k + 1] + 1e-12)
    offset = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2) if (y0 - 2 * y1 + y2) != 0 else 0
    freq = (k + offset) * rate / size
    pitches.append(69 + 12 * np.log2(freq / 440))
print(json.dumps({'sampleRate': rate, 'channels': channels, 'sampleBytes': width, 'frames': frames, 'pitches': pitches}))
`

/** Reads a 16-bit WAV file and the pitch in each span ([start, end] in seconds). */
export function readWavPitches(path: string, spans: readonly (readonly [number, number])[]): WavReading {
  const output = execFileSync('/usr/bin/python3', ['-c', SCRIPT, path, JSON.stringify(spans)], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 })
  return JSON.parse(output) as WavReading
}
