// Reading a sound font (SF2/SF3) into spessasynth_core's bank. The engine takes the file's bytes,
// never a path: the CLI, the training process and tests each know where their copy lies.
import { SoundBankLoader, type BasicSoundBank } from 'spessasynth_core'
import { INSTRUMENTS, INSTRUMENT_IDS, type InstrumentId } from '../../shared/instruments'

export type SoundFont = BasicSoundBank

export function loadSoundFont(bytes: Uint8Array): SoundFont {
  // The loader wants an ArrayBuffer of exactly the file (a Node Buffer may be a view into a pool).
  const exact = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  return SoundBankLoader.fromArrayBuffer(exact)
}

/** Bank 0 presets of the font, as `program → preset name`. */
export function bank0Programs(font: SoundFont): Map<number, string> {
  const programs = new Map<number, string>()
  for (const preset of font.presets) {
    if (preset.bankMSB === 0 && !preset.isGMGSDrum) programs.set(preset.program, preset.name)
  }
  return programs
}

/** The instruments of INSTRUMENTS the font has no preset for (an empty list when it can play them all). */
export function missingInstruments(font: SoundFont): InstrumentId[] {
  const programs = bank0Programs(font)
  return INSTRUMENT_IDS.filter((id) => !programs.has(INSTRUMENTS[id].gmProgram))
}
