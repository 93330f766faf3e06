// Use case: what a model would be for a song and options, before training it (the model screen).
import { sameWindowDifferentNext } from '../engine/dataset/windows'
import { LimitError } from '../engine/errors'
import { modelPlotSvg } from '../engine/models/modelPlot'
import { countSpecParams, MODEL_PRESETS, specLayerRows } from '../engine/models/spec'
import { melodyToPlacedCodes } from '../engine/notation/noteCodes'
import type { Melody } from '../engine/notation/melody'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import { prepareSongTraining } from '../engine/songTraining'
import { WINDOWS_SHOWN_MAX } from '../shared/limits'
import type { ModelDescription, ModelOptionsView, StudioModelKind } from '../shared/studioApi'

/** @throws SongError, OptionError for a song or options a model cannot be built for */
export function describeModel(melody: Melody, model: StudioModelKind, options: ModelOptionsView): ModelDescription {
  checkMelodyLimits(melody)
  const { spec, dataset, song, vocabulary } = prepareSongTraining(melodyToPlacedCodes(melody), model, options)
  const layers = specLayerRows(spec)
  return {
    model,
    title: MODEL_PRESETS[model].title,
    explanation: MODEL_PRESETS[model].explanation,
    params: countSpecParams(spec),
    classes: spec.classes,
    samples: dataset.labels.length,
    units: spec.units,
    window: spec.window,
    batchSize: spec.batchSize,
    learningRate: spec.learningRate,
    seed: spec.seed,
    stateful: spec.stateful,
    features: spec.encoding === 'pitch-length' ? 2 : 1,
    layers,
    ...modelPicture(layers, MODEL_PRESETS[model].title),
    ...songWindows(song, vocabulary.codes, spec.window)
  }
}

/**
 * The song's windows as codes with the note after each (the first WINDOWS_SHOWN_MAX), and the
 * pairs of windows with the same notes and different next notes: in 나비야, `e8 e8 e8 e8` twice.
 */
export function songWindows(song: readonly number[], codes: readonly string[], window: number): Required<Pick<ModelDescription, 'windows' | 'repeatedWindows' | 'windowOnlyCeiling'>> {
  const count = Math.min(Math.max(song.length - window, 0), WINDOWS_SHOWN_MAX)
  const steps = Array.from({ length: count }, (_, i) => ({ inputs: song.slice(i, i + window), truth: song[i + window] ?? -1 }))
  const others = sameWindowDifferentNext(steps)
  const repeatedWindows = others.flatMap((list, i) => list.filter((j) => j < i).map((j): [number, number] => [j, i])).slice(0, WINDOWS_SHOWN_MAX)
  // A model that sees only the window answers each window one way: at best the commonest next note of each.
  const nextCounts = new Map<string, Map<number, number>>()
  for (const step of steps) {
    const counts = nextCounts.get(step.inputs.join(',')) ?? new Map<number, number>()
    counts.set(step.truth, (counts.get(step.truth) ?? 0) + 1)
    nextCounts.set(step.inputs.join(','), counts)
  }
  const best = [...nextCounts.values()].reduce((sum, counts) => sum + Math.max(...counts.values()), 0)
  const code = (index: number) => codes[index] ?? '?'
  return {
    windows: steps.map((step) => ({ notes: step.inputs.map(code), next: code(step.truth) })),
    repeatedWindows,
    windowOnlyCeiling: steps.length > 0 ? best / steps.length : 1
  }
}

/** The picture of the model, left out (the table still says it all) for one too large to draw. */
function modelPicture(layers: Parameters<typeof modelPlotSvg>[0], title: string): { picture?: string } {
  try {
    return { picture: modelPlotSvg(layers, { title: `Model: ${title}` }) }
  } catch (error) {
    if (error instanceof LimitError) return {}
    throw error
  }
}
