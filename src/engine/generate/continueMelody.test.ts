import { CONTINUE_MAX_BARS, CONTINUE_MAX_NOTES, CONTINUE_MAX_VARIATIONS } from '../../shared/limits'
import { GenerationCancelledError } from '../errors'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { disposeModel } from '../models/build'
import { joinNoteCodes, noteCodeMidiPitch, parseNoteCodes, readNoteCode, STANDARD_TICKS, type NoteCode } from '../notation/noteCodes'
import { prepareSongTraining, trainOnSong, type SongTrainingSetup } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import { continueMelody, sampleClass } from './continueMelody'
import { notePredictor, type NotePredictor } from './predict'

const TWO_FOUR = { numerator: 2, denominator: 4 }
const BAR = 960

let perfect: { setup: SongTrainingSetup; predictor: NotePredictor }
let rough: { setup: SongTrainingSetup; predictor: NotePredictor }

beforeAll(async () => {
  await chooseBackend({ env: process.env })
  const train = async (epochs: number, untilPerfect: boolean) => {
    const setup = prepareSongTraining(nabiyaNotes(), 'stateful-lstm-2f', { epochs, seed: 5 })
    const { model } = await trainOnSong(setup, { untilPerfect })
    const predictor = notePredictor(model, setup.spec)
    // the fast predictor holds its own copy of the weights; the tfjs model can go
    disposeModel(model)
    return { setup, predictor }
  }
  perfect = await train(400, true)
  rough = await train(15, false)
})

function ticksOf(setup: SongTrainingSetup, indices: readonly number[]): number[] {
  return indices.map((index) => readNoteCode(setup.vocabulary.codes[index] ?? '')?.ticks ?? 0)
}

describe('continuing a melody', () => {
  it('at temperature 0 is greedy: a model at 100 % continues 나비야 as the song goes', async () => {
    const { setup, predictor } = perfect
    const [only] = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), {
      temperature: 0,
      notes: 50,
      seed: 1,
      meter: TWO_FOUR
    })
    expect(only!.indices).toEqual(setup.song.slice(4))
  })

  it('gives the same melody for the same seed, and others for other seeds', async () => {
    const { setup, predictor } = rough
    const make = async (seed: number) =>
      (await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 8), {
        temperature: 1,
        bars: 12,
        seed,
        variations: 3,
        meter: TWO_FOUR
      })).map((c) => c.indices)
    const [seven, sevenAgain, eight] = [await make(7), await make(7), await make(8)]
    expect(seven).toEqual(sevenAgain)
    expect(seven[0]).not.toEqual(seven[1])
    expect(eight[0]).toEqual(seven[1])
  })

  it('fills whole bars: no note crosses a bar line, and it ends on one', async () => {
    const { setup, predictor } = rough
    const prime = setup.song.slice(0, 5) // g8 e8 e4 f8: a bar and an eighth
    const continuations = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, prime, {
      temperature: 1.5,
      bars: 8,
      seed: 3,
      variations: 5,
      meter: TWO_FOUR
    })
    for (const continuation of continuations) {
      let position = ticksOf(setup, prime).reduce((a, b) => a + b, 0)
      for (const note of continuation.generated) {
        expect(Math.floor(position / BAR)).toBe(Math.floor((position + note.ticks - 1) / BAR))
        position += note.ticks
      }
      expect(position % BAR).toBe(0)
      expect(position).toBe(9 * BAR) // the prime's first bar, the rest of its second, then 7 more
    }
  })

  it('fills the bars of a song with a pickup: bar lines fall at the pickup and a bar after it', async () => {
    const { setup, predictor } = rough
    const prime = setup.song.slice(0, 5) // g8 e8 e4 f8: five eighths
    const pickupTicks = 240 // the first eighth is a pickup: bar lines at 240, 1200, 2160, …
    const continuations = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, prime, {
      temperature: 1.5,
      bars: 4,
      seed: 5,
      variations: 4,
      meter: TWO_FOUR,
      pickupTicks
    })
    for (const continuation of continuations) {
      let position = ticksOf(setup, prime).reduce((a, b) => a + b, 0) - pickupTicks
      for (const note of continuation.generated) {
        expect(Math.floor(position / BAR)).toBe(Math.floor((position + note.ticks - 1) / BAR))
        position += note.ticks
      }
      expect(position).toBe(5 * BAR) // the prime's bar, the rest of its second, then 3 more
    }
  })

  it('samples more distinct notes at a higher temperature (over many samples)', async () => {
    const { setup, predictor } = rough
    const distinct = async (temperature: number) => {
      const samples = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 8), {
        temperature,
        bars: 16,
        seed: 100,
        variations: 16,
        meter: TWO_FOUR
      })
      return samples.reduce((sum, c) => sum + new Set(c.indices).size, 0) / samples.length
    }
    const [cold, warm, hot] = [await distinct(0.3), await distinct(1), await distinct(2.5)]
    console.log(`distinct notes per 16 bars: T=0.3 ${cold.toFixed(2)}, T=1 ${warm.toFixed(2)}, T=2.5 ${hot.toFixed(2)}`)
    expect(hot).toBeGreaterThan(warm)
    expect(warm).toBeGreaterThan(cold)
  })

  it('with top-k 1 is greedy at any temperature, and refuses bad options', async () => {
    const probabilities = [0.1, 0.5, 0.15, 0.25]
    const random = () => 0.99
    expect(sampleClass(probabilities, { temperature: 3, topK: 1 }, random)).toBe(1)
    expect(sampleClass(probabilities, { temperature: 0 }, random)).toBe(1)
    expect(sampleClass(probabilities, { temperature: 0 }, random, (i) => i !== 1)).toBe(3)
    expect(sampleClass(probabilities, { temperature: 1, topK: 2 }, () => 0.99)).toBe(3)
    const { setup, predictor } = rough
    const run = (options: object) =>
      continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), { temperature: 1, seed: 1, meter: TWO_FOUR, ...options })
    await expect(run({ notes: 4, temperature: -1 })).rejects.toThrow('temperature must be a number ≥ 0, got -1')
    await expect(run({})).rejects.toThrow('give either a number of notes or a number of bars')
    await expect(run({ notes: 4, topK: 0 })).rejects.toThrow('top-k must be a whole number ≥ 1, got 0')
    await expect(continueMelody(predictor, 4, setup.encoding, setup.vocabulary, [1, 2], { temperature: 0, notes: 3, seed: 1, meter: TWO_FOUR })).rejects.toThrow(
      'the prime needs at least 4 notes'
    )
  })

  it('refuses a bar no music has and lengths past the limits, by name', async () => {
    const { setup, predictor } = rough
    const run = (options: object) =>
      continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), { temperature: 1, seed: 1, meter: TWO_FOUR, ...options })
    await expect(run({ bars: 1, meter: { numerator: 1000, denominator: 1 } })).rejects.toThrow(/BAR_MAX_QUARTERS/)
    await expect(run({ bars: CONTINUE_MAX_BARS + 1 })).rejects.toThrow(`from 1 to ${CONTINUE_MAX_BARS}`)
    await expect(run({ notes: CONTINUE_MAX_NOTES + 1 })).rejects.toThrow(`from 1 to ${CONTINUE_MAX_NOTES}`)
    await expect(run({ notes: 4, variations: CONTINUE_MAX_VARIATIONS + 1 })).rejects.toThrow(`from 1 to ${CONTINUE_MAX_VARIATIONS}`)
  })

  it('stops at most CONTINUE_MAX_NOTES notes in, closing the bar, and stops when asked', async () => {
    const { setup, predictor } = rough
    // 16/4 bars of sixteenths at most: 256 bars could ask for 16,384 notes.
    const meter = { numerator: 16, denominator: 4 }
    const [long] = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), { temperature: 1, seed: 2, bars: CONTINUE_MAX_BARS, meter })
    // Past the limit only the rest that closes the bar, in standard pieces.
    expect(long!.generated.slice(CONTINUE_MAX_NOTES).every((code) => code.pitch === 'r')).toBe(true)
    expect(long!.generated.length).toBeLessThanOrEqual(CONTINUE_MAX_NOTES + 3)
    const ticks = long!.generated.reduce((sum, code) => sum + code.ticks, 0) + ticksOf(setup, setup.song.slice(0, 4)).reduce((a, b) => a + b, 0)
    expect(ticks % (BAR * 8)).toBe(0)
    const stop = new AbortController()
    const stopped = continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), { temperature: 1, seed: 2, bars: CONTINUE_MAX_BARS, meter, signal: stop.signal })
    stop.abort()
    await expect(stopped).rejects.toThrow(GenerationCancelledError)
  })

  it('continues a song of tied pieces piece by piece: each piece within its bar, the bars whole, ties joined', async () => {
    // Every length from 1 to 16 sixteenths, a note and a rest of each; odd ones as tied pieces.
    const song = parseNoteCodes(`c16 r16 d8 r8 e8. r8. f4 r4 g4- g16 r4 r16 a4. r4. b4.- b16 r4. r16
      c'2 r2 d'2- d'16 r2 r16 e'2- e'8 r2 r8 f'2- f'8. r2 r8. g'2. r2. a'2.- a'16 r2. r16 b'2.- b'8 r2. r8 c''2.- c''8. r2. r8. d''1 r1 g,4`)
    const setup = prepareSongTraining(song, 'stateful-lstm-2f', { epochs: 20, seed: 5 })
    const { model } = await trainOnSong(setup)
    const predictor = notePredictor(model, setup.spec)
    disposeModel(model)
    const threeFour = { numerator: 3, denominator: 4 }
    const bar = 1440
    const prime = setup.song.slice(0, 9) // c16 … g4-: two bars, the last piece tied over the bar line
    const continuations = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, prime, {
      temperature: 1.5,
      bars: 6,
      seed: 11,
      variations: 6,
      meter: threeFour
    })
    const primeCodes = prime.map((index) => readNoteCode(setup.vocabulary.codes[index] ?? '') as NoteCode)
    const primeTicks = primeCodes.reduce((sum, code) => sum + code.ticks, 0)
    let tiedPieces = 0
    for (const continuation of continuations) {
      let position = primeTicks
      for (const code of continuation.generated) {
        expect(STANDARD_TICKS).toContain(code.ticks)
        expect(Math.floor(position / bar)).toBe(Math.floor((position + code.ticks - 1) / bar))
        position += code.ticks
        if (code.tied) tiedPieces++
      }
      expect(position).toBe(8 * bar) // the prime's two bars, then six
      const codes = [...primeCodes, ...continuation.generated]
      const { notes, noteOfCode } = joinNoteCodes(codes)
      codes.forEach((code, i) => {
        const note = notes[noteOfCode[i] ?? -1]
        expect(note?.pitch ?? null).toBe(noteCodeMidiPitch(code))
      })
      expect(notes.reduce((sum, note) => sum + note.durationTicks, 0)).toBe(8 * bar)
    }
    expect(tiedPieces).toBeGreaterThan(0)
    predictor.dispose()
  })
})
