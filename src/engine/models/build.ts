import * as tf from '@tensorflow/tfjs'
import { OptionError } from '../errors'
import { buildGraphModel } from './graph'
import { buildLayerStack, type LayerSpec } from './layers'
import { featureCount, graphContext, specLayers, type ModelSpec } from './spec'

/**
 * Builds the layers of a spec (the preset's, or the lab's) with Keras's default initialisers
 * (Glorot-uniform kernels, orthogonal recurrent kernels, zero biases with the LSTM's forget bias
 * at 1), each seeded from `spec.seed` so a run can be repeated exactly.
 * @throws OptionError for a stack that cannot be built (see `buildLayerStack`)
 */
export function buildModel(spec: ModelSpec): tf.LayersModel {
  // tfjs-layers leaves a few intermediate tensors of the initialisers behind; the tidy frees
  // them while the weights, being variables, stay.
  let model: tf.LayersModel | undefined
  tf.tidy(() => {
    model = spec.graph
      ? buildGraphModel(spec.graph, graphContext(spec), { stateful: spec.stateful, batchSize: spec.batchSize, seed: spec.seed })
      : buildLayers(spec)
  })
  return model as unknown as tf.LayersModel
}

/**
 * Disposes the weights and, for a stateful model, the state tensors, which `model.dispose()`
 * leaves alive.
 */
export function disposeModel(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    const recurrent = layer as unknown as { stateful?: boolean; states: tf.Tensor[] | null }
    if (recurrent.stateful && recurrent.states) {
      layer.resetStates()
      tf.dispose(recurrent.states)
      recurrent.states = null
    }
  }
  model.dispose()
}

function buildLayers(spec: ModelSpec): tf.Sequential {
  const input = { steps: spec.window, features: featureCount(spec.encoding), ...(spec.encoding === 'token' ? { tokens: spec.classes } : {}) }
  return buildLayerStack(specLayers(spec), {
    input,
    classes: spec.classes,
    stateful: spec.stateful,
    batchSize: spec.batchSize,
    seed: spec.seed
  })
}

/** The shape one batch of inputs must have for this model. */
export function inputShape(spec: ModelSpec, samples: number): number[] {
  if (spec.encoding === 'token') return [samples, spec.window]
  const features = featureCount(spec.encoding)
  return specLayers(spec)[0]?.type === 'dense' ? [samples, spec.window * features] : [samples, spec.window, features]
}

/** Layers a sequence-trained model may have: every one keeps the time axis. */
const PER_STEP_LAYERS: readonly LayerSpec['type'][] = ['embedding', 'lstm', 'gru', 'simple-rnn', 'dropout', 'dense']

/**
 * The spec's layers as sequence training runs them: every recurrent layer returns its whole
 * sequence and the output softmax applies at every time step (tfjs's Dense on a sequence), stateful
 * with the spec's batch (the streams). The weights have the same shapes as `buildModel(spec)`'s,
 * so they copy from one to the other (`model.setWeights(other.getWeights())`).
 * @throws OptionError for a stack with a layer that does not keep the time axis (convolution, pooling, flatten, bidirectional)
 */
export function sequenceLayers(spec: ModelSpec): LayerSpec[] {
  if (spec.graph) throw new OptionError('sequence training takes a stack of layers; a functional model (named inputs and outputs) trains with windows')
  return specLayers(spec).map((layer) => {
    if (!PER_STEP_LAYERS.includes(layer.type) || ('bidirectional' in layer && layer.bidirectional) || (layer.type === 'dense' && layer === specLayers(spec)[0])) {
      throw new OptionError(`sequence training needs every layer to keep the time axis; ${layer.type}${'bidirectional' in layer && layer.bidirectional ? ' (bidirectional)' : ''} does not: train it with windows`)
    }
    return layer.type === 'lstm' || layer.type === 'gru' || layer.type === 'simple-rnn' ? { ...layer, returnSequences: true } : layer
  })
}

export function buildSequenceModel(spec: ModelSpec): tf.Sequential {
  const layers = sequenceLayers(spec)
  if (!layers.some((layer) => layer.type === 'lstm' || layer.type === 'gru' || layer.type === 'simple-rnn')) {
    throw new OptionError('sequence training needs a recurrent layer: an MLP sees one window at a time, train it with windows')
  }
  let model: tf.Sequential | undefined
  tf.tidy(() => {
    const input = { steps: spec.window, features: featureCount(spec.encoding), ...(spec.encoding === 'token' ? { tokens: spec.classes } : {}) }
    model = buildLayerStack(layers, { input, classes: spec.classes, stateful: true, batchSize: spec.batchSize, seed: spec.seed, perStep: true })
  })
  return model as unknown as tf.Sequential
}
