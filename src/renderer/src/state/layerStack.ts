import type { z } from 'zod'
import { LAYER_STACK_SCHEMA } from '../../../shared/layerSpec'
import { thrownMessage } from '../format'

/** The model lab's layers as read from the editor: none (keep the preset's), a checked stack (the schema's own output), or why not. */
export type LayerStackReading = { readonly layers?: z.output<typeof LAYER_STACK_SCHEMA>; readonly problem?: string }

/**
 * Reads the layer editor's JSON with the schema the engine checks every stack with
 * (LAYER_STACK_SCHEMA), so a stack the engine would refuse is named here, at its field, before
 * it is sent. Empty text keeps the preset's layers.
 */
export function readLayerStack(text: string): LayerStackReading {
  if (text.trim() === '') return {}
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { problem: thrownMessage(error) }
  }
  const parsed = LAYER_STACK_SCHEMA.safeParse(json)
  if (parsed.success) return { layers: parsed.data }
  const issue = parsed.error.issues[0]
  // Layers are counted from 1, as the engine's messages count them.
  const path = issue?.path.map((part) => (typeof part === 'number' ? `[${part + 1}]` : `.${String(part)}`)).join('') ?? ''
  return { problem: `${path ? `layers${path}: ` : ''}${issue?.message ?? 'not a list of layers'}` }
}
