import { MODEL_MAX_PARAMS, MODEL_MAX_TRAINING_BYTES } from '../../shared/limits'
import { LimitError, OptionError } from '../errors'
import { notePartsOf, type InputEncodingKind, type NoteParts, type Vocabulary } from '../notation/vocabulary'
import type { ModelGraph, OutputRole } from '../../shared/modelGraph'
import { presetGraph } from '../../shared/modelPresets'
import { graphLayerRows, type GraphContext } from './graph'
import { inferLayerRows, type LayerRow, type LayerSpec } from './layers'

import { MODEL_KINDS, SEED_MODEL_KINDS, type ModelKind, type SeedModelKind } from '../../shared/studioNames'
export { MODEL_KINDS, SEED_MODEL_KINDS, type ModelKind, type SeedModelKind }

/**
 * Everything needed to rebuild a model and retrain it the same way. Saved as JSON beside the
 * weights, so a model on disk says what it is.
 */
export interface ModelSpec {
  readonly kind: ModelKind
  readonly units: number
  readonly window: number
  readonly encoding: InputEncodingKind
  readonly classes: number
  readonly stateful: boolean
  readonly batchSize: number
  readonly shuffle: boolean
  readonly epochs: number
  readonly learningRate: number
  readonly seed: number
  /**
   * Hidden layers of a model made in the lab, replacing the preset's (the output softmax is
   * added after them). The preset then gives only the training settings.
   */
  readonly layers?: readonly LayerSpec[]
  /**
   * A functional model (named inputs and outputs, joins) instead of a stack: the lab's graph or
   * the preset's. Its inputs are fed from the codes' ids (`encoding` is `token`) through `parts`.
   */
  readonly graph?: ModelGraph
  /** Each code's pitch and length (a graph's pitch and length inputs and outputs). */
  readonly parts?: NoteParts
  /** Each output's weight in the loss (Keras's `loss_weights`; 1 where not given). */
  readonly lossWeights?: Partial<Record<OutputRole, number>>
}

/** The options a person may set; anything left out takes the seed's value. */
export interface ModelOptions {
  /** Keep the LSTM's state from batch to batch (a preset's choice when left out; not for the MLP). */
  stateful?: boolean
  /** Each note as pitch and length (two features) rather than one index. */
  twoFeatures?: boolean
  units?: number
  window?: number
  epochs?: number
  batchSize?: number
  learningRate?: number
  seed?: number
  /** Layers instead of the preset's (see `LayerSpec`); an Embedding first makes the input token ids. */
  layers?: readonly LayerSpec[]
  /** A functional model instead of the preset's layers (see src/shared/modelGraph.ts). */
  graph?: ModelGraph
  /** Each output's weight in the loss, for a model with several outputs. */
  lossWeights?: Partial<Record<OutputRole, number>>
}

export { MODEL_PRESETS } from '../../shared/modelPresets'
import { MODEL_PRESETS } from '../../shared/modelPresets'

export const SEED_DEFAULTS = { units: 128, window: 4, epochs: 2000, learningRate: 1e-3, seed: 5 } as const

/** The input encoding of a model: the preset's, unless two features are asked for or refused. */
export function modelEncoding(kind: ModelKind, options: Pick<ModelOptions, 'twoFeatures' | 'layers' | 'graph'>): InputEncodingKind {
  if (options.layers?.[0]?.type === 'embedding' || options.graph || (!options.layers && MODEL_PRESETS[kind].encoding === 'token')) return 'token'
  if (options.twoFeatures === undefined) return MODEL_PRESETS[kind].encoding
  return options.twoFeatures ? 'pitch-length' : 'index'
}

export function isModelKind(text: string): text is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(text)
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new OptionError(`${name} must be a whole number ≥ ${min}, got ${Number.isNaN(value) ? 'NaN' : value}`)
  }
  return value
}

/**
 * @param vocabulary the codes the model knows: a functional model's pitch and length come from it
 * @throws OptionError for any option outside its range, with the option's name
 */
export function resolveModelSpec(kind: ModelKind, options: ModelOptions, classes: number, vocabulary?: Vocabulary): ModelSpec {
  const preset = MODEL_PRESETS[kind]
  if (options.layers && options.graph) throw new OptionError('give layers as a stack or as a functional model, not both')
  if (kind === 'mlp' && options.stateful) throw new OptionError('an MLP has no state to keep: choose an LSTM to train statefully')
  const stateful = options.stateful ?? preset.stateful
  const learningRate = options.learningRate ?? SEED_DEFAULTS.learningRate
  if (!Number.isFinite(learningRate) || learningRate <= 0) {
    throw new OptionError(`learning rate must be a number > 0, got ${learningRate}`)
  }
  const units = wholeNumber('units', options.units ?? SEED_DEFAULTS.units, 1)
  const graph = options.graph ?? (options.layers ? undefined : presetGraph(kind, units))
  const spec: ModelSpec = {
    kind,
    units,
    window: wholeNumber('window', options.window ?? SEED_DEFAULTS.window, 1),
    encoding: modelEncoding(kind, options),
    classes: wholeNumber('classes', classes, 2),
    stateful,
    // A stateful model follows one stream unless told otherwise; stateless ones keep the seed's batch.
    batchSize: wholeNumber('batch size', options.batchSize ?? (stateful === preset.stateful ? preset.batchSize : stateful ? 1 : 14), 1),
    shuffle: !stateful,
    epochs: wholeNumber('epochs', options.epochs ?? SEED_DEFAULTS.epochs, 1),
    learningRate,
    seed: wholeNumber('seed', options.seed ?? SEED_DEFAULTS.seed, 0),
    ...(options.layers ? { layers: options.layers } : {}),
    ...(graph ? functionalParts(graph, options.lossWeights, vocabulary) : {})
  }
  // A stack that cannot be built is refused here, with the layer that does not fit, and one too
  // big to train before a single weight is allocated.
  checkModelSize(spec)
  return spec
}

/** What a functional spec carries besides its graph: the vocabulary's pitches and lengths, and its outputs' loss weights. */
function functionalParts(graph: ModelGraph, lossWeights: ModelOptions['lossWeights'], vocabulary: Vocabulary | undefined): Pick<ModelSpec, 'graph' | 'parts' | 'lossWeights'> {
  if (!vocabulary) throw new OptionError('a functional model needs the vocabulary its inputs and outputs are over')
  for (const [head, weight] of Object.entries(lossWeights ?? {})) {
    if (!graph.outputs.some((output) => output.layer === head)) throw new OptionError(`loss weight for '${head}': the model has no such output (${graph.outputs.map((output) => output.layer).join(', ')})`)
    if (!(Number.isFinite(weight) && weight >= 0)) throw new OptionError(`loss weight for '${head}' must be a number ≥ 0, got ${weight}`)
  }
  return { graph, parts: notePartsOf(vocabulary), ...(lossWeights ? { lossWeights } : {}) }
}

const mib = (bytes: number) => `${Math.ceil(bytes / 2 ** 20).toLocaleString('en-US')} MiB`

/**
 * About how much memory training a spec takes, from the spec alone: 16 bytes a parameter
 * (weights, gradients and Adam's two moments, 4 bytes each) and the activations one batch keeps
 * for the backward pass (each layer's outputs at every step, times its gates for recurrent
 * layers, forward and backward). An estimate for refusing what cannot fit, not a measurement.
 */
export function estimateTrainingBytes(spec: ModelSpec): { params: number; bytes: number } {
  const rows = specLayerRows(spec)
  const params = rows.reduce((sum, row) => sum + row.params, 0)
  let perSample = 0
  for (const row of rows) {
    const size = row.outputShape.slice(1).reduce<number>((product, dim) => product * (dim ?? 1), 1)
    const recurrent = /^(?:Bidirectional\()?(LSTM|GRU|SimpleRNN)/.exec(row.type)?.[1]
    if (recurrent) {
      // Every step of the window keeps its gates and state for the backward pass, whatever it returns.
      const gates = recurrent === 'LSTM' ? 4 : recurrent === 'GRU' ? 3 : 1
      perSample += spec.window * (row.outputShape.at(-1) ?? 1) * (gates + 2)
    } else {
      perSample += size * 2
    }
  }
  return { params, bytes: 16 * params + 4 * 2 * spec.batchSize * perSample }
}

/** @throws LimitError when the spec has more parameters, or needs more memory, than the limits allow */
export function checkModelSize(spec: ModelSpec): void {
  const { params, bytes } = estimateTrainingBytes(spec)
  if (params > MODEL_MAX_PARAMS) {
    throw new LimitError(
      'MODEL_MAX_PARAMS',
      `the model has ${params.toLocaleString('en-US')} parameters; at most ${MODEL_MAX_PARAMS.toLocaleString('en-US')} can be trained here (about ${mib(bytes)} to train)`
    )
  }
  if (bytes > MODEL_MAX_TRAINING_BYTES) {
    throw new LimitError(
      'MODEL_MAX_TRAINING_BYTES',
      `training this model (${params.toLocaleString('en-US')} parameters, batch ${spec.batchSize}, window ${spec.window}) would need about ${mib(bytes)}; at most ${mib(MODEL_MAX_TRAINING_BYTES)}`
    )
  }
}

/** The preset's layers written as a stack: the MLP's two Dense relu layers, or one LSTM. */
export function presetLayers(spec: Pick<ModelSpec, 'kind' | 'units'>): LayerSpec[] {
  return spec.kind === 'mlp'
    ? [
        { type: 'dense', units: spec.units, activation: 'relu' },
        { type: 'dense', units: spec.units, activation: 'relu' }
      ]
    : [{ type: 'lstm', units: spec.units }]
}

/** The spec's layers: the lab's when given, else the preset's. */
export function specLayers(spec: ModelSpec): readonly LayerSpec[] {
  return spec.layers ?? presetLayers(spec)
}

export function featureCount(encoding: InputEncodingKind): number {
  return encoding === 'pitch-length' ? 2 : 1
}

/** What a functional spec's graph is built for: its window and vocabulary. */
export function graphContext(spec: ModelSpec): GraphContext {
  if (!spec.parts) throw new OptionError('a functional model needs its vocabulary’s pitches and lengths')
  return { window: spec.window, classes: spec.classes, parts: spec.parts }
}

/** Every layer's output shape and parameters, Keras's `summary()` worked out from the spec alone. */
export function specLayerRows(spec: ModelSpec): LayerRow[] {
  if (spec.graph) return graphLayerRows(spec.graph, graphContext(spec))
  const input = { steps: spec.window, features: featureCount(spec.encoding), ...(spec.encoding === 'token' ? { tokens: spec.classes } : {}) }
  return inferLayerRows(specLayers(spec), input, spec.classes)
}

/** Parameter count of a spec without building it (the model screen shows it as options change). */
export function countSpecParams(spec: ModelSpec): number {
  return specLayerRows(spec).reduce((sum, row) => sum + row.params, 0)
}
