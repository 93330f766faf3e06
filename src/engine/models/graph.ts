// Functional models: a graph of named layers (src/shared/modelGraph.ts) checked against a song's
// sizes, its summary worked out without building it, built with tfjs's functional API, and fed
// and scored: what each named input is given and what each named output is trained towards.
import * as tf from '@tensorflow/tfjs'
import { OptionError } from '../errors'
import { codeFeatures, type NoteParts } from '../notation/vocabulary'
import {
  graphCallOrder,
  roleVocabulary,
  TOKEN_INPUT_ROLES,
  type GraphLayer,
  type InputRole,
  type ModelGraph,
  type OutputRole,
  type TensorRef
} from '../../shared/modelGraph'
import { KERAS_CLASS_NAMES, layerOutput, layerSeeds, makeTfLayer, shapeDims, type LayerRow, type LayerShape } from './layers'

/** What a graph is built for: the window, the song's vocabulary (as codes, pitches and lengths). */
export interface GraphContext {
  readonly window: number
  /** Classes of the note vocabulary (the `note` input's tokens and `next_note`'s units). */
  readonly classes: number
  readonly parts: NoteParts
}

/** The size of the vocabulary a role reads or predicts. */
export function roleSize(role: 'note' | 'pitch' | 'length', context: GraphContext): number {
  return role === 'note' ? context.classes : role === 'pitch' ? context.parts.pitches : context.parts.lengths
}

/** What an input role feeds each step: token ids, the seed's two numbers, or its one. */
function inputShape(role: InputRole, context: GraphContext): LayerShape {
  const vocabulary = roleVocabulary(role)
  if (vocabulary) return { steps: context.window, width: 1, tokens: roleSize(vocabulary, context) }
  return { steps: context.window, width: role === 'features' ? 2 : 1 }
}

const callKey = (ref: TensorRef) => `${ref.layer}#${ref.call}`

function kerasClass(layer: GraphLayer): string {
  const spec = layer.spec
  switch (spec.type) {
    case 'input':
      return 'InputLayer'
    case 'add':
      return 'Add'
    case 'concatenate':
      return 'Concatenate'
    case 'head':
      return 'Dense'
    default:
      return 'bidirectional' in spec && spec.bidirectional ? `Bidirectional(${KERAS_CLASS_NAMES[spec.type]})` : KERAS_CLASS_NAMES[spec.type]
  }
}

interface InferredGraph {
  readonly rows: LayerRow[]
  /** Every call in an order that can be built. */
  readonly order: readonly { readonly layer: GraphLayer; readonly call: number }[]
  /** Each call's output shape, by `layer#call`. */
  readonly shapes: ReadonlyMap<string, LayerShape>
  /** The vocabulary each Embedding reads. */
  readonly embeddingTokens: ReadonlyMap<string, number>
}

/**
 * Checks a graph against the song's sizes and works out, as Keras's summary does, every layer's
 * output shape and parameters: inputs by their role, Embeddings over their input's vocabulary,
 * `Add` over equal shapes, `Concatenate` on the last axis, outputs as softmaxes over their role's
 * vocabulary; a shared layer counts its weights once and must get the same width at every call.
 * @throws OptionError naming the first layer that does not fit
 */
export function inferGraph(graph: ModelGraph, context: GraphContext): InferredGraph {
  const order = graphCallOrder(graph)
  if (typeof order === 'string') throw new OptionError(order)
  const shapes = new Map<string, LayerShape>()
  const params = new Map<string, number>()
  const firstInputWidth = new Map<string, number>()
  const embeddingTokens = new Map<string, number>()
  const inputShapes = new Map<string, (number | null)[][]>()
  for (const { layer, call } of order) {
    const spec = layer.spec
    const where = `layer '${layer.name}' (${kerasClass(layer)})`
    const inputs = (layer.calls[call] ?? []).map((ref) => {
      const shape = shapes.get(callKey(ref))
      if (!shape) throw new OptionError(`${where} reads '${ref.layer}' before it is made`)
      return shape
    })
    if (call === 0) inputShapes.set(layer.name, inputs.map(shapeDims))
    let out: LayerShape
    let weights = 0
    switch (spec.type) {
      case 'input':
        out = inputShape(spec.role, context)
        break
      case 'add':
      case 'concatenate': {
        if (inputs.some((shape) => shape.tokens !== undefined)) throw new OptionError(`${where} reads token ids: put an Embedding after the input first`)
        const [first] = inputs
        if (!first) throw new OptionError(`${where} joins no layers`)
        if (inputs.some((shape) => shape.steps !== first.steps)) {
          throw new OptionError(`${where} joins ${inputs.map((shape) => describeShape(shape)).join(' and ')}: every input must have the same steps (all sequences of one length, or all vectors)`)
        }
        if (spec.type === 'add' && inputs.some((shape) => shape.width !== first.width)) {
          throw new OptionError(`${where} adds ${inputs.map((shape) => describeShape(shape)).join(' and ')}: a residual join adds equal shapes, so give the layers the same units`)
        }
        out = spec.type === 'add' ? { steps: first.steps, width: first.width } : { steps: first.steps, width: inputs.reduce((sum, shape) => sum + shape.width, 0) }
        break
      }
      case 'head': {
        const [input] = inputs
        const vocabulary = roleVocabulary(layer.name as OutputRole)
        if (!input || !vocabulary) throw new OptionError(`${where} is an output without a role`)
        if (input.tokens !== undefined || input.steps !== null) {
          throw new OptionError(`${where} needs one vector per window: end its recurrent layer with return_sequences off, or add Flatten or global pooling first`)
        }
        const units = roleSize(vocabulary, context)
        out = { steps: null, width: units }
        weights = input.width * units + units
        break
      }
      default: {
        const [input] = inputs
        if (!input) throw new OptionError(`${where} reads no layer`)
        if (spec.type === 'embedding') {
          if (input.tokens === undefined) throw new OptionError(`${where}: an Embedding reads token ids, from an input named ${TOKEN_INPUT_ROLES.join(', ')}`)
          embeddingTokens.set(layer.name, Math.max(embeddingTokens.get(layer.name) ?? 0, input.tokens))
        }
        const result = layerOutput(spec, input, where, { denseOnSequence: true })
        out = result.shape
        weights = result.params
        const width = firstInputWidth.get(layer.name)
        if (width !== undefined && width !== input.width && spec.type !== 'embedding') {
          throw new OptionError(`${where} is shared, but its calls get ${width} and ${input.width} numbers a step: a shared layer's weights fit one width`)
        }
        firstInputWidth.set(layer.name, input.width)
      }
    }
    shapes.set(callKey({ layer: layer.name, call }), out)
    if (call === 0) params.set(layer.name, weights)
  }
  // A shared Embedding reading vocabularies of different sizes has the largest's rows.
  for (const [name, tokens] of embeddingTokens) {
    const layer = graph.layers.find((candidate) => candidate.name === name)
    if (layer?.spec.type === 'embedding') params.set(name, tokens * layer.spec.outputDim)
  }
  const rows = graph.layers.map((layer) => {
    const outputShape = shapes.get(callKey({ layer: layer.name, call: 0 }))
    return {
      name: layer.name,
      type: kerasClass(layer),
      // Keras shows an input layer's shape as what it takes and gives
      inputShapes: layer.spec.type === 'input' && outputShape ? [shapeDims(outputShape)] : (inputShapes.get(layer.name) ?? []),
      outputShape: outputShape ? shapeDims(outputShape) : [],
      params: params.get(layer.name) ?? 0,
      connectedTo: [...new Set(layer.calls.flatMap((call) => call.map((ref) => ref.layer)))]
    }
  })
  return { rows, order, shapes, embeddingTokens }
}

function describeShape(shape: LayerShape): string {
  return `(${shapeDims(shape)
    .map((dim) => (dim === null ? 'None' : String(dim)))
    .join(', ')})`
}

/** Every layer's row of Keras's summary, with "Connected to". @throws OptionError as `inferGraph` */
export function graphLayerRows(graph: ModelGraph, context: GraphContext): LayerRow[] {
  return inferGraph(graph, context).rows
}

export interface BuildGraphOptions {
  readonly stateful: boolean
  readonly batchSize: number
  readonly seed: number
  readonly recurrentActivation?: 'hardSigmoid' | 'sigmoid'
}

/** The input's dimensions after the batch. */
function inputDims(role: InputRole, context: GraphContext): number[] {
  return role === 'features' ? [context.window, 2] : role === 'index' ? [context.window, 1] : [context.window]
}

/**
 * Builds a graph with tfjs's functional API (`tf.model({inputs, outputs})`), the layers created in
 * the graph's order with the same seeded initialisers as a stack's, a shared layer once and
 * applied at each of its calls. A stateful model's inputs have the fixed batch.
 * @throws OptionError for a graph that does not fit the song (see `inferGraph`) or cannot keep state
 */
export function buildGraphModel(graph: ModelGraph, context: GraphContext, options: BuildGraphOptions): tf.LayersModel {
  const inferred = inferGraph(graph, context)
  const recurrent = graph.layers.filter((layer) => layer.spec.type === 'lstm' || layer.spec.type === 'gru' || layer.spec.type === 'simple-rnn')
  if (options.stateful && recurrent.some((layer) => 'bidirectional' in layer.spec && layer.spec.bidirectional)) {
    throw new OptionError('a stateful model cannot have a bidirectional layer: it reads the window backwards too')
  }
  if (options.stateful && recurrent.length === 0) throw new OptionError('a model without recurrent layers has no state to keep')
  const seeds = layerSeeds(options.seed)
  const layers = new Map<string, tf.layers.Layer>()
  const inputs = new Map<string, tf.SymbolicTensor>()
  for (const layer of graph.layers) {
    const spec = layer.spec
    if (spec.type === 'input') {
      const dims = inputDims(spec.role, context)
      inputs.set(layer.name, tf.input(options.stateful ? { batchShape: [options.batchSize, ...dims], name: layer.name } : { shape: dims, name: layer.name }))
    } else if (spec.type === 'add') {
      layers.set(layer.name, tf.layers.add({ name: layer.name }))
    } else if (spec.type === 'concatenate') {
      layers.set(layer.name, tf.layers.concatenate({ name: layer.name, axis: -1 }))
    } else if (spec.type === 'head') {
      const units = inferred.shapes.get(`${layer.name}#0`)?.width ?? spec.units
      layers.set(layer.name, tf.layers.dense({ units, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform(seeds.next()), name: layer.name }))
    } else {
      const tokens = inferred.embeddingTokens.get(layer.name)
      layers.set(layer.name, makeTfLayer(spec, { seeds, stateful: options.stateful, recurrentActivation: options.recurrentActivation, tokens, steps: context.window }, { name: layer.name }))
    }
  }
  const outputs = new Map<string, tf.SymbolicTensor>()
  for (const { layer, call } of inferred.order) {
    const key = callKey({ layer: layer.name, call })
    const input = inputs.get(layer.name)
    if (input) {
      outputs.set(key, input)
      continue
    }
    const from = (layer.calls[call] ?? []).map((ref) => outputs.get(callKey(ref)) as tf.SymbolicTensor)
    const tfLayer = layers.get(layer.name) as tf.layers.Layer
    const joined = layer.spec.type === 'add' || layer.spec.type === 'concatenate'
    outputs.set(key, tfLayer.apply(joined ? from : (from[0] as tf.SymbolicTensor)) as tf.SymbolicTensor)
  }
  return tf.model({
    name: graph.name,
    inputs: graph.inputs.map((name) => inputs.get(name) as tf.SymbolicTensor),
    outputs: graph.outputs.map((ref) => outputs.get(callKey(ref)) as tf.SymbolicTensor)
  })
}

/**
 * What a graph model is fed and trained towards, from the class indices the rest of the studio
 * works with: each input gets the window's codes as its role reads them (code, pitch or length
 * ids; the seed's features), each output is one-hot over its role's vocabulary, and the heads'
 * probabilities combine into one per code (the product of the code's pitch's and length's,
 * renormalised), so predictions, scores and continuations are the stacks' own.
 */
export class GraphIo {
  /** The outputs' roles, in the model's output order. */
  readonly heads: readonly OutputRole[]
  /** Each output's weight in the loss (Keras's `loss_weights`), in that order. */
  readonly lossWeights: readonly number[]

  /** Each role's table, made once: a code's id, pitch or length, or the seed's numbers for it. */
  private readonly ids: Readonly<Record<'note' | 'pitch' | 'length', Int32Array>>
  private readonly features: Readonly<Record<'features' | 'index', number[][]>>

  constructor(
    private readonly graph: ModelGraph,
    private readonly context: GraphContext,
    lossWeights: Partial<Record<OutputRole, number>> = {}
  ) {
    this.heads = graph.outputs.map((ref) => ref.layer as OutputRole)
    this.lossWeights = this.heads.map((head) => lossWeights[head] ?? 1)
    const { parts, classes } = context
    this.ids = { note: Int32Array.from({ length: Math.max(classes, parts.pitchOf.length) }, (_, index) => index), pitch: Int32Array.from(parts.pitchOf), length: Int32Array.from(parts.lengthOf) }
    this.features = { features: codeFeatures(parts, 'pitch-length'), index: codeFeatures(parts, 'index') }
  }

  /** The model's inputs for windows of codes (`[batch, window]`, float ids), in its input order. */
  inputs(ids: tf.Tensor): tf.Tensor[] {
    return tf.tidy(() => {
      const codes = ids.toInt()
      return this.graph.inputs.map((name) => {
        const role = name as InputRole
        const vocabulary = roleVocabulary(role)
        if (vocabulary) return tf.gather(tf.tensor1d(this.ids[vocabulary], 'int32'), codes).toFloat()
        return tf.gather(tf.tensor2d(this.features[role === 'features' ? 'features' : 'index']), codes)
      })
    })
  }

  /** Each output's labels (int32) for the codes that follow the windows. */
  targets(labels: tf.Tensor1D): tf.Tensor1D[] {
    return tf.tidy(() => this.heads.map((head) => tf.gather(tf.tensor1d(this.ids[roleVocabulary(head) ?? 'note'], 'int32'), labels.toInt()) as tf.Tensor1D))
  }

  /** The size of each output. */
  headSizes(): number[] {
    return this.heads.map((head) => roleSize(roleVocabulary(head) ?? 'note', this.context))
  }

  /** One probability per code (`[batch, classes]`) from the heads' outputs. */
  codeProbabilities(outputs: readonly tf.Tensor[]): tf.Tensor2D {
    return tf.tidy(() => {
      let product: tf.Tensor | undefined
      this.heads.forEach((head, index) => {
        const table = tf.tensor1d(this.ids[roleVocabulary(head) ?? 'note'].slice(0, this.context.classes), 'int32')
        const perCode = tf.gather(outputs[index] as tf.Tensor, table, 1)
        product = product ? tf.mul(product, perCode) : perCode
      })
      const joint = product as tf.Tensor2D
      return tf.div(joint, tf.maximum(joint.sum(-1, true), 1e-30)) as tf.Tensor2D
    })
  }
}
