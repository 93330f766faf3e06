// The player's settings as data: what is kept between plays (and reloads, in localStorage), read
// back field by field so a damaged or older entry falls back to defaults instead of breaking playback.
import { DEFAULT_INSTRUMENT, isInstrumentId, type InstrumentId } from '../../../shared/instruments'
import { clampTempo } from './playbackTempo'

/** A tempo the person chose for one score, kept only while the song's own tempo is the one it was chosen against. */
export interface ChosenTempo {
  /** The song's own tempo (its Q:) when the choice was made. */
  readonly songTempo: number
  readonly chosen: number
}

export interface PlaybackSettingsValue {
  readonly instrument: InstrumentId
  /** 0 (silent) to 1 (the synthesiser's full level). */
  readonly volume: number
  readonly loop: boolean
  readonly metronome: boolean
  /** By score (its test id: 'song score', 'one-step score'…). */
  readonly tempos: Readonly<Record<string, ChosenTempo>>
}

export const DEFAULT_PLAYBACK_SETTINGS: PlaybackSettingsValue = {
  instrument: DEFAULT_INSTRUMENT,
  volume: 0.8,
  loop: false,
  metronome: false,
  tempos: {}
}

/** The settings saved as `text` (JSON), each field that is missing or wrong replaced by its default. */
export function parsePlaybackSettings(text: string | null | undefined): PlaybackSettingsValue {
  let saved: unknown
  try {
    saved = text ? JSON.parse(text) : undefined
  } catch {
    saved = undefined
  }
  if (typeof saved !== 'object' || saved === null) return DEFAULT_PLAYBACK_SETTINGS
  const fields = saved as Record<string, unknown>
  const defaults = DEFAULT_PLAYBACK_SETTINGS
  const tempos: Record<string, ChosenTempo> = {}
  if (typeof fields['tempos'] === 'object' && fields['tempos'] !== null) {
    for (const [score, value] of Object.entries(fields['tempos'] as Record<string, unknown>)) {
      const { songTempo, chosen } = (value ?? {}) as Record<string, unknown>
      if (typeof songTempo === 'number' && typeof chosen === 'number' && Number.isFinite(songTempo) && Number.isFinite(chosen)) {
        tempos[score] = { songTempo, chosen: clampTempo(chosen) }
      }
    }
  }
  const instrument = fields['instrument']
  const volume = fields['volume']
  return {
    instrument: typeof instrument === 'string' && isInstrumentId(instrument) ? instrument : defaults.instrument,
    volume: typeof volume === 'number' && Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : defaults.volume,
    loop: typeof fields['loop'] === 'boolean' ? fields['loop'] : defaults.loop,
    metronome: typeof fields['metronome'] === 'boolean' ? fields['metronome'] : defaults.metronome,
    tempos
  }
}

/** The tempo a score plays at: the one chosen for it while its song's tempo is unchanged, else the song's own. */
export function tempoOfScore(settings: PlaybackSettingsValue, score: string, songTempo: number): number {
  const chosen = settings.tempos[score]
  return chosen && chosen.songTempo === songTempo ? chosen.chosen : songTempo
}

/** The settings with `tempo` chosen for `score` (a choice equal to the song's own tempo is forgotten). */
export function withTempo(settings: PlaybackSettingsValue, score: string, songTempo: number, tempo: number): PlaybackSettingsValue {
  const chosen = clampTempo(tempo)
  const others = Object.entries(settings.tempos).filter(([name]) => name !== score)
  return { ...settings, tempos: Object.fromEntries(chosen === songTempo ? others : [...others, [score, { songTempo, chosen }]]) }
}
