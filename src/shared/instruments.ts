// The instruments Melody Studio plays and exports audio with, declared once: the engine's audio
// renderer, the export use case, the CLI's --instrument, the contract's schema and the UI's picker
// all read this table. Each is a bank 0 General MIDI program of the shipped sound font
// (resources/soundfont/melody-studio.sf2, made by scripts/make-soundfont.mjs, which keeps exactly
// these programs and METRONOME_PROGRAM).

export const INSTRUMENT_IDS = ['piano', 'guitar', 'flute'] as const
export type InstrumentId = (typeof INSTRUMENT_IDS)[number]

export interface InstrumentInfo {
  /** General MIDI program number, 0-based (bank 0). */
  readonly gmProgram: number
  /** The i18n key of the instrument's name in the UI (en.ts / ko.ts). */
  readonly nameKey: `instrument.${InstrumentId}`
  /** Its name in English, for the CLI and logs. */
  readonly englishName: string
  /** Seconds its sound may ring on after the last note's release: a piano string decays long,
   * a flute stops with the breath. The renderer stops earlier once every voice is silent. */
  readonly releaseSeconds: number
}

export const INSTRUMENTS: Readonly<Record<InstrumentId, InstrumentInfo>> = {
  piano: { gmProgram: 0, nameKey: 'instrument.piano', englishName: 'Acoustic Grand Piano', releaseSeconds: 2 },
  guitar: { gmProgram: 24, nameKey: 'instrument.guitar', englishName: 'Acoustic Guitar (nylon)', releaseSeconds: 2 },
  flute: { gmProgram: 73, nameKey: 'instrument.flute', englishName: 'Flute', releaseSeconds: 1 }
}

export const DEFAULT_INSTRUMENT: InstrumentId = 'piano'

/** The metronome's click: GM Woodblock, bank 0 (kept in the shipped sound font for that). */
export const METRONOME_PROGRAM = 115

/** The shipped sound font, relative to the repository root (and to `resources/` when packaged). */
export const SOUND_FONT_RELATIVE_PATH = 'resources/soundfont/melody-studio.sf2'

export function isInstrumentId(value: string): value is InstrumentId {
  return (INSTRUMENT_IDS as readonly string[]).includes(value)
}
