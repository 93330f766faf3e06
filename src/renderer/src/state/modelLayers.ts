import type { LayerSpec } from '../../../shared/layerSpec'
import { MODEL_GRAPH_MAX_CHARS } from '../../../shared/limits'
import { parseModelLayers, type ModelGraph } from '../../../shared/modelGraph'
import { thrownMessage } from '../format'

/**
 * The model lab's layers as read from the editor: none (keep the preset's), a checked stack, a
 * checked functional model (Keras's JSON read into the studio's form), or why not.
 */
export type ModelLayersReading = { readonly layers?: LayerSpec[]; readonly graph?: ModelGraph; readonly problem?: string }

/**
 * Reads the layer editor's JSON with the parser the engine checks every model with (a list is a
 * stack, an object a Keras functional model), so a model the engine would refuse is named here,
 * at its field or layer, before it is sent. Empty text keeps the preset's layers.
 */
export function readModelLayers(text: string): ModelLayersReading {
  if (text.trim() === '') return {}
  if (text.length > MODEL_GRAPH_MAX_CHARS) return { problem: `over ${MODEL_GRAPH_MAX_CHARS.toLocaleString('en')} characters` }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { problem: thrownMessage(error) }
  }
  const parsed = parseModelLayers(json)
  if (!parsed.ok) return { problem: parsed.message }
  return 'graph' in parsed ? { graph: parsed.graph } : { layers: parsed.layers }
}
