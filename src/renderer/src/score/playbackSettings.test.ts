import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAYBACK_SETTINGS, parsePlaybackSettings, tempoOfScore, withTempo } from './playbackSettings'

describe('parsePlaybackSettings', () => {
  it('reads back what was saved', () => {
    const saved = { instrument: 'flute', volume: 0.5, loop: true, metronome: true, tempos: { 'song score': { songTempo: 100, chosen: 60 } } }
    expect(parsePlaybackSettings(JSON.stringify(saved))).toEqual(saved)
  })

  it('replaces each missing or wrong field by its default, keeping the rest', () => {
    expect(parsePlaybackSettings(null)).toEqual(DEFAULT_PLAYBACK_SETTINGS)
    expect(parsePlaybackSettings('not json')).toEqual(DEFAULT_PLAYBACK_SETTINGS)
    const damaged = parsePlaybackSettings(JSON.stringify({ instrument: 'kazoo', volume: 7, loop: 'yes', metronome: true, tempos: { a: { songTempo: 100 }, b: { songTempo: 90, chosen: 9999 } } }))
    expect(damaged).toEqual({ ...DEFAULT_PLAYBACK_SETTINGS, volume: 1, metronome: true, tempos: { b: { songTempo: 90, chosen: 1000 } } })
  })
})

describe('a chosen tempo', () => {
  it('holds for its score while the song keeps the tempo it was chosen against', () => {
    const settings = withTempo(DEFAULT_PLAYBACK_SETTINGS, 'song score', 100, 60)
    expect(tempoOfScore(settings, 'song score', 100)).toBe(60)
    expect(tempoOfScore(settings, 'one-step score', 100)).toBe(100)
    // Another song (another Q:) plays at its own tempo.
    expect(tempoOfScore(settings, 'song score', 120)).toBe(120)
  })

  it('is forgotten when set back to the song tempo', () => {
    const settings = withTempo(withTempo(DEFAULT_PLAYBACK_SETTINGS, 'song score', 100, 60), 'song score', 100, 100)
    expect(settings.tempos).toEqual({})
  })
})
