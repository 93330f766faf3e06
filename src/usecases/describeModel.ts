// Use case: what a model would be for a song and options, before training it (the model screen).
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
    ...songWindows(song.map((index) => vocabulary.codes[index] ?? '?'), spec.window)
  }
}

/**
 * The song's windows as codes with the note after each (the first WINDOWS_SHOWN_MAX), and the
 * pairs of windows with the same notes and different next notes: in 나비야, `e8 e8 e8 e8` twice.
 */
export function songWindows(codes: readonly string[], window: number): Required<Pick<ModelDescription, 'windows' | 'repeatedWindows' | 'windowOnlyCeiling'>> {
  const count = Math.min(Math.max(codes.length - window, 0), WINDOWS_SHOWN_MAX)
  const windows = Array.from({ length: count }, (_, i) => ({ notes: codes.slice(i, i + window), next: codes[i + window] ?? '' }))
  const firstSeen = new Map<string, number[]>()
  const repeatedWindows: [number, number][] = []
  windows.forEach((row, i) => {
    const key = row.notes.join(' ')
    const earlier = firstSeen.get(key) ?? []
    for (const j of earlier) if (windows[j]?.next !== row.next && repeatedWindows.length < WINDOWS_SHOWN_MAX) repeatedWindows.push([j, i])
    firstSeen.set(key, [...earlier, i])
  })
  // A model that sees only the window answers each window one way: at best the commonest next note of each.
  let best = 0
  for (const rows of firstSeen.values()) {
    const counts = new Map<string, number>()
    for (const row of rows) counts.set(windows[row]?.next ?? '', (counts.get(windows[row]?.next ?? '') ?? 0) + 1)
    best += Math.max(...counts.values())
  }
  return { windows, repeatedWindows, windowOnlyCeiling: windows.length > 0 ? best / windows.length : 1 }
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
