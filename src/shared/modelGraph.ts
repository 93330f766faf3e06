// Functional models (Keras's chapter 7): layers joined as a graph, with several named inputs and
// outputs, `Add` and `Concatenate` joins and shared layers. People write them in Keras's own JSON
// (`model.to_json()`); this file reads that JSON into the studio's form (checked, bounded) and
// writes it back, with no tfjs, so the UI, the command line and the contract use it. The engine
// works out shapes and builds the layers (src/engine/models/graph.ts).
import { z } from 'zod'
import { JOIN_MAX_INPUTS, LAYER_MAX_CALLS, LAYER_MAX_UNITS, MODEL_MAX_GRAPH_LAYERS } from './limits'
import { KERAS_CLASS_NAMES, LAYER_SPEC_SCHEMA, parseLayerStack, type DenseActivation, type LayerSpec } from './layerSpec'

/**
 * What a model's input is fed, chosen by the input layer's name: `note`, `pitch`, `length` are
 * token ids (of the note's code, its pitch, its length) for an Embedding; `features` is the seed's
 * two numbers per note (pitch and length scaled to 0…1), `index` the seed's one (code / highest).
 */
export const INPUT_ROLES = ['note', 'pitch', 'length', 'features', 'index'] as const
export type InputRole = (typeof INPUT_ROLES)[number]

/** What an output predicts, chosen by its layer's name: the next note's code, pitch or length. */
export const OUTPUT_ROLES = ['next_note', 'next_pitch', 'next_length'] as const
export type OutputRole = (typeof OUTPUT_ROLES)[number]
export const isOutputRole = (name: string): name is OutputRole => (OUTPUT_ROLES as readonly string[]).includes(name)

/** Inputs read by an Embedding (token ids), as against numbers read by any layer. */
export const TOKEN_INPUT_ROLES: readonly InputRole[] = ['note', 'pitch', 'length']

/** A layer of a graph: the lab's layers, an input, or a join. */
export type GraphLayerSpec =
  | LayerSpec
  | { readonly type: 'input'; readonly role: InputRole }
  | { readonly type: 'add' }
  | { readonly type: 'concatenate' }
  /** An output head: a softmax over its role's vocabulary (`units` as written, the studio sets it). */
  | { readonly type: 'head'; readonly units: number }

/** The `call`-th output of a layer (a shared layer is called more than once). */
export interface TensorRef {
  readonly layer: string
  readonly call: number
}

export interface GraphLayer {
  readonly name: string
  readonly spec: GraphLayerSpec
  /** Each call's inputs; an input layer has none. */
  readonly calls: readonly (readonly TensorRef[])[]
}

/** A functional model: its layers in Keras's order, which of them are inputs, and its outputs. */
export interface ModelGraph {
  readonly name: string
  readonly layers: readonly GraphLayer[]
  readonly inputs: readonly string[]
  readonly outputs: readonly TensorRef[]
}

// Keras's layer names are letters, digits and `_ . / -`; ours are kept to those, and short.
const LAYER_NAME = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'a layer name is letters, digits and _ . / -')
const size = z.number().int().min(1).max(LAYER_MAX_UNITS)
const ref = z.strictObject({ layer: LAYER_NAME, call: z.number().int().min(0).max(LAYER_MAX_CALLS - 1) })

const GRAPH_LAYER_SPEC_SCHEMA = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('input'), role: z.enum(INPUT_ROLES) }),
  z.strictObject({ type: z.literal('add') }),
  z.strictObject({ type: z.literal('concatenate') }),
  z.strictObject({ type: z.literal('head'), units: size }),
  ...LAYER_SPEC_SCHEMA.options
])

/** Each output's weight in the loss (Keras's `loss_weights`); 1 where not given. */
export const LOSS_WEIGHTS_SCHEMA = z.strictObject({
  next_note: z.number().min(0).max(1000).optional(),
  next_pitch: z.number().min(0).max(1000).optional(),
  next_length: z.number().min(0).max(1000).optional()
})

/** The studio's form of a graph, as requests, run records and saved models carry it. */
export const MODEL_GRAPH_SCHEMA: z.ZodType<ModelGraph> = z
  .strictObject({
    name: LAYER_NAME,
    layers: z
      .array(z.strictObject({ name: LAYER_NAME, spec: GRAPH_LAYER_SPEC_SCHEMA, calls: z.array(z.array(ref).max(JOIN_MAX_INPUTS)).max(LAYER_MAX_CALLS) }))
      .min(2)
      .max(MODEL_MAX_GRAPH_LAYERS),
    inputs: z.array(LAYER_NAME).min(1).max(INPUT_ROLES.length),
    outputs: z.array(ref).min(1).max(OUTPUT_ROLES.length)
  })
  .superRefine((graph, context) => {
    const problem = graphWiringProblem(graph as ModelGraph)
    if (problem) context.addIssue({ code: 'custom', message: problem })
  })

/**
 * Whether the graph's wiring holds together: unique names, inputs that are input layers named
 * after their role, every reference to an existing call, outputs that are heads named after
 * their role, calls in an order that can be built (no cycles), every layer used.
 */
export function graphWiringProblem(graph: ModelGraph): string | undefined {
  const byName = new Map<string, GraphLayer>()
  for (const layer of graph.layers) {
    if (byName.has(layer.name)) return `two layers are named '${layer.name}'`
    byName.set(layer.name, layer)
  }
  for (const layer of graph.layers) {
    const { spec } = layer
    if (spec.type === 'input') {
      if (layer.name !== spec.role) return `input '${layer.name}' must be named after what it is fed (${INPUT_ROLES.join(', ')})`
      if (layer.calls.length > 0) return `input '${layer.name}' cannot read from other layers`
      if (!graph.inputs.includes(layer.name)) return `input layer '${layer.name}' is not one of the model's inputs`
      continue
    }
    if (spec.type === 'head' && !(OUTPUT_ROLES as readonly string[]).includes(layer.name)) {
      return `output layer '${layer.name}' must be named after what it predicts (${OUTPUT_ROLES.join(', ')})`
    }
    if (layer.calls.length === 0) return `layer '${layer.name}' reads from no layer`
    for (const call of layer.calls) {
      const join = spec.type === 'add' || spec.type === 'concatenate'
      if (join ? call.length < 2 : call.length !== 1) {
        return join ? `'${layer.name}' (${spec.type}) joins two or more layers, got ${call.length}` : `layer '${layer.name}' reads from one layer at a time, got ${call.length}`
      }
      for (const from of call) {
        const source = byName.get(from.layer)
        if (!source) return `layer '${layer.name}' reads from '${from.layer}', which is not a layer of the model`
        const calls = source.spec.type === 'input' ? 1 : source.calls.length
        if (from.call >= calls) return `layer '${layer.name}' reads call ${from.call} of '${from.layer}', which is called ${calls} time(s)`
      }
    }
  }
  const seenInputs = new Set<string>()
  for (const name of graph.inputs) {
    if (byName.get(name)?.spec.type !== 'input') return `the model's input '${name}' is not an input layer`
    if (seenInputs.has(name)) return `the model's input '${name}' is named twice`
    seenInputs.add(name)
  }
  const seenOutputs = new Set<string>()
  for (const output of graph.outputs) {
    const layer = byName.get(output.layer)
    if (!layer) return `the model's output '${output.layer}' is not a layer of the model`
    if (layer.spec.type !== 'head') return `the model's output '${output.layer}' must be a Dense softmax layer named after what it predicts (${OUTPUT_ROLES.join(', ')})`
    if (seenOutputs.has(output.layer)) return `the model's output '${output.layer}' is named twice`
    if (output.call >= layer.calls.length) return `the model's output '${output.layer}' reads a call it does not have`
    seenOutputs.add(output.layer)
  }
  for (const layer of graph.layers) {
    if (layer.spec.type === 'head' && !seenOutputs.has(layer.name)) return `output layer '${layer.name}' is not one of the model's outputs`
  }
  const order = graphCallOrder(graph)
  if (typeof order === 'string') return order
  const used = new Set<string>(graph.outputs.map((output) => output.layer))
  // walking back from the outputs, every layer must be reached
  for (const { layer, call } of [...order].reverse()) {
    if (!used.has(layer.name)) continue
    for (const from of layer.calls[call] ?? []) used.add(from.layer)
  }
  const unused = graph.layers.find((layer) => !used.has(layer.name))
  if (unused) return `layer '${unused.name}' does not lead to any output`
  return undefined
}

/**
 * Every call of every layer in an order in which each call's inputs come before it (input layers
 * first), or why there is none (a cycle).
 */
export function graphCallOrder(graph: ModelGraph): { layer: GraphLayer; call: number }[] | string {
  const done = new Set<string>()
  const key = (name: string, call: number) => `${name}#${call}`
  const order: { layer: GraphLayer; call: number }[] = []
  for (const layer of graph.layers) {
    if (layer.spec.type === 'input') {
      done.add(key(layer.name, 0))
      order.push({ layer, call: 0 })
    }
  }
  const pending = graph.layers.flatMap((layer) => (layer.spec.type === 'input' ? [] : layer.calls.map((_, call) => ({ layer, call }))))
  while (pending.length > 0) {
    const ready = pending.findIndex(({ layer, call }) => (layer.calls[call] ?? []).every((from) => done.has(key(from.layer, from.call))))
    if (ready < 0) {
      const stuck = pending[0]
      return `layer '${stuck?.layer.name}' reads, through the graph, from its own output: a model cannot have cycles`
    }
    const [next] = pending.splice(ready, 1)
    if (!next) break
    done.add(key(next.layer.name, next.call))
    order.push(next)
  }
  return order
}

// ── Keras's JSON ─────────────────────────────────────────────────────────────────────────────
/**
 * A layer of `model.to_json()` as Keras 2 writes it (`inbound_nodes`: a list of calls, each a list
 * of `[layer, call, tensor, kwargs]`) or Keras 3 (`inbound_nodes`: `{args, kwargs}` whose args hold
 * `__keras_tensor__` objects with a `keras_history`). Only the fields the studio builds from are
 * read; the rest (initialisers, regularisers, dtype) are Keras's defaults or left as they are.
 */
const KERAS_LAYER_SCHEMA = z.object({
  class_name: z.string().max(64),
  name: z.string().max(256).optional(),
  config: z.record(z.string().max(64), z.unknown()),
  inbound_nodes: z.array(z.unknown()).max(LAYER_MAX_CALLS).optional()
})

const KERAS_REF_SCHEMA = z.tuple([z.string().max(256), z.number().int().min(0), z.number().int().min(0)]).rest(z.unknown())

const KERAS_MODEL_SCHEMA = z.object({
  class_name: z.enum(['Functional', 'Model']),
  config: z.object({
    name: z.string().max(256).optional(),
    layers: z.array(KERAS_LAYER_SCHEMA).min(2).max(MODEL_MAX_GRAPH_LAYERS),
    // Keras writes one input or output as a single triple, several as a list of them
    input_layers: z.union([KERAS_REF_SCHEMA, z.array(KERAS_REF_SCHEMA).max(INPUT_ROLES.length)]),
    output_layers: z.union([KERAS_REF_SCHEMA, z.array(KERAS_REF_SCHEMA).max(OUTPUT_ROLES.length)])
  })
})

/** Keras class names the studio builds, and what it builds for them. */
const KERAS_LAYER_CLASSES = [
  'InputLayer',
  'Embedding',
  'Dense',
  'LSTM',
  'GRU',
  'SimpleRNN',
  'Bidirectional',
  'Conv1D',
  'MaxPooling1D',
  'AveragePooling1D',
  'GlobalMaxPooling1D',
  'GlobalAveragePooling1D',
  'Flatten',
  'Dropout',
  'Add',
  'Concatenate'
] as const

export type GraphParse = { ok: true; graph: ModelGraph } | { ok: false; message: string }

class KerasJsonError extends Error {}

/** A config value, as Keras writes it: a number, or a one-element list (`kernel_size: [3]`). */
function configNumber(config: Record<string, unknown>, key: string, where: string, fallback?: number): number {
  const raw = config[key]
  const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback
    throw new KerasJsonError(`${where}: config.${key} is missing`)
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new KerasJsonError(`${where}: config.${key} must be a number`)
  return value
}

function configActivation(config: Record<string, unknown>, where: string): DenseActivation | 'softmax' {
  const value = config['activation'] ?? 'linear'
  if (value === 'relu' || value === 'tanh' || value === 'sigmoid' || value === 'linear' || value === 'softmax') return value
  throw new KerasJsonError(`${where}: activation ${JSON.stringify(value)} is not one the studio builds (relu, tanh, sigmoid, linear; softmax on an output)`)
}

/** A Keras layer's config as one of the studio's layer specs. */
function kerasLayerSpec(className: string, config: Record<string, unknown>, name: string, roles: { input: boolean; output: boolean }): GraphLayerSpec {
  const where = `layer '${name}' (${className})`
  const refuse = (what: string): never => {
    throw new KerasJsonError(`${where}: ${what}`)
  }
  switch (className) {
    case 'InputLayer':
      if (!(INPUT_ROLES as readonly string[]).includes(name)) refuse(`an input must be named after what it is fed: ${INPUT_ROLES.join(', ')}`)
      return { type: 'input', role: name as InputRole }
    case 'Embedding':
      if (config['mask_zero'] === true) refuse('mask_zero is not supported')
      return { type: 'embedding', outputDim: configNumber(config, 'output_dim', where) }
    case 'Dense': {
      const activation = configActivation(config, where)
      if (roles.output) {
        if (activation !== 'softmax') refuse('an output must end in softmax: it gives the probability of each note, pitch or length')
        return { type: 'head', units: configNumber(config, 'units', where) }
      }
      if (activation === 'softmax') refuse('softmax is for the outputs; a hidden Dense layer is relu, tanh, sigmoid or linear')
      return { type: 'dense', units: configNumber(config, 'units', where), activation: activation as DenseActivation }
    }
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN': {
      if (config['return_state'] === true) refuse('return_state is not supported')
      if (config['go_backwards'] === true) refuse('go_backwards is not supported: use Bidirectional')
      const type = className === 'LSTM' ? 'lstm' : className === 'GRU' ? 'gru' : 'simple-rnn'
      // Keras's defaults are left out, as the lab writes its layers
      const dropout = configNumber(config, 'dropout', where, 0)
      const recurrentDropout = configNumber(config, 'recurrent_dropout', where, 0)
      // Keras's gates: sigmoid unless it says hard_sigmoid (the studio's own default, so not written)
      const gates = config['recurrent_activation'] ?? 'sigmoid'
      if (type !== 'simple-rnn' && gates !== 'sigmoid' && gates !== 'hard_sigmoid') refuse(`recurrent_activation ${JSON.stringify(gates)} is not supported (sigmoid, hard_sigmoid)`)
      return {
        type,
        units: configNumber(config, 'units', where),
        ...(config['return_sequences'] === true ? { returnSequences: true } : {}),
        ...(dropout > 0 ? { dropout } : {}),
        ...(recurrentDropout > 0 ? { recurrentDropout } : {}),
        ...(type !== 'simple-rnn' && gates === 'sigmoid' ? { recurrentActivation: 'sigmoid' as const } : {})
      }
    }
    case 'Bidirectional': {
      const inner = z.object({ class_name: z.enum(['LSTM', 'GRU', 'SimpleRNN']), config: z.record(z.string().max(64), z.unknown()) }).safeParse(config['layer'])
      if (!inner.success) return refuse('config.layer must be an LSTM, GRU or SimpleRNN')
      if ((config['merge_mode'] ?? 'concat') !== 'concat') refuse(`merge_mode ${JSON.stringify(config['merge_mode'])} is not supported (concat)`)
      const wrapped = kerasLayerSpec(inner.data.class_name, inner.data.config, name, { input: false, output: false }) as Extract<LayerSpec, { readonly bidirectional?: boolean }>
      return { ...wrapped, bidirectional: true }
    }
    case 'Conv1D': {
      if (configNumber(config, 'strides', where, 1) !== 1 || configNumber(config, 'dilation_rate', where, 1) !== 1) refuse('strides and dilation_rate must be 1')
      const padding = config['padding'] ?? 'valid'
      if (padding !== 'valid' && padding !== 'same') refuse(`padding ${JSON.stringify(padding)} is not supported (valid, same)`)
      const activation = configActivation(config, where)
      if (activation === 'softmax') refuse('softmax is for the outputs')
      return { type: 'conv1d', filters: configNumber(config, 'filters', where), kernelSize: configNumber(config, 'kernel_size', where), activation: activation as DenseActivation, padding: padding as 'valid' | 'same' }
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      const poolSize = configNumber(config, 'pool_size', where, 2)
      if (configNumber(config, 'strides', where, poolSize) !== poolSize) refuse('strides must equal pool_size')
      if ((config['padding'] ?? 'valid') !== 'valid') refuse('padding must be valid')
      return { type: className === 'MaxPooling1D' ? 'max-pooling1d' : 'average-pooling1d', poolSize }
    }
    case 'GlobalMaxPooling1D':
      return { type: 'global-max-pooling1d' }
    case 'GlobalAveragePooling1D':
      return { type: 'global-average-pooling1d' }
    case 'Flatten':
      return { type: 'flatten' }
    case 'Dropout':
      return { type: 'dropout', rate: configNumber(config, 'rate', where) }
    case 'Add':
      return { type: 'add' }
    case 'Concatenate': {
      const axis = configNumber(config, 'axis', where, -1)
      if (axis !== -1) refuse('only the last axis (axis -1) can be concatenated')
      return { type: 'concatenate' }
    }
    default:
      return refuse(`Keras's ${className} is not one the studio builds (it builds ${KERAS_LAYER_CLASSES.join(', ')})`)
  }
}

/** The `[layer, call, tensor]` triples anywhere inside a Keras 3 call's args. */
function kerasHistories(value: unknown, found: unknown[][], depth = 0): void {
  if (depth > 6 || found.length > JOIN_MAX_INPUTS) return
  if (Array.isArray(value)) {
    for (const item of value) kerasHistories(item, found, depth + 1)
  } else if (value && typeof value === 'object') {
    // `{class_name: '__keras_tensor__', config: {keras_history}}`, or some writers' bare `{keras_history}`
    const tensor = value as { class_name?: unknown; keras_history?: unknown; config?: { keras_history?: unknown } }
    if (tensor.class_name === '__keras_tensor__' && Array.isArray(tensor.config?.keras_history)) found.push(tensor.config.keras_history)
    else if (Array.isArray(tensor.keras_history)) found.push(tensor.keras_history)
  }
}

/** One call of a layer: Keras 2's list of triples, or Keras 3's `{args, kwargs}`. */
function kerasCall(node: unknown, where: string): TensorRef[] {
  const triples: unknown[][] = []
  if (Array.isArray(node)) {
    for (const item of node) triples.push(Array.isArray(item) ? item : [])
  } else if (node && typeof node === 'object' && 'args' in node) {
    kerasHistories((node as { args: unknown }).args, triples)
  } else {
    throw new KerasJsonError(`${where}: an inbound node must be a list of [layer, call, tensor] or {args, kwargs}`)
  }
  return triples.map((triple) => {
    const parsed = KERAS_REF_SCHEMA.safeParse(triple)
    if (!parsed.success) throw new KerasJsonError(`${where}: an input must be [layer name, call, tensor]`)
    const [layer, call, tensor] = parsed.data
    if (tensor !== 0) throw new KerasJsonError(`${where}: reads output ${tensor} of '${layer}'; the studio's layers have one output`)
    return { layer, call }
  })
}

const refOf = (triple: z.infer<typeof KERAS_REF_SCHEMA>): TensorRef => ({ layer: triple[0], call: triple[1] })
const refList = (value: z.infer<typeof KERAS_MODEL_SCHEMA>['config']['input_layers']) =>
  (typeof value[0] === 'string' ? [value as z.infer<typeof KERAS_REF_SCHEMA>] : (value as z.infer<typeof KERAS_REF_SCHEMA>[])).map(refOf)

/** The first schema problem of a parse, with where it is (`layers[2].units: …`). */
export function firstIssue(error: z.ZodError, root: string): string {
  const issue = error.issues[0]
  const path = issue?.path.map((part) => (typeof part === 'number' ? `[${part + 1}]` : `.${String(part)}`)).join('') ?? ''
  return `${root}${path}: ${issue?.message ?? 'not valid'}`
}

/**
 * Keras's functional JSON (`model.to_json()`, Keras 2 or 3; tfjs's `model.toJSON()`) as the
 * studio's graph, or a message naming the first layer or field the studio cannot take.
 */
export function kerasJsonToGraph(json: unknown): GraphParse {
  const parsed = KERAS_MODEL_SCHEMA.safeParse(json)
  if (!parsed.success) return { ok: false, message: firstIssue(parsed.error, 'model') }
  const { config } = parsed.data
  try {
    const outputs = refList(config.output_layers)
    const inputs = refList(config.input_layers).map((input) => input.layer)
    const outputNames = new Set(outputs.map((output) => output.layer))
    const layers: GraphLayer[] = config.layers.map((layer, index) => {
      const name = String(layer.config['name'] ?? layer.name ?? `layer ${index + 1}`)
      if (layer.name !== undefined && layer.name !== name) throw new KerasJsonError(`layer ${index + 1}: its name '${layer.name}' and config.name '${name}' differ`)
      const spec = kerasLayerSpec(layer.class_name, layer.config, name, { input: inputs.includes(name), output: outputNames.has(name) })
      const calls = (layer.inbound_nodes ?? []).map((node) => kerasCall(node, `layer '${name}'`))
      return { name, spec, calls: spec.type === 'input' ? [] : calls }
    })
    const graph: ModelGraph = { name: String(config.name ?? 'model'), layers, inputs, outputs }
    const checked = MODEL_GRAPH_SCHEMA.safeParse(graph)
    if (!checked.success) return { ok: false, message: firstIssue(checked.error, 'model') }
    return { ok: true, graph: checked.data as ModelGraph }
  } catch (error) {
    if (error instanceof KerasJsonError) return { ok: false, message: error.message }
    throw error
  }
}

/** The sizes the studio gives a graph for a song: the window, and each vocabulary's size. */
export interface GraphSizes {
  readonly window: number
  readonly vocabulary: Readonly<Record<'note' | 'pitch' | 'length', number>>
}

/** The vocabulary an input or output role is over (`features`, `index`: none, they are numbers). */
export function roleVocabulary(role: InputRole | OutputRole): 'note' | 'pitch' | 'length' | undefined {
  const base = role.replace(/^next_/, '')
  return base === 'note' || base === 'pitch' || base === 'length' ? base : undefined
}

/** Keras's class of each graph layer: the lab's, and the graph's own. */
const KERAS_CLASS: Record<GraphLayerSpec['type'], string> = { ...KERAS_CLASS_NAMES, input: 'InputLayer', add: 'Add', concatenate: 'Concatenate', head: 'Dense' }

/** The Keras config of one layer (the fields a Keras user reads; Keras fills in the rest). */
function kerasConfig(layer: GraphLayer, graph: ModelGraph, sizes: GraphSizes | undefined): Record<string, unknown> {
  const spec = layer.spec
  const name = layer.name
  switch (spec.type) {
    case 'input': {
      const steps = sizes?.window ?? null
      return { name, batch_input_shape: spec.role === 'features' ? [null, steps, 2] : spec.role === 'index' ? [null, steps, 1] : [null, steps], dtype: 'float32' }
    }
    case 'add':
    case 'concatenate':
      return spec.type === 'add' ? { name } : { name, axis: -1 }
    case 'head': {
      const vocabulary = roleVocabulary(name as OutputRole)
      return { name, units: (vocabulary && sizes?.vocabulary[vocabulary]) ?? spec.units, activation: 'softmax' }
    }
    case 'embedding': {
      const from = layer.calls[0]?.[0]?.layer
      const source = graph.layers.find((other) => other.name === from)
      const vocabulary = source?.spec.type === 'input' ? roleVocabulary(source.spec.role) : undefined
      return { name, input_dim: (vocabulary && sizes?.vocabulary[vocabulary]) ?? null, output_dim: spec.outputDim }
    }
    case 'simple-rnn':
    case 'lstm':
    case 'gru': {
      const inner = {
        name,
        units: spec.units,
        return_sequences: spec.returnSequences ?? false,
        dropout: spec.dropout ?? 0,
        recurrent_dropout: spec.recurrentDropout ?? 0,
        ...(spec.type === 'simple-rnn' ? {} : { recurrent_activation: spec.recurrentActivation === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid' })
      }
      return spec.bidirectional ? { name, layer: { class_name: KERAS_CLASS[spec.type], config: inner }, merge_mode: 'concat' } : inner
    }
    case 'conv1d':
      return { name, filters: spec.filters, kernel_size: [spec.kernelSize], strides: [1], padding: spec.padding ?? 'valid', activation: spec.activation ?? 'relu' }
    case 'max-pooling1d':
    case 'average-pooling1d':
      return { name, pool_size: [spec.poolSize], strides: [spec.poolSize], padding: 'valid' }
    case 'dropout':
      return { name, rate: spec.rate }
    case 'dense':
      return { name, units: spec.units, activation: spec.activation ?? 'relu' }
    default:
      return { name }
  }
}

/**
 * The graph as Keras 2 writes `model.to_json()`, which Keras (`model_from_json`) and tfjs
 * (`tf.models.modelFromJSON`) read back. With `sizes`, the input shapes, embeddings' input sizes
 * and outputs' units are the song's; without, as the graph was written.
 */
export function graphToKerasJson(graph: ModelGraph, sizes?: GraphSizes): Record<string, unknown> {
  return {
    class_name: 'Functional',
    config: {
      name: graph.name,
      layers: graph.layers.map((layer) => ({
        class_name: layer.spec.type === 'input' ? 'InputLayer' : 'bidirectional' in layer.spec && layer.spec.bidirectional ? 'Bidirectional' : KERAS_CLASS[layer.spec.type],
        config: kerasConfig(layer, graph, sizes),
        name: layer.name,
        inbound_nodes: layer.calls.map((call) => call.map((from) => [from.layer, from.call, 0, {}]))
      })),
      input_layers: graph.inputs.map((name) => [name, 0, 0]),
      output_layers: graph.outputs.map((output) => [output.layer, output.call, 0])
    },
    keras_version: '2.15.0',
    backend: 'tensorflow'
  }
}

/** A stack or a graph from JSON text, as the layer editor and `--layers` take them. */
export type ModelLayersParse = { ok: true; layers: LayerSpec[] } | { ok: true; graph: ModelGraph } | { ok: false; message: string }

/**
 * The layer editor's and `--layers`'s JSON: a list is a stack of layers (the output softmax added
 * after them), an object a Keras functional model.
 */
export function parseModelLayers(json: unknown): ModelLayersParse {
  if (Array.isArray(json)) return parseLayerStack(json)
  if (json !== null && typeof json === 'object') return kerasJsonToGraph(json)
  return { ok: false, message: 'layers must be a list of layers (a stack) or a Keras functional model ({"class_name": "Functional", "config": …})' }
}
