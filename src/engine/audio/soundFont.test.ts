// The shipped sound font (resources/soundfont, made by scripts/make-soundfont.mjs): present, small
// enough to ship, able to play every instrument of the shared table and the metronome, and licensed.
import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { INSTRUMENTS, INSTRUMENT_IDS, METRONOME_PROGRAM, SOUND_FONT_RELATIVE_PATH } from '../../shared/instruments'
import { SOUND_FONT_MAX_BYTES } from '../../shared/limits'
import { bank0Programs, loadSoundFont, missingInstruments } from './soundFont'

const root = resolve(__dirname, '../../..')
const fontPath = resolve(root, SOUND_FONT_RELATIVE_PATH)

describe('the shipped sound font', () => {
  it('is there and within the size budget', () => {
    const size = statSync(fontPath).size
    expect(size).toBeGreaterThan(100_000)
    expect(size).toBeLessThanOrEqual(SOUND_FONT_MAX_BYTES)
  })

  it('reads back with a preset for every instrument and the metronome, and nothing else', () => {
    const font = loadSoundFont(readFileSync(fontPath))
    expect(missingInstruments(font)).toEqual([])
    const programs = bank0Programs(font)
    const expected = [...INSTRUMENT_IDS.map((id) => INSTRUMENTS[id].gmProgram), METRONOME_PROGRAM].sort((a, b) => a - b)
    expect([...programs.keys()].sort((a, b) => a - b)).toEqual(expected)
    expect(programs.get(INSTRUMENTS.flute.gmProgram)).toMatch(/flute/i)
    expect(programs.get(INSTRUMENTS.piano.gmProgram)).toMatch(/piano/i)
    expect(programs.get(INSTRUMENTS.guitar.gmProgram)).toMatch(/guitar/i)
    // Samples only other presets used were removed; each kept preset still has its samples.
    expect(font.samples.length).toBeGreaterThan(programs.size)
    for (const preset of font.presets) expect(preset.zones.length).toBeGreaterThan(0)
  })

  it('comes with its licence: FluidR3 MIT text, credits, and that it is a subset', () => {
    const licence = readFileSync(resolve(root, 'resources/soundfont/LICENSE'), 'utf8')
    expect(licence).toContain('Frank Wen')
    expect(licence).toContain('MIT licence')
    expect(licence).toContain('Permission is hereby granted, free of charge')
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS"')
    expect(licence).toMatch(/subset/)
  })
})
