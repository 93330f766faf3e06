import * as tf from '@tensorflow/tfjs'
import { OptionError } from '../errors'
import { KERAS_CLASS_NAMES, type LayerSpec, type RecurrentType } from '../../shared/layerSpec'

export type { DenseActivation, LayerSpec, RecurrentType } from '../../shared/layerSpec'
export { KERAS_CLASS_NAMES } from '../../shared/layerSpec'

/** Every layer type, for menus and documentation. The layers are described in src/shared/layerSpec.ts; this file builds them with tfjs. */
export const LAYER_TYPES = [
  'embedding',
  'simple-rnn',
  'lstm',
  'gru',
  'conv1d',
  'max-pooling1d',
  'average-pooling1d',
  'global-max-pooling1d',
  'global-average-pooling1d',
  'flatten',
  'dropout',
  'dense'
] as const satisfies readonly LayerSpec['type'][]

/** What the first layer sees: `steps` time steps of `features` numbers, or token ids. */
export interface LayerInput {
  readonly steps: number
  readonly features: number
  /** Set when the input is token ids (the first layer is then an Embedding over this many). */
  readonly tokens?: number
}

/**
 * One line of Keras's `summary()` (with the "Connected to" column of a functional model's) and one
 * box of `plot_model(show_shapes=True)`: the layer's unique name, its Keras class, the shapes in
 * and out (the batch first, `null`) and the layers it reads from (`input` for a stack's input).
 */
export interface LayerRow {
  readonly name: string
  readonly type: string
  readonly inputShapes: (number | null)[][]
  readonly outputShape: (number | null)[]
  readonly params: number
  readonly connectedTo: string[]
}

/** The name Keras gives the next layer of a type: `lstm`, then `lstm_1`, `lstm_2`… */
export function uniqueLayerNamer(): (base: string) => string {
  const seen = new Map<string, number>()
  return (base) => {
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    return count === 0 ? base : `${base}_${count}`
  }
}


function isRecurrent(layer: LayerSpec): layer is Extract<LayerSpec, { type: RecurrentType }> {
  return layer.type === 'simple-rnn' || layer.type === 'lstm' || layer.type === 'gru'
}

/** A layer's output: a sequence [steps, width] or a flat [width]; `tokens` while it is token ids. */
export interface LayerShape {
  readonly steps: number | null
  readonly width: number
  /** The vocabulary's size where these are token ids (only an Embedding reads them). */
  readonly tokens?: number
}

export const shapeDims = (shape: LayerShape): (number | null)[] =>
  shape.tokens !== undefined && shape.steps !== null ? [null, shape.steps] : shape.steps === null ? [null, shape.width] : [null, shape.steps, shape.width]

/**
 * One layer's output shape and parameter count from its input, as Keras works them out (tfjs's
 * GRU is Keras's GRU with reset_after=False: 3·(u·(f+u)+u)). `where` names the layer in errors.
 * A Dense on a sequence applies at every step in a graph (`denseOnSequence`); a stack refuses it,
 * as its output must be one vector per window.
 * @throws OptionError when the layer cannot take this input
 */
export function layerOutput(layer: LayerSpec, shape: LayerShape, where: string, options: { denseOnSequence?: boolean } = {}): { shape: LayerShape; params: number } {
  const needSequence = () => {
    if (shape.steps === null) throw new OptionError(`${where} needs a sequence, but the layer before it gives one vector per window`)
    return shape.steps
  }
  const check = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) throw new OptionError(`${where}: ${name} must be a whole number ≥ 1, got ${value}`)
  }
  const checkRate = (name: string, value: number | undefined) => {
    if (value !== undefined && !(value >= 0 && value < 1)) throw new OptionError(`${where}: ${name} must be in [0, 1), got ${value}`)
  }
  if (layer.type !== 'embedding' && shape.tokens !== undefined) {
    throw new OptionError(`${where} reads token ids: put an Embedding first, which turns each id into numbers`)
  }
  switch (layer.type) {
    case 'embedding': {
      if (shape.tokens === undefined) throw new OptionError(`${where}: an Embedding must be the first layer, on token input`)
      check('outputDim', layer.outputDim)
      return { shape: { steps: needSequence(), width: layer.outputDim }, params: shape.tokens * layer.outputDim }
    }
    case 'simple-rnn':
    case 'lstm':
    case 'gru': {
      check('units', layer.units)
      checkRate('dropout', layer.dropout)
      checkRate('recurrentDropout', layer.recurrentDropout)
      const steps = needSequence()
      const gates = layer.type === 'lstm' ? 4 : layer.type === 'gru' ? 3 : 1
      const one = gates * (layer.units * (shape.width + layer.units) + layer.units)
      const directions = layer.bidirectional ? 2 : 1
      return { shape: { steps: layer.returnSequences ? steps : null, width: layer.units * directions }, params: one * directions }
    }
    case 'conv1d': {
      check('filters', layer.filters)
      check('kernelSize', layer.kernelSize)
      const steps = needSequence()
      const out = layer.padding === 'same' ? steps : steps - layer.kernelSize + 1
      if (out < 1) throw new OptionError(`${where}: a kernel of ${layer.kernelSize} is longer than the ${steps} steps it gets`)
      return { shape: { steps: out, width: layer.filters }, params: layer.kernelSize * shape.width * layer.filters + layer.filters }
    }
    case 'max-pooling1d':
    case 'average-pooling1d': {
      check('poolSize', layer.poolSize)
      const steps = needSequence()
      const out = Math.floor((steps - layer.poolSize) / layer.poolSize) + 1
      if (out < 1) throw new OptionError(`${where}: a pool of ${layer.poolSize} is longer than the ${steps} steps it gets`)
      return { shape: { steps: out, width: shape.width }, params: 0 }
    }
    case 'global-max-pooling1d':
    case 'global-average-pooling1d':
      needSequence()
      return { shape: { steps: null, width: shape.width }, params: 0 }
    case 'flatten':
      return { shape: { steps: null, width: needSequence() * shape.width }, params: 0 }
    case 'dropout':
      checkRate('rate', layer.rate)
      return { shape, params: 0 }
    case 'dense':
      check('units', layer.units)
      if (shape.steps !== null && !options.denseOnSequence) {
        throw new OptionError(`${where} needs one vector per window: end the recurrent layers with returnSequences off, or add flatten or global pooling first`)
      }
      return { shape: { steps: shape.steps, width: layer.units }, params: shape.width * layer.units + layer.units }
  }
}

/**
 * Checks a stack against its input and works out every layer's output and parameter count as
 * Keras does (see `layerOutput`).
 * @throws OptionError naming the first layer that cannot follow the one before it
 */
export function inferLayerRows(layers: readonly LayerSpec[], input: LayerInput, classes: number): LayerRow[] {
  let shape: LayerShape = input.tokens !== undefined ? { steps: input.steps, width: 1, tokens: input.tokens } : { steps: input.steps, width: input.features }
  if (layers[0]?.type === 'dense') shape = { steps: null, width: input.steps * input.features }
  const rows: LayerRow[] = []
  const nameOf = uniqueLayerNamer()
  layers.forEach((layer, index) => {
    const inputShape = shapeDims(shape)
    const out = layerOutput(layer, shape, `layer ${index + 1} (${layer.type})`)
    shape = out.shape
    const type = 'bidirectional' in layer && layer.bidirectional ? `Bidirectional(${KERAS_CLASS_NAMES[layer.type]})` : KERAS_CLASS_NAMES[layer.type]
    rows.push({ name: nameOf(layer.type), type, inputShapes: [inputShape], outputShape: shapeDims(shape), params: out.params, connectedTo: [rows.at(-1)?.name ?? 'input'] })
  })
  if (shape.steps !== null) throw new OptionError('the last layer gives a sequence: end with returnSequences off, flatten or global pooling')
  rows.push({
    name: 'dense (output)',
    type: 'Dense',
    inputShapes: [shapeDims(shape)],
    outputShape: [null, classes],
    params: shape.width * classes + classes,
    connectedTo: [rows.at(-1)?.name ?? 'input']
  })
  return rows
}

export interface BuildLayersOptions {
  readonly input: LayerInput
  readonly classes: number
  readonly stateful: boolean
  readonly batchSize: number
  readonly seed: number
  /** Keras's defaults are Glorot-uniform kernels, orthogonal recurrent kernels. */
  readonly recurrentActivation?: 'hardSigmoid' | 'sigmoid'
  /**
   * The output softmax at every time step (sequence training): the stack ends in a sequence,
   * which the windowed check refuses, so the caller checks the stack itself.
   */
  readonly perStep?: boolean
}

/**
 * Builds a stack of layers with an output softmax, every initialiser seeded from `seed`.
 * Stateful recurrent layers get the fixed batch; the flat first Dense gets window × features.
 */
export function buildLayerStack(layers: readonly LayerSpec[], options: BuildLayersOptions): tf.Sequential {
  const { input, classes, stateful, batchSize } = options
  if (!options.perStep) inferLayerRows(layers, input, classes)
  if (stateful && layers.some((layer) => isRecurrent(layer) && layer.bidirectional)) {
    throw new OptionError('a stateful model cannot have a bidirectional layer: it reads the window backwards too')
  }
  if (stateful && !layers.some(isRecurrent)) throw new OptionError('a model without recurrent layers has no state to keep')
  const seeds = layerSeeds(options.seed)
  const flatInput = layers[0]?.type === 'dense'
  const inputDims = input.tokens !== undefined ? [input.steps] : flatInput ? [input.steps * input.features] : [input.steps, input.features]
  const shapeArgs = stateful ? { batchInputShape: [batchSize, ...inputDims] } : { inputShape: inputDims }
  const model = tf.sequential()
  layers.forEach((layer, index) => {
    model.add(makeTfLayer(layer, { seeds, stateful, recurrentActivation: options.recurrentActivation, tokens: input.tokens, steps: input.steps }, index === 0 ? shapeArgs : {}))
  })
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform(seeds.next()) }))
  return model
}

/** Seeds for a model's initialisers, one after another from the spec's seed, so a run repeats exactly. */
export function layerSeeds(seed: number): { next(): { seed: number } } {
  let nextSeed = seed * 1000
  return { next: () => ({ seed: nextSeed++ }) }
}

export interface TfLayerOptions {
  readonly seeds: { next(): { seed: number } }
  readonly stateful: boolean
  readonly recurrentActivation?: 'hardSigmoid' | 'sigmoid'
  /** The vocabulary an Embedding reads, and the window's steps. */
  readonly tokens?: number
  readonly steps?: number
}

/**
 * One of the lab's layers as a tfjs layer with Keras's default initialisers (Glorot-uniform
 * kernels, orthogonal recurrent kernels, the LSTM's forget bias at 1), each seeded in turn.
 * `extra` carries the first layer's input shape, or a graph layer's name.
 */
export function makeTfLayer(layer: LayerSpec, options: TfLayerOptions, extra: Record<string, unknown> = {}): tf.layers.Layer {
  const { seeds } = options
  const glorot = () => tf.initializers.glorotUniform(seeds.next())
  switch (layer.type) {
    case 'embedding':
      return tf.layers.embedding({ inputDim: options.tokens ?? 1, outputDim: layer.outputDim, inputLength: options.steps, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, ...seeds.next() }), ...extra })
    case 'simple-rnn':
    case 'lstm':
    case 'gru': {
      const { name, ...shape } = extra
      const config = {
        units: layer.units,
        returnSequences: layer.returnSequences ?? false,
        dropout: layer.dropout ?? 0,
        recurrentDropout: layer.recurrentDropout ?? 0,
        kernelInitializer: glorot(),
        recurrentInitializer: tf.initializers.orthogonal({ gain: 1, ...seeds.next() }),
        stateful: options.stateful && !layer.bidirectional,
        // a Bidirectional wrapper takes the input shape and the name itself
        ...(layer.bidirectional ? {} : extra)
      }
      const gated = layer.type === 'simple-rnn' ? {} : { recurrentActivation: layer.recurrentActivation ?? options.recurrentActivation ?? 'hardSigmoid' }
      const make = () =>
        layer.type === 'lstm'
          ? tf.layers.lstm({ ...config, ...gated, unitForgetBias: true })
          : layer.type === 'gru'
            ? tf.layers.gru({ ...config, ...gated })
            : tf.layers.simpleRNN(config)
      return layer.bidirectional ? tf.layers.bidirectional({ layer: make() as tf.RNN, mergeMode: 'concat', ...shape, ...(typeof name === 'string' ? { name } : {}) }) : make()
    }
    case 'conv1d':
      return tf.layers.conv1d({ filters: layer.filters, kernelSize: layer.kernelSize, activation: layer.activation ?? 'relu', padding: layer.padding ?? 'valid', kernelInitializer: glorot(), ...extra })
    case 'max-pooling1d':
      return tf.layers.maxPooling1d({ poolSize: layer.poolSize, ...extra })
    case 'average-pooling1d':
      return tf.layers.averagePooling1d({ poolSize: layer.poolSize, ...extra })
    case 'global-max-pooling1d':
      return tf.layers.globalMaxPooling1d({ ...extra })
    case 'global-average-pooling1d':
      return tf.layers.globalAveragePooling1d({ ...extra })
    case 'flatten':
      return tf.layers.flatten({ ...extra })
    case 'dropout':
      return tf.layers.dropout({ rate: layer.rate, seed: seeds.next().seed, ...extra })
    case 'dense':
      return tf.layers.dense({ units: layer.units, activation: layer.activation ?? 'relu', kernelInitializer: glorot(), ...extra })
  }
}
