// The model lab's layers as data: the types, and the zod schema every stack from JSON (a file,
// the command line, the UI) is checked with before a layer is built. No tfjs here, so the UI and
// the StudioApi contract use it too; the engine builds the layers (src/engine/models/layers.ts).
import { z } from 'zod'
import { LAYER_MAX_UNITS, MODEL_MAX_LAYERS } from './limits'

/**
 * The layers a model can be made of, as JSON: the books' toolbox (Embedding, SimpleRNN, LSTM,
 * GRU, Conv1D and pooling, stacking, Bidirectional, Dropout, Dense). The output layer, a Dense
 * softmax over the vocabulary, is added after them and not written here.
 */
export type DenseActivation = 'relu' | 'tanh' | 'sigmoid' | 'linear'

export type RecurrentType = 'simple-rnn' | 'lstm' | 'gru'

export type LayerSpec =
  | { readonly type: 'embedding'; readonly outputDim: number }
  | {
      readonly type: RecurrentType
      readonly units: number
      /** Pass every step on (needed below another recurrent layer). */
      readonly returnSequences?: boolean
      readonly dropout?: number
      readonly recurrentDropout?: number
      /**
       * The gates' activation (LSTM, GRU): the seed's Keras used hardSigmoid, the studio's default;
       * Keras from 2.3 on uses sigmoid, which a Keras model's JSON brings along.
       */
      readonly recurrentActivation?: 'sigmoid' | 'hardSigmoid'
      readonly bidirectional?: boolean
    }
  | {
      readonly type: 'conv1d'
      readonly filters: number
      readonly kernelSize: number
      readonly activation?: DenseActivation
      readonly padding?: 'valid' | 'same'
    }
  | { readonly type: 'max-pooling1d' | 'average-pooling1d'; readonly poolSize: number }
  | { readonly type: 'global-max-pooling1d' | 'global-average-pooling1d' | 'flatten' }
  | { readonly type: 'dropout'; readonly rate: number }
  | { readonly type: 'dense'; readonly units: number; readonly activation?: DenseActivation }

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

const activation = z.enum(['relu', 'tanh', 'sigmoid', 'linear'])
const size = z.number().int().min(1).max(LAYER_MAX_UNITS)
const rate = z.number().min(0).lt(1)

export const LAYER_SPEC_SCHEMA = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('embedding'), outputDim: size }),
  z.strictObject({
    type: z.enum(['simple-rnn', 'lstm', 'gru']),
    units: size,
    returnSequences: z.boolean().optional(),
    dropout: rate.optional(),
    recurrentDropout: rate.optional(),
    recurrentActivation: z.enum(['sigmoid', 'hardSigmoid']).optional(),
    bidirectional: z.boolean().optional()
  }),
  z.strictObject({ type: z.literal('conv1d'), filters: size, kernelSize: z.number().int().min(1).max(64), activation: activation.optional(), padding: z.enum(['valid', 'same']).optional() }),
  z.strictObject({ type: z.enum(['max-pooling1d', 'average-pooling1d']), poolSize: z.number().int().min(1).max(64) }),
  z.strictObject({ type: z.enum(['global-max-pooling1d', 'global-average-pooling1d', 'flatten']) }),
  z.strictObject({ type: z.literal('dropout'), rate }),
  z.strictObject({ type: z.literal('dense'), units: size, activation: activation.optional() })
])

export const LAYER_STACK_SCHEMA = z.array(LAYER_SPEC_SCHEMA).min(1).max(MODEL_MAX_LAYERS)

/** A stack of layers from JSON, or a message naming the first field that is wrong. */
export function parseLayerStack(json: unknown): { ok: true; layers: LayerSpec[] } | { ok: false; message: string } {
  const parsed = LAYER_STACK_SCHEMA.safeParse(json)
  if (parsed.success) return { ok: true, layers: parsed.data as LayerSpec[] }
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `layers${issue.path.map((part) => (typeof part === 'number' ? `[${part + 1}]` : `.${String(part)}`)).join('')}: ` : ''
  return { ok: false, message: `${where}${issue?.message ?? 'not a list of layers'}` }
}
