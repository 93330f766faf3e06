import { CONTINUE_MAX_BARS, CONTINUE_MAX_NOTES, CONTINUE_MAX_VARIATIONS } from '../../shared/limits'
import { GenerationCancelledError } from '../errors'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from '../backend/chooseBackend'
import { disposeModel } from '../models/build'
import { readNoteCode } from '../notation/noteCodes'
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
    expect(long!.generated.length).toBeLessThanOrEqual(CONTINUE_MAX_NOTES + 1)
    const ticks = long!.generated.reduce((sum, code) => sum + code.ticks, 0) + ticksOf(setup, setup.song.slice(0, 4)).reduce((a, b) => a + b, 0)
    expect(ticks % (BAR * 8)).toBe(0)
    const stop = new AbortController()
    const stopped = continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), { temperature: 1, seed: 2, bars: CONTINUE_MAX_BARS, meter, signal: stop.signal })
    stop.abort()
    await expect(stopped).rejects.toThrow(GenerationCancelledError)
  })
})
