// Audio export read back by independent tools: the CLI's WAV and MP3 of 나비야, measured with
// Python's wave module, numpy's FFT and SoX, note by note against the melody they were played from.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importSong } from '../engine/notation/songFiles'
import { TICKS_PER_QUARTER, type Melody } from '../engine/notation/melody'
import { readWavPitches } from '../engine/testing/audioPitch'
import { REPO_ROOT, sharedPath } from '../engine/testing/seedSong'
import { INSTRUMENTS, type InstrumentId } from '../shared/instruments'

const NABIYA_ABC = sharedPath('songs/nabiya.abc')
const nabiya: Melody = importSong(readFileSync(NABIYA_ABC), 'abc').melody
const dir = mkdtempSync(join(tmpdir(), 'studio-audio-'))

function studio(...args: string[]): string {
  return execFileSync(resolve(REPO_ROOT, 'node_modules/.bin/tsx'), [resolve(REPO_ROOT, 'src/cli/studio.ts'), ...args], { encoding: 'utf8', cwd: REPO_ROOT })
}

/** Each sounding note's span in seconds at `tempo`, trimmed where the note before still rings
 * (its start) and where the attack of the next begins (its end). */
function noteSpans(melody: Melody, tempo: number, shift = 0): { pitch: number; span: [number, number] }[] {
  const seconds = (ticks: number): number => (ticks / TICKS_PER_QUARTER) * (60 / tempo)
  return melody.notes.flatMap((note) => {
    if (note.pitch === null) return []
    const start = seconds(note.startTicks) + shift
    const end = seconds(note.startTicks + note.durationTicks) + shift
    return [{ pitch: note.pitch, span: [start + Math.min(0.06, (end - start) * 0.25), end - 0.02] as [number, number] }]
  })
}

/** The notes whose detected pitch is more than half a semitone off (or silent), as `index: expected → heard`. */
function wrongPitches(path: string, melody: Melody, tempo: number, shift = 0): string[] {
  const spans = noteSpans(melody, tempo, shift)
  const heard = readWavPitches(path, spans.map((s) => s.span)).pitches
  return spans.flatMap(({ pitch }, i) => {
    const detected = heard[i]
    return detected === null || detected === undefined || Math.abs(detected - pitch) > 0.5 ? [`${i}: ${pitch} → ${detected?.toFixed(2) ?? 'silence'}`] : []
  })
}

describe('studio convert to audio, read back', () => {
  it('nabiya.abc → WAV: 19.2 s of song at its ♩=100 plus the piano release, every note at its pitch', () => {
    const out = join(dir, 'nabiya.wav')
    const said = studio('convert', NABIYA_ABC, out)
    expect(said).toMatch(/wrote .*nabiya\.wav: 54 notes .* ♩=100, .* s of audio per CPU second/)
    expect(nabiya.tempo).toBe(100)
    const reading = readWavPitches(out, [])
    expect([reading.sampleRate, reading.channels, reading.sampleBytes]).toEqual([44100, 2, 2])
    const seconds = reading.frames / reading.sampleRate
    expect(seconds).toBeGreaterThanOrEqual(19.2)
    expect(seconds).toBeLessThanOrEqual(19.2 + INSTRUMENTS.piano.releaseSeconds + 0.01)
    expect(wrongPitches(out, nabiya, 100)).toEqual([])
  })

  it.each<InstrumentId>(['guitar', 'flute'])('--instrument %s --tempo 140: the length follows the tempo, the pitches stay', (instrument) => {
    const out = join(dir, `nabiya-${instrument}.wav`)
    studio('convert', NABIYA_ABC, out, '--instrument', instrument, '--tempo', '140')
    const reading = readWavPitches(out, [])
    const songSeconds = (19.2 * 100) / 140
    expect(reading.frames / reading.sampleRate).toBeGreaterThanOrEqual(songSeconds)
    expect(reading.frames / reading.sampleRate).toBeLessThanOrEqual(songSeconds + INSTRUMENTS[instrument].releaseSeconds + 0.01)
    expect(wrongPitches(out, nabiya, 140)).toEqual([])
  })

  it('nabiya.abc → MP3: SoX reads its length and decodes it back to the same pitches', () => {
    const out = join(dir, 'nabiya.mp3')
    studio('convert', NABIYA_ABC, out)
    const seconds = Number(execFileSync('soxi', ['-D', out], { encoding: 'utf8' }))
    // An MP3 is whole frames of 1152 samples, and LAME's encoder delay adds about 50 ms.
    expect(seconds).toBeGreaterThanOrEqual(19.2)
    expect(seconds).toBeLessThanOrEqual(19.2 + INSTRUMENTS.piano.releaseSeconds + 0.2)
    const decoded = join(dir, 'nabiya-decoded.wav')
    execFileSync('sox', [out, '-b', '16', decoded])
    expect(wrongPitches(decoded, nabiya, 100)).toEqual([])
  })

  it('refuses an unknown instrument, and --tempo for a notation format', () => {
    expect(() => studio('convert', NABIYA_ABC, join(dir, 'x.wav'), '--instrument', 'kazoo')).toThrow(/--instrument must be one of piano, guitar, flute/)
    expect(() => studio('convert', NABIYA_ABC, join(dir, 'x.abc'), '--tempo', '90')).toThrow(/for audio/)
  })
})
