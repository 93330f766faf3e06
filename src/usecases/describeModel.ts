// Use case: what a model would be for a song and options, before training it (the model screen).
import { LimitError } from '../engine/errors'
import { modelPlotSvg } from '../engine/models/modelPlot'
import { countSpecParams, MODEL_PRESETS, specLayerRows } from '../engine/models/spec'
import { melodyToPlacedCodes } from '../engine/notation/noteCodes'
import type { Melody } from '../engine/notation/melody'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import { prepareSongTraining } from '../engine/songTraining'
import type { ModelDescription, ModelOptionsView, StudioModelKind } from '../shared/studioApi'

/** @throws SongError, OptionError for a song or options a model cannot be built for */
export function describeModel(melody: Melody, model: StudioModelKind, options: ModelOptionsView): ModelDescription {
  checkMelodyLimits(melody)
  const { spec, dataset } = prepareSongTraining(melodyToPlacedCodes(melody), model, options)
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
    ...modelPicture(layers, MODEL_PRESETS[model].title)
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
