// Use case: what a model would be for a song and options, before training it (the model screen).
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
    layers: specLayerRows(spec)
  }
}
