// MP3 through lamejs (@breezystack/lamejs: LAME ported to JavaScript, no native code).
import { Mp3Encoder } from '@breezystack/lamejs'
import { floatToInt16 } from './pcm'

/** Constant bit rate: 192 kbit/s stereo is transparent for a solo instrument, 1.4 MB a minute. */
export const MP3_KBPS = 192
/** The sample rates MPEG-1, 2 and 2.5 layer III define; LAME encodes no others. */
export const MP3_SAMPLE_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const
/** LAME takes its input a frame at a time (1152 samples per channel for MPEG-1). */
const FRAME_SAMPLES = 1152

/** Stereo float PCM as an MP3 file (constant MP3_KBPS). */
export function encodeMp3(left: Float32Array, right: Float32Array, sampleRate: number): Uint8Array {
  if (!(MP3_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new Error(`MP3 cannot hold audio at ${sampleRate} Hz; it takes ${MP3_SAMPLE_RATES.join(', ')} Hz`)
  }
  const encoder = new Mp3Encoder(2, sampleRate, MP3_KBPS)
  const parts: Uint8Array[] = []
  for (let start = 0; start < left.length; start += FRAME_SAMPLES) {
    const end = Math.min(start + FRAME_SAMPLES, left.length)
    const part = encoder.encodeBuffer(floatToInt16(left, start, end), floatToInt16(right, start, end))
    if (part.length > 0) parts.push(part)
  }
  parts.push(encoder.flush())
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
