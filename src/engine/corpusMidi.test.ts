// Every MIDI file of the Nottingham dataset imports, trains and is continued: none of their
// lengths (notes starting late, odd lengths, pickups) stops a corpus run or a continuation.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend } from './backend/chooseBackend'
import { corpusSongsFromFiles, prepareCorpusTraining } from './corpusTraining'
import { continueMelody } from './generate/continueMelody'
import { notePredictor } from './generate/predict'
import { buildModel, disposeModel } from './models/build'
import { midiToMelody } from './notation/midi'
import { STANDARD_TICKS } from './notation/noteCodes'
import { primeIndices } from './notation/vocabulary'
import { sharedPath } from './testing/seedSong'
import { trainModel } from './training/trainer'

const MIDI_FOLDER = sharedPath('corpus/nottingham/midi')
const files = readdirSync(MIDI_FOLDER)
  .filter((name) => name.endsWith('.mid'))
  .sort()
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(MIDI_FOLDER, name))) }))

beforeAll(async () => {
  await chooseBackend({ env: process.env })
})

describe('the Nottingham MIDI files as a corpus', () => {
  it('import with no warning about lengths, train one epoch, and each is continued a bar by the model', async () => {
    expect(files.length).toBe(801)
    const lengthWarnings = files.flatMap(({ name, bytes }) => midiToMelody(bytes).warnings.filter((w) => /length|representable/i.test(w)).map((w) => `${name}: ${w}`))
    expect(lengthWarnings).toEqual([])
    const { songs, skipped } = corpusSongsFromFiles(files)
    expect(skipped).toEqual([])
    const setup = prepareCorpusTraining(songs, 'lstm', { epochs: 1, units: 16, window: 8, seed: 1, scheme: 'windows' })
    // Tied pieces keep the vocabulary to standard lengths: no `:N` code from any file.
    expect(setup.vocabulary.codes.filter((code) => code.includes(':'))).toEqual([])
    const model = buildModel(setup.spec)
    try {
      const outcome = await trainModel(model, setup.spec, setup, { validation: setup.validation })
      expect(Number.isFinite(outcome.history.at(-1)?.loss)).toBe(true)
      const predictor = notePredictor(model, setup.spec)
      const failed: string[] = []
      for (const song of songs) {
        try {
          // The song's opening as the prime (the whole song would only warm the model up longer).
          const prime = primeIndices(song.melody, setup.vocabulary).slice(0, 16)
          const [continuation] = await continueMelody(predictor, setup.spec.window, setup.encoding, setup.vocabulary, prime, {
            temperature: 0,
            bars: 1,
            seed: 1,
            meter: song.melody.meter,
            pickupTicks: song.melody.pickupTicks ?? 0
          })
          if (!continuation || continuation.generated.length === 0 || !continuation.generated.every((code) => STANDARD_TICKS.includes(code.ticks))) failed.push(song.title)
        } catch (error) {
          failed.push(`${song.title}: ${(error as Error).message}`)
        }
      }
      predictor.dispose()
      expect(failed).toEqual([])
    } finally {
      disposeModel(model)
    }
  }, 300_000)
})
