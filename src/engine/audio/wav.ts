// WAV (RIFF, PCM, 16-bit, stereo), written here: its header is 44 bytes.
import { toInt16 } from './pcm'

export const WAV_HEADER_BYTES = 44
const BITS_PER_SAMPLE = 16
const PCM_FORMAT = 1

/** Stereo float PCM as a 16-bit WAV file. */
export function encodeWav(left: Float32Array, right: Float32Array, sampleRate: number): Uint8Array {
  if (left.length !== right.length) throw new Error(`the channels differ in length (${left.length} and ${right.length} samples)`)
  const channels = 2
  const blockAlign = channels * (BITS_PER_SAMPLE / 8)
  const dataBytes = left.length * blockAlign
  const bytes = new Uint8Array(WAV_HEADER_BYTES + dataBytes)
  const view = new DataView(bytes.buffer)
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i))
  }
  ascii(0, 'RIFF')
  view.setUint32(4, WAV_HEADER_BYTES - 8 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, PCM_FORMAT, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, sampleRate * blockAlign, true)
  view.setUint16(32, blockAlign, true)
  view.setUint16(34, BITS_PER_SAMPLE, true)
  ascii(36, 'data')
  view.setUint32(40, dataBytes, true)
  for (let i = 0, offset = WAV_HEADER_BYTES; i < left.length; i++, offset += blockAlign) {
    view.setInt16(offset, toInt16((left[i] ?? 0)), true)
    view.setInt16(offset + 2, toInt16((right[i] ?? 0)), true)
  }
  return bytes
}
