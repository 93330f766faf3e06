// Issue 13: a song of every length from a sixteenth to a whole, odd ones (five, seven, eleven
// sixteenths …) included, trains as the app trains it, and its predictions and continuations
// come back with the song's own lengths.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  abcToMelodies,
  disposeModel,
  importSong,
  loadTrainedModel,
  melodyEndTicks,
  melodyToNoteCodes,
  noteCodesToMelody,
  noteCodeToString,
  parseNoteCodes,
  SongError,
  STANDARD_TICKS,
  type Melody,
  type MelodyNote
} from '../engine'
import { writtenBars, type WrittenBars } from '../engine/testing/abcPickups'
import type { TrainingProgress, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { predictionView } from './predictionViews'
import { continueStudioRun, trainStudioRun } from './studioRuns'

/** Each length from 1 to 16 sixteenths, a note and then a rest of it, and a last quarter. */
const EVERY_LENGTH_ABC = `X:1
T:Every length
M:4/4
L:1/16
K:C
C z D2 z2 E3 z3 F4 z4 G5 z5 A6 z6 B7 z7 c8 z8 d9 z9 e10 z10 f11 z11 g12 z12 a13 z13 b14 z14 c'15 z15 d'16 z16 G,4 |]
`

/** The same song as note codes: an odd length is written as tied pieces of standard lengths. */
const EVERY_LENGTH_CODES = `c16 r16 d8 r8 e8. r8. f4 r4 g4- g16 r4 r16 a4. r4. b4.- b16 r4. r16
c'2 r2 d'2- d'16 r2 r16 e'2- e'8 r2 r8 f'2- f'8. r2 r8. g'2. r2.
a'2.- a'16 r2. r16 b'2.- b'8 r2. r8 c''2.- c''8. r2. r8. d''1 r1 g,4
`

const SIXTEENTH = 120
const models = mkdtempSync(join(tmpdir(), 'studio-odd-lengths-'))

function melodyOfAbc(abc: string): Melody {
  const melody = abcToMelodies(abc).tunes[0]?.melody
  if (!melody) throw new Error(`no melody in\n${abc}`)
  return melody
}

/** Notes as [pitch, length], where they start left out: what a listener hears, rests included. */
function heard(notes: readonly MelodyNote[]): [number | null, number][] {
  return notes.map((note) => [note.pitch, note.durationTicks])
}


/** A run as the training process runs it for the studio: its result. */
async function trainRun(runId: string, request: TrainingRequest, folder: string, signal: AbortSignal, onProgress: (progress: TrainingProgress) => void) {
  return (await trainStudioRun(runId, request, folder, { signal, onProgress })).result
}

describe('a song of every length, odd ones included', () => {
  const song = importSong(new TextEncoder().encode(EVERY_LENGTH_ABC), 'abc').melody

  it('is the same melody as ABC and as note codes, and goes melody → codes → melody unchanged', () => {
    const lengths = (pitched: boolean) => song.notes.filter((note) => (note.pitch !== null) === pitched).map((note) => note.durationTicks / SIXTEENTH)
    const oneToSixteen = Array.from({ length: 16 }, (_, i) => i + 1)
    expect(lengths(true)).toEqual([...oneToSixteen, 4])
    expect(lengths(false)).toEqual(oneToSixteen)
    const written = parseNoteCodes(EVERY_LENGTH_CODES)
    expect(noteCodesToMelody(written).notes).toEqual(song.notes)
    const codes = melodyToNoteCodes(song)
    expect(codes.map(noteCodeToString)).toEqual(written.map(noteCodeToString))
    expect(codes.every((code) => STANDARD_TICKS.includes(code.ticks))).toBe(true)
    // Notes of 5, 7, 9, 10, 11, 13, 14 and 15 sixteenths are two tied pieces each; rests of them two rests.
    expect(codes.filter((code) => code.tied)).toHaveLength(8)
    expect(codes).toHaveLength(33 + 16)
    expect(noteCodesToMelody(codes).notes).toEqual(song.notes)
  })

  describe('trained as the app trains it', () => {
    let result: TrainingResult
    beforeAll(async () => {
      result = await trainRun(
        'odd-lengths',
        { melody: melodyOfAbc(EVERY_LENGTH_ABC), abc: EVERY_LENGTH_ABC, model: 'stateful-lstm-2f', epochs: 600, untilPerfect: true, options: { units: 64, learningRate: 0.01, seed: 3 } },
        models,
        new AbortController().signal,
        () => undefined
      )
    }, 300_000)

    it('predicts the song back with its own lengths: tied pieces joined into the notes they were', () => {
      expect(result.oneStep.accuracy).toBe(1)
      expect(result.fullSong.accuracy).toBe(1)
      for (const prediction of [result.oneStep, result.fullSong]) {
        const predicted = melodyOfAbc(prediction.abc)
        expect(heard(predicted.notes)).toEqual(heard(song.notes))
        expect(prediction.wrong).toEqual([])
      }
    })

    it('marks a wrong piece on the note it is part of, once', async () => {
      const { model, info } = await loadTrainedModel(join(models, 'odd-lengths'))
      disposeModel(model)
      // Codes 8 and 9 are g4- g16, the fifth note (head 4); 10 is the rest after it.
      expect([8, 9, 10].map((i) => info.vocabulary.codes[info.song[i] ?? -1])).toEqual(['g4-', 'g16', 'r4'])
      const wrongHeads = (wrong: number[]) => predictionView({ indices: info.song, accuracy: 0, wrong, truth: info.song }, info.vocabulary, song).wrong
      expect(wrongHeads([9])).toEqual([4])
      expect(wrongHeads([8, 9])).toEqual([4])
      expect(wrongHeads([8, 10, 12])).toEqual([4, 5])
    })

    it('continues a song of odd lengths from the saved model, keeping them, in whole bars', async () => {
      const primeAbc = 'X:1\nT:Odd prime\nM:3/4\nL:1/16\nK:C\nG5 z5 A6 z6 B7 z7 c8 z8 d9 |]\n'
      const prime = melodyOfAbc(primeAbc)
      const again = await continueStudioRun('odd-lengths', models, { bars: 3, temperature: 0.8, seed: 4, variations: 3, prime: melodyOfAbc(primeAbc) })
      const bar = 3 * 4 * SIXTEENTH
      expect(again).toHaveLength(3)
      for (const continuation of again) {
        const melody = melodyOfAbc(continuation.abc)
        expect(melody.title).toBe('Odd prime (seed ' + String(continuation.seed) + ')')
        // The prime comes back with its five, seven and nine sixteenths whole.
        expect(heard(melody.notes.slice(0, prime.notes.length))).toEqual(heard(prime.notes))
        // The prime's last bar filled, then two more: eight bars of 3/4 (a rest that ends them is
        // written in the ABC, but a melody read from ABC ends with its last note).
        const bars = Math.ceil(melodyEndTicks(prime) / bar) + 2
        expect(continuation.abc.match(/\|/g)).toHaveLength(bars)
        expect(melodyEndTicks(melody)).toBeGreaterThan(melodyEndTicks(prime))
        expect(melodyEndTicks(melody)).toBeLessThanOrEqual(bars * bar)
        expect(melodyToNoteCodes(melody).every((code) => STANDARD_TICKS.includes(code.ticks))).toBe(true)
      }
    })

    it("continues a prime with a pickup in the prime's bars: its short first bar kept, bar lines from there", async () => {
      // 3/4 in sixteenths: a pickup of 8 (G5 z3), then whole bars of 12.
      const primeAbc = 'X:1\nT:Pickup prime\nM:3/4\nL:1/16\nK:C\nG5 z3 | A6 z6 | B7 z5 |]\n'
      expect(melodyOfAbc(primeAbc).pickupTicks).toBe(8 * SIXTEENTH)
      const again = await continueStudioRun('odd-lengths', models, { bars: 2, temperature: 0.8, seed: 2, variations: 2, prime: melodyOfAbc(primeAbc) })
      const bar = 12 * SIXTEENTH
      for (const continuation of again) {
        expect(melodyOfAbc(continuation.abc).pickupTicks).toBe(8 * SIXTEENTH)
        const [{ barLines }] = writtenBars(continuation.abc) as [WrittenBars]
        expect(barLines[0]).toBe(8 * SIXTEENTH)
        expect(barLines.every((line) => (line - 8 * SIXTEENTH) % bar === 0)).toBe(true)
        // The pickup, the prime's two bars (the last one, whose rest a melody read from ABC drops,
        // filled: the first of the two bars asked for), then one more.
        expect(barLines.at(-1)).toBe(8 * SIXTEENTH + 3 * bar)
      }
    })

    it('names a few of the notes a model does not know, and how many more, never its vocabulary', async () => {
      const primeAbc = "X:1\nM:4/4\nL:1/16\nK:C\n^C5 ^D5 ^F5 ^G5 ^A5 ^c5 ^d5 ^f5 ^g5 |]\n"
      const refused = continueStudioRun('odd-lengths', models, { bars: 1, temperature: 0, seed: 1, variations: 1, prime: melodyOfAbc(primeAbc) })
      await expect(refused).rejects.toThrow(SongError)
      const message = await refused.catch((error: Error) => error.message)
      expect(message).toBe(
        "18 of the song's notes are not among the notes the model knows: ^c4-, ^c16, ^d4-, ^d16, ^f4- and 13 more; change them or train on songs that have them"
      )
    })
  })
})
