import * as tf from '@tensorflow/tfjs'
import { OptionError } from '../errors'
import type { LayerSpec, RecurrentType } from '../../shared/layerSpec'

export type { DenseActivation, LayerSpec, RecurrentType } from '../../shared/layerSpec'

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

/** A layer's output: a sequence [steps, width] or a flat [width]. */
interface Shape {
  readonly steps: number | null
  readonly width: number
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

/** Keras's class name of each of the lab's layer types. */
export const KERAS_CLASS_NAMES: Record<LayerSpec['type'], string> = {
  embedding: 'Embedding',
  'simple-rnn': 'SimpleRNN',
  lstm: 'LSTM',
  gru: 'GRU',
  conv1d: 'Conv1D',
  'max-pooling1d': 'MaxPooling1D',
  'average-pooling1d': 'AveragePooling1D',
  'global-max-pooling1d': 'GlobalMaxPooling1D',
  'global-average-pooling1d': 'GlobalAveragePooling1D',
  flatten: 'Flatten',
  dropout: 'Dropout',
  dense: 'Dense'
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

const shapeOf = (shape: Shape): (number | null)[] => (shape.steps === null ? [null, shape.width] : [null, shape.steps, shape.width])

function isRecurrent(layer: LayerSpec): layer is Extract<LayerSpec, { type: RecurrentType }> {
  return layer.type === 'simple-rnn' || layer.type === 'lstm' || layer.type === 'gru'
}

function positive(name: string, value: number, index: number): void {
  if (!Number.isInteger(value) || value < 1) throw new OptionError(`layer ${index + 1}: ${name} must be a whole number ≥ 1, got ${value}`)
}

function rate(name: string, value: number | undefined, index: number): void {
  if (value !== undefined && !(value >= 0 && value < 1)) throw new OptionError(`layer ${index + 1}: ${name} must be in [0, 1), got ${value}`)
}

/**
 * Checks a stack against its input and works out every layer's output and parameter count as
 * Keras does (tfjs's GRU is Keras's GRU with reset_after=False: 3·(u·(f+u)+u)).
 * @throws OptionError naming the first layer that cannot follow the one before it
 */
export function inferLayerRows(layers: readonly LayerSpec[], input: LayerInput, classes: number): LayerRow[] {
  let shape: Shape = input.tokens !== undefined ? { steps: input.steps, width: 1 } : { steps: input.steps, width: input.features }
  const flatInput = layers[0]?.type === 'dense'
  if (flatInput) shape = { steps: null, width: input.steps * input.features }
  const rows: LayerRow[] = []
  const nameOf = uniqueLayerNamer()
  layers.forEach((layer, index) => {
    const inputShape = input.tokens !== undefined && index === 0 ? [null, input.steps] : shapeOf(shape)
    const where = `layer ${index + 1} (${layer.type})`
    const needSequence = () => {
      if (shape.steps === null) throw new OptionError(`${where} needs a sequence, but the layer before it gives one vector per window`)
      return shape.steps
    }
    let params = 0
    switch (layer.type) {
      case 'embedding': {
        if (index !== 0 || input.tokens === undefined) throw new OptionError(`${where}: an Embedding must be the first layer, on token input`)
        positive('outputDim', layer.outputDim, index)
        params = input.tokens * layer.outputDim
        shape = { steps: needSequence(), width: layer.outputDim }
        break
      }
      case 'simple-rnn':
      case 'lstm':
      case 'gru': {
        positive('units', layer.units, index)
        rate('dropout', layer.dropout, index)
        rate('recurrentDropout', layer.recurrentDropout, index)
        const steps = needSequence()
        const gates = layer.type === 'lstm' ? 4 : layer.type === 'gru' ? 3 : 1
        const one = gates * (layer.units * (shape.width + layer.units) + layer.units)
        const directions = layer.bidirectional ? 2 : 1
        params = one * directions
        shape = { steps: layer.returnSequences ? steps : null, width: layer.units * directions }
        break
      }
      case 'conv1d': {
        positive('filters', layer.filters, index)
        positive('kernelSize', layer.kernelSize, index)
        const steps = needSequence()
        const out = layer.padding === 'same' ? steps : steps - layer.kernelSize + 1
        if (out < 1) throw new OptionError(`${where}: a kernel of ${layer.kernelSize} is longer than the ${steps} steps it gets`)
        params = layer.kernelSize * shape.width * layer.filters + layer.filters
        shape = { steps: out, width: layer.filters }
        break
      }
      case 'max-pooling1d':
      case 'average-pooling1d': {
        positive('poolSize', layer.poolSize, index)
        const steps = needSequence()
        const out = Math.floor((steps - layer.poolSize) / layer.poolSize) + 1
        if (out < 1) throw new OptionError(`${where}: a pool of ${layer.poolSize} is longer than the ${steps} steps it gets`)
        shape = { steps: out, width: shape.width }
        break
      }
      case 'global-max-pooling1d':
      case 'global-average-pooling1d':
        needSequence()
        shape = { steps: null, width: shape.width }
        break
      case 'flatten':
        shape = { steps: null, width: needSequence() * shape.width }
        break
      case 'dropout':
        rate('rate', layer.rate, index)
        break
      case 'dense':
        positive('units', layer.units, index)
        if (shape.steps !== null) {
          throw new OptionError(`${where} needs one vector per window: end the recurrent layers with returnSequences off, or add flatten or global pooling first`)
        }
        params = shape.width * layer.units + layer.units
        shape = { steps: null, width: layer.units }
        break
    }
    const type = 'bidirectional' in layer && layer.bidirectional ? `Bidirectional(${KERAS_CLASS_NAMES[layer.type]})` : KERAS_CLASS_NAMES[layer.type]
    rows.push({ name: nameOf(layer.type), type, inputShapes: [inputShape], outputShape: shapeOf(shape), params, connectedTo: [rows.at(-1)?.name ?? 'input'] })
  })
  if (shape.steps !== null) throw new OptionError('the last layer gives a sequence: end with returnSequences off, flatten or global pooling')
  rows.push({
    name: 'dense (output)',
    type: 'Dense',
    inputShapes: [shapeOf(shape)],
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
  let nextSeed = options.seed * 1000
  const seeded = () => ({ seed: nextSeed++ })
  const glorot = () => tf.initializers.glorotUniform(seeded())
  const flatInput = layers[0]?.type === 'dense'
  const inputDims = input.tokens !== undefined ? [input.steps] : flatInput ? [input.steps * input.features] : [input.steps, input.features]
  const shapeArgs = stateful ? { batchInputShape: [batchSize, ...inputDims] } : { inputShape: inputDims }
  const model = tf.sequential()
  layers.forEach((layer, index) => {
    const first = index === 0 ? shapeArgs : {}
    switch (layer.type) {
      case 'embedding':
        model.add(tf.layers.embedding({ inputDim: input.tokens ?? 1, outputDim: layer.outputDim, inputLength: input.steps, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, ...seeded() }), ...first }))
        break
      case 'simple-rnn':
      case 'lstm':
      case 'gru': {
        const config = {
          units: layer.units,
          returnSequences: layer.returnSequences ?? false,
          dropout: layer.dropout ?? 0,
          recurrentDropout: layer.recurrentDropout ?? 0,
          kernelInitializer: glorot(),
          recurrentInitializer: tf.initializers.orthogonal({ gain: 1, ...seeded() }),
          stateful: stateful && !layer.bidirectional,
          // a Bidirectional wrapper takes the input shape itself
          ...(layer.bidirectional ? {} : first)
        }
        const gated = layer.type === 'simple-rnn' ? {} : { recurrentActivation: options.recurrentActivation ?? 'hardSigmoid' }
        const make = () =>
          layer.type === 'lstm'
            ? tf.layers.lstm({ ...config, ...gated, unitForgetBias: true })
            : layer.type === 'gru'
              ? tf.layers.gru({ ...config, ...gated })
              : tf.layers.simpleRNN(config)
        model.add(layer.bidirectional ? tf.layers.bidirectional({ layer: make() as tf.RNN, mergeMode: 'concat', ...first }) : make())
        break
      }
      case 'conv1d':
        model.add(
          tf.layers.conv1d({ filters: layer.filters, kernelSize: layer.kernelSize, activation: layer.activation ?? 'relu', padding: layer.padding ?? 'valid', kernelInitializer: glorot(), ...first })
        )
        break
      case 'max-pooling1d':
        model.add(tf.layers.maxPooling1d({ poolSize: layer.poolSize, ...first }))
        break
      case 'average-pooling1d':
        model.add(tf.layers.averagePooling1d({ poolSize: layer.poolSize, ...first }))
        break
      case 'global-max-pooling1d':
        model.add(tf.layers.globalMaxPooling1d({ ...first }))
        break
      case 'global-average-pooling1d':
        model.add(tf.layers.globalAveragePooling1d({ ...first }))
        break
      case 'flatten':
        model.add(tf.layers.flatten({ ...first }))
        break
      case 'dropout':
        model.add(tf.layers.dropout({ rate: layer.rate, seed: nextSeed++, ...first }))
        break
      case 'dense':
        model.add(tf.layers.dense({ units: layer.units, activation: layer.activation ?? 'relu', kernelInitializer: glorot(), ...first }))
        break
    }
  })
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: glorot() }))
  return model
}
