// Float PCM (−1…1) to the signed 16-bit samples WAV and MP3 carry.

/** A float sample as a 16-bit one: clipped at full scale, rounded to the nearest step. */
export function toInt16(sample: number): number {
  const clipped = Math.max(-1, Math.min(1, sample))
  return Math.round(clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff)
}

export function floatToInt16(samples: Float32Array, start = 0, end = samples.length): Int16Array {
  const out = new Int16Array(end - start)
  for (let i = start; i < end; i++) out[i - start] = toInt16((samples[i] ?? 0))
  return out
}

/** The largest absolute sample of the channels. */
export function peakOf(...channels: Float32Array[]): number {
  let peak = 0
  for (const channel of channels) for (const sample of channel) peak = Math.max(peak, Math.abs(sample))
  return peak
}
