// `node scripts/make-soundfont.mjs [FluidR3_GM.sf2]`: builds resources/soundfont/melody-studio.sf2,
// the General MIDI subset the app renders audio with, from Debian's FluidR3_GM (MIT licence,
// package fluid-soundfont-gm). The full bank is 148 MB; the app only plays the instruments in
// src/shared/instruments.ts and the metronome's click, so every other preset and every sample only
// they use is dropped. SF2 (PCM), not SF3: spessasynth_core can read Vorbis but has no encoder, and
// the subset fits the 30 MB budget uncompressed.
import { readFileSync, writeFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SoundBankLoader } from 'spessasynth_core'

// Kept in step with INSTRUMENTS (src/shared/instruments.ts) and METRONOME_PROGRAM; the sound-font
// test reads the file back and fails if one of them is missing.
const KEPT_BANK0_PROGRAMS = new Map([
  [0, 'Acoustic Grand Piano'],
  [24, 'Acoustic Guitar (nylon)'],
  [73, 'Flute'],
  [115, 'Woodblock (metronome click)']
])

const source = process.argv[2] ?? '/usr/share/sounds/sf2/FluidR3_GM.sf2'
const target = resolve(dirname(fileURLToPath(import.meta.url)), '../resources/soundfont/melody-studio.sf2')

const bytes = readFileSync(source)
const bank = SoundBankLoader.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
for (const preset of [...bank.presets]) {
  const kept = preset.bankMSB === 0 && !preset.isGMGSDrum && KEPT_BANK0_PROGRAMS.has(preset.program)
  if (!kept) bank.deletePreset(preset)
}
bank.removeUnusedElements()
const missing = [...KEPT_BANK0_PROGRAMS.keys()].filter((program) => !bank.presets.some((p) => p.program === program))
if (missing.length > 0) throw new Error(`${source} has no bank 0 preset for program(s) ${missing.join(', ')}`)

bank.soundBankInfo.name = 'Melody Studio GM subset (from FluidR3_GM)'
bank.soundBankInfo.comment =
  'A subset of FluidR3_GM by Frank Wen and contributors (MIT licence): ' +
  [...KEPT_BANK0_PROGRAMS.entries()].map(([program, name]) => `${program} ${name}`).join(', ') +
  '. See LICENSE beside this file.'
bank.soundBankInfo.copyright = 'Copyright 2000-2002, 2008 Frank Wen; 2008 Toby Smithe. MIT licence.'
writeFileSync(target, new Uint8Array(bank.writeSF2({ software: 'Melody Studio make-soundfont.mjs' })))

const presets = bank.presets.map((p) => `${p.bankMSB}:${p.program} ${p.name}`).join(', ')
console.log(
  `${source} → ${target}: ${(statSync(target).size / 1e6).toFixed(1)} MB, ` +
    `${bank.presets.length} presets (${presets}), ${bank.instruments.length} instruments, ${bank.samples.length} samples`
)
