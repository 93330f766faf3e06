// The seed tutorial as data: the settings it trained its four models with, and what it published
// for them (../shared/SEED-DIGEST.md), so the studio can train them again in one action and set
// its own results beside the tutorial's. No tfjs here: the UI reads it.
import { MODEL_PRESETS } from './modelPresets'
import { SEED_MODEL_KINDS, type SeedModelKind } from './studioNames'

/** The tutorial's settings, the same for its four models: Adam 1e-3, 2000 epochs, numpy seed 5, LSTM(128) or Dense(128), windows of 4. */
export const TUTORIAL_SETTINGS = { epochs: 2000, units: 128, window: 4, learningRate: 1e-3, seed: 5 } as const

/** The models in the tutorial's order. */
export const TUTORIAL_MODELS: readonly SeedModelKind[] = SEED_MODEL_KINDS

/**
 * What the tutorial published for 나비야: one-step accuracy (the LSTM's "about 90 %"), and the full
 * song as a share where it gave one, else `collapses` (after one mistake the song falls into a
 * repeated note).
 */
export const TUTORIAL_PUBLISHED: Readonly<Record<SeedModelKind, { readonly oneStep: number; readonly approximate: boolean; readonly fullSong: number | 'collapses' }>> = {
  mlp: { oneStep: 0.92, approximate: false, fullSong: 'collapses' },
  lstm: { oneStep: 0.9, approximate: true, fullSong: 'collapses' },
  'stateful-lstm': { oneStep: 1, approximate: false, fullSong: 1 },
  'stateful-lstm-2f': { oneStep: 1, approximate: false, fullSong: 1 }
}

/** The request options that train a model as the tutorial did (its preset's batch size, state and features). */
export function tutorialOptions(kind: SeedModelKind): { units: number; window: number; learningRate: number; seed: number; stateful?: boolean; twoFeatures: boolean } {
  const preset = MODEL_PRESETS[kind]
  return {
    units: TUTORIAL_SETTINGS.units,
    window: TUTORIAL_SETTINGS.window,
    learningRate: TUTORIAL_SETTINGS.learningRate,
    seed: TUTORIAL_SETTINGS.seed,
    ...(kind === 'mlp' ? {} : { stateful: preset.stateful }),
    twoFeatures: preset.encoding === 'pitch-length'
  }
}
