// Which corpus scheme a run takes when it names none, and sequences with fewer songs than lanes.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { corpusSongsFromFiles, defaultCorpusScheme, prepareCorpusTraining, SEQUENCE_DEFAULT_STREAMS } from '.'
import { sharedPath } from './testing/seedSong'

describe('the default corpus scheme', () => {
  it('is sequences for the recurrent presets and windows for the MLP', () => {
    expect(defaultCorpusScheme('lstm')).toBe('sequence')
    expect(defaultCorpusScheme('stateful-lstm')).toBe('sequence')
    expect(defaultCorpusScheme('stateful-lstm-2f')).toBe('sequence')
    expect(defaultCorpusScheme('mlp')).toBe('windows')
  })

  it("follows the lab's layers: sequences only where every layer keeps the time axis and one is recurrent", () => {
    expect(defaultCorpusScheme('mlp', [{ type: 'embedding' }, { type: 'gru' }, { type: 'dropout' }, { type: 'dense' }])).toBe('sequence')
    expect(defaultCorpusScheme('lstm', [{ type: 'dense' }, { type: 'lstm' }])).toBe('windows')
    expect(defaultCorpusScheme('lstm', [{ type: 'lstm', bidirectional: true }])).toBe('windows')
    expect(defaultCorpusScheme('lstm', [{ type: 'conv1d' }, { type: 'lstm' }])).toBe('windows')
    expect(defaultCorpusScheme('lstm', [{ type: 'embedding' }, { type: 'dense' }])).toBe('windows')
  })
})

describe('a corpus run that names no scheme', () => {
  const bytes = readFileSync(sharedPath('corpus/nottingham/abc/reelsu-z.abc'))
  const songs = corpusSongsFromFiles([{ name: 'reelsu-z.abc', bytes }]).songs

  it('trains an LSTM by sequences, in one lane per training song when there are fewer songs than the batch', () => {
    expect(SEQUENCE_DEFAULT_STREAMS).toBeGreaterThan(31)
    const setup = prepareCorpusTraining(songs, 'lstm', { window: 16, seed: 5 })
    expect(setup.scheme).toBe('sequence')
    const trainingSongs = setup.trainingTitles.length
    expect(trainingSongs).toBeLessThan(64)
    expect(setup.spec.batchSize).toBe(trainingSongs)
    expect(setup.sequences?.streams).toBe(trainingSongs)
    expect(setup.dataset.labels).toHaveLength(0)
  })

  it('walks SEQUENCE_DEFAULT_STREAMS lanes of a larger book', () => {
    const jigs = corpusSongsFromFiles([{ name: 'jigs.abc', bytes: readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc')) }]).songs
    const setup = prepareCorpusTraining(jigs, 'stateful-lstm-2f', { window: 16, seed: 5 })
    expect(setup.scheme).toBe('sequence')
    expect(setup.sequences?.streams).toBe(SEQUENCE_DEFAULT_STREAMS)
  })

  it('keeps the asked batch where there are songs enough, and trains an MLP by windows', () => {
    expect(prepareCorpusTraining(songs, 'lstm', { window: 16, seed: 5, batchSize: 8 }).spec.batchSize).toBe(8)
    const mlp = prepareCorpusTraining(songs, 'mlp', { window: 16, seed: 5 })
    expect(mlp.scheme).toBe('windows')
    expect(mlp.sequences).toBeUndefined()
    expect(mlp.dataset.labels.length).toBeGreaterThan(0)
  })
})
