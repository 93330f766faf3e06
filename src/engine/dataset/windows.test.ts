import { describe, expect, it } from 'vitest'
import { OptionError, SongError } from '../errors'
import { indexNotes, makeInputEncoding, SEED_VOCABULARY } from '../notation/vocabulary'
import { nabiyaNotes, seedDatasetRows } from '../testing/seedSong'
import { buildWindowDataset, windowRows } from './windows'

describe('windows', () => {
  const song = indexNotes(nabiyaNotes(), SEED_VOCABULARY)

  it('gives exactly the seed\'s 50×5 matrix for 나비야 and window 4', () => {
    const expected = seedDatasetRows()
    expect(expected).toHaveLength(50)
    expect(windowRows(song, 4)).toEqual(expected)
  })

  it('normalises inputs by / 13 and keeps labels as indices', () => {
    const dataset = buildWindowDataset(song, 4, makeInputEncoding('index', SEED_VOCABULARY))
    expect(dataset.inputs[0]).toEqual([[11 / 13], [9 / 13], [2 / 13], [10 / 13]])
    expect(dataset.labels.slice(0, 3)).toEqual([8, 1, 7])
  })

  it('holds the window e8 e8 e8 e8 twice with different next notes, capping one-step at 49/50', () => {
    const rows = windowRows(song, 4)
    const e8 = SEED_VOCABULARY.codes.indexOf('e8')
    const successors = rows.filter((row) => row.slice(0, 4).every((i) => i === e8)).map((row) => row[4])
    expect(successors).toEqual([e8, SEED_VOCABULARY.codes.indexOf('f8')])
  })

  it('works for other window sizes', () => {
    expect(windowRows(song, 1)).toHaveLength(53)
    expect(windowRows(song, 53)).toEqual([song])
  })

  it('refuses a window ≤ 0 and a song no longer than the window', () => {
    expect(() => windowRows(song, 0)).toThrow(OptionError)
    expect(() => windowRows(song, -2)).toThrow(/window must be a whole number of notes ≥ 1, got -2/)
    expect(() => windowRows(song, 2.5)).toThrow(OptionError)
    expect(() => windowRows(song.slice(0, 4), 4)).toThrow(SongError)
    expect(() => windowRows(song.slice(0, 3), 4)).toThrow(/the song has 3 notes, but a window of 4 needs at least 5/)
  })
})
