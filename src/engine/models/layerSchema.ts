// LayerSpec as a zod schema: lab models come in as JSON (a file, the command line, the UI), and
// every field is checked before a layer is built. No tfjs here, so the UI contract can use it.
import { z } from 'zod'
import type { LayerSpec } from './layers'

const activation = z.enum(['relu', 'tanh', 'sigmoid', 'linear'])
const size = z.number().int().min(1).max(4096)
const rate = z.number().min(0).lt(1)

export const LAYER_SPEC_SCHEMA = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('embedding'), outputDim: size }),
  z.strictObject({
    type: z.enum(['simple-rnn', 'lstm', 'gru']),
    units: size,
    returnSequences: z.boolean().optional(),
    dropout: rate.optional(),
    recurrentDropout: rate.optional(),
    bidirectional: z.boolean().optional()
  }),
  z.strictObject({ type: z.literal('conv1d'), filters: size, kernelSize: z.number().int().min(1).max(64), activation: activation.optional(), padding: z.enum(['valid', 'same']).optional() }),
  z.strictObject({ type: z.enum(['max-pooling1d', 'average-pooling1d']), poolSize: z.number().int().min(1).max(64) }),
  z.strictObject({ type: z.enum(['global-max-pooling1d', 'global-average-pooling1d', 'flatten']) }),
  z.strictObject({ type: z.literal('dropout'), rate }),
  z.strictObject({ type: z.literal('dense'), units: size, activation: activation.optional() })
])

export const LAYER_STACK_SCHEMA = z.array(LAYER_SPEC_SCHEMA).min(1).max(32)

/** A stack of layers from JSON, or a message naming the first field that is wrong. */
export function parseLayerStack(json: unknown): { ok: true; layers: LayerSpec[] } | { ok: false; message: string } {
  const parsed = LAYER_STACK_SCHEMA.safeParse(json)
  if (parsed.success) return { ok: true, layers: parsed.data as LayerSpec[] }
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `layers${issue.path.map((part) => (typeof part === 'number' ? `[${part + 1}]` : `.${String(part)}`)).join('')}: ` : ''
  return { ok: false, message: `${where}${issue?.message ?? 'not a list of layers'}` }
}
