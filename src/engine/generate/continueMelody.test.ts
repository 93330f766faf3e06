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
  it('at temperature 0 is greedy: a model at 100 % continues 나비야 as the song goes', () => {
    const { setup, predictor } = perfect
    const [only] = continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), {
      temperature: 0,
      notes: 50,
      seed: 1,
      meter: TWO_FOUR
    })
    expect(only!.indices).toEqual(setup.song.slice(4))
  })

  it('gives the same melody for the same seed, and others for other seeds', () => {
    const { setup, predictor } = rough
    const make = (seed: number) =>
      continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 8), {
        temperature: 1,
        bars: 12,
        seed,
        variations: 3,
        meter: TWO_FOUR
      }).map((c) => c.indices)
    expect(make(7)).toEqual(make(7))
    expect(make(7)[0]).not.toEqual(make(7)[1])
    expect(make(8)[0]).toEqual(make(7)[1])
  })

  it('fills whole bars: no note crosses a bar line, and it ends on one', () => {
    const { setup, predictor } = rough
    const prime = setup.song.slice(0, 5) // g8 e8 e4 f8: a bar and an eighth
    const continuations = continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, prime, {
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

  it('samples more distinct notes at a higher temperature (over many samples)', () => {
    const { setup, predictor } = rough
    const distinct = (temperature: number) => {
      const samples = continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 8), {
        temperature,
        bars: 16,
        seed: 100,
        variations: 20,
        meter: TWO_FOUR
      })
      return samples.reduce((sum, c) => sum + new Set(c.indices).size, 0) / samples.length
    }
    const [cold, warm, hot] = [distinct(0.3), distinct(1), distinct(2.5)]
    console.log(`distinct notes per 16 bars: T=0.3 ${cold.toFixed(2)}, T=1 ${warm.toFixed(2)}, T=2.5 ${hot.toFixed(2)}`)
    expect(hot).toBeGreaterThan(warm)
    expect(warm).toBeGreaterThan(cold)
  })

  it('with top-k 1 is greedy at any temperature, and refuses bad options', () => {
    const probabilities = [0.1, 0.5, 0.15, 0.25]
    const random = () => 0.99
    expect(sampleClass(probabilities, { temperature: 3, topK: 1 }, random)).toBe(1)
    expect(sampleClass(probabilities, { temperature: 0 }, random)).toBe(1)
    expect(sampleClass(probabilities, { temperature: 0 }, random, (i) => i !== 1)).toBe(3)
    expect(sampleClass(probabilities, { temperature: 1, topK: 2 }, () => 0.99)).toBe(3)
    const { setup, predictor } = rough
    const run = (options: object) =>
      continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, setup.song.slice(0, 4), { temperature: 1, seed: 1, meter: TWO_FOUR, ...options })
    expect(() => run({ notes: 4, temperature: -1 })).toThrow('temperature must be a number ≥ 0, got -1')
    expect(() => run({})).toThrow('give either a number of notes or a number of bars')
    expect(() => run({ notes: 4, topK: 0 })).toThrow('top-k must be a whole number ≥ 1, got 0')
    expect(() => continueMelody(predictor, 4, setup.encoding, setup.vocabulary, [1, 2], { temperature: 0, notes: 3, seed: 1, meter: TWO_FOUR })).toThrow(
      'the prime needs at least 4 notes'
    )
  })
})
