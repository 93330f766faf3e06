// The player's settings, one set for every score on the page (the instrument, volume, loop and
// click follow the person from the song to the results), kept in localStorage so a reload keeps them.
import { parsePlaybackSettings, tempoOfScore, withTempo, type PlaybackSettingsValue } from './playbackSettings'

const STORAGE_KEY = 'melody-studio.playback'

function saved(): PlaybackSettingsValue {
  try {
    return parsePlaybackSettings(globalThis.localStorage?.getItem(STORAGE_KEY))
  } catch {
    // Storage refused (a sandboxed or private page): the defaults, for this page only.
    return parsePlaybackSettings(null)
  }
}

class PlayerSettings {
  #value = $state<PlaybackSettingsValue>(saved())

  get value(): PlaybackSettingsValue {
    return this.#value
  }

  update(change: Partial<PlaybackSettingsValue>): void {
    this.#save({ ...this.#value, ...change })
  }

  tempoOf(score: string, songTempo: number): number {
    return tempoOfScore(this.#value, score, songTempo)
  }

  chooseTempo(score: string, songTempo: number, tempo: number): void {
    this.#save(withTempo(this.#value, score, songTempo, tempo))
  }

  #save(value: PlaybackSettingsValue): void {
    this.#value = value
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(value))
    } catch {
      // Kept for this page only.
    }
  }
}

export const playerSettings = new PlayerSettings()
