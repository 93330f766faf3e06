// Keras's functional JSON read into the studio's graph and written back: both Keras 2's and
// Keras 3's forms of one model (two inputs, a shared layer, a residual Add, two outputs), every
// refusal naming its layer, and hostile JSON refused in words.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { MODEL_MAX_GRAPH_LAYERS } from './limits'
import { graphToKerasJson, kerasJsonToGraph, parseModelLayers, type ModelGraph } from './modelGraph'
import { presetGraph } from './modelPresets'

const FIXTURES = join(__dirname, '../engine/testing/kerasModels')
export const kerasFixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>

function graphOf(json: unknown): ModelGraph {
  const parsed = kerasJsonToGraph(json)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.graph
}

type KerasLayer = { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }
/** The Keras 2 fixture with its layers changed by `edit`. */
function editedFixture(edit: (layers: KerasLayer[], config: Record<string, unknown>) => void): Record<string, unknown> {
  const json = kerasFixture('residualTwoHeads.keras2.json') as { config: Record<string, unknown> & { layers: KerasLayer[] } }
  edit(json.config.layers, json.config)
  return json
}

describe('Keras functional JSON', () => {
  it('reads Keras 2 and Keras 3 forms of one model to the same graph', () => {
    const keras2 = graphOf(kerasFixture('residualTwoHeads.keras2.json'))
    const keras3 = graphOf(kerasFixture('residualTwoHeads.keras3.json'))
    expect(keras3).toEqual(keras2)
    expect(keras2.inputs).toEqual(['pitch', 'length'])
    expect(keras2.outputs).toEqual([
      { layer: 'next_pitch', call: 0 },
      { layer: 'next_length', call: 0 }
    ])
    const byName = Object.fromEntries(keras2.layers.map((layer) => [layer.name, layer]))
    // the shared Dense is one layer called twice; the join reads both calls
    expect(byName['project']?.calls).toEqual([[{ layer: 'pitch_embedding', call: 0 }], [{ layer: 'length_embedding', call: 0 }]])
    expect(byName['note']?.calls).toEqual([[{ layer: 'project', call: 0 }, { layer: 'project', call: 1 }]])
    expect(byName['residual']).toEqual({ name: 'residual', spec: { type: 'add' }, calls: [[{ layer: 'lstm_1', call: 0 }, { layer: 'dense_2', call: 0 }]] })
    expect(byName['lstm_1']?.spec).toEqual({ type: 'lstm', units: 32, returnSequences: true, recurrentActivation: 'sigmoid' })
    expect(byName['next_pitch']?.spec).toEqual({ type: 'head', units: 7 })
  })

  it('writes a graph back as Keras 2 JSON that reads to the same graph', () => {
    for (const graph of [graphOf(kerasFixture('residualTwoHeads.keras2.json')), presetGraph('pitch-length', 64) as ModelGraph]) {
      const json = graphToKerasJson(graph, { window: 4, vocabulary: { note: 12, pitch: 7, length: 2 } })
      expect(graphOf(JSON.parse(JSON.stringify(json)))).toEqual({
        ...graph,
        // written with the song's sizes: an output's units are its vocabulary's
        layers: graph.layers.map((layer) => (layer.spec.type === 'head' ? { ...layer, spec: { type: 'head', units: layer.name === 'next_pitch' ? 7 : 2 } } : layer))
      })
    }
  })

  it('names the layer it cannot take, and why', () => {
    const refused = (edit: Parameters<typeof editedFixture>[0]) => {
      const parsed = kerasJsonToGraph(editedFixture(edit))
      return parsed.ok ? 'taken' : parsed.message
    }
    expect(refused((layers) => ((layers[7] as KerasLayer).class_name = 'Multiply'))).toMatch(/^layer 'dense_1' \(Multiply\): Keras's Multiply is not one the studio builds/)
    expect(refused((layers) => ((layers[11] as KerasLayer).config['activation'] = 'relu'))).toMatch(/layer 'next_pitch' \(Dense\): an output must end in softmax/)
    expect(refused((layers) => ((layers[0] as KerasLayer).config['name'] = (layers[0] as KerasLayer).name = 'melody'))).toMatch(/layer 'melody' \(InputLayer\): an input must be named after what it is fed: note, pitch, length, features, index/)
    expect(refused((layers) => ((layers[9] as KerasLayer).inbound_nodes = [[['lstm_2', 0, 0, {}], ['dense_2', 0, 0, {}]]]))).toMatch(/reads, through the graph, from its own output: a model cannot have cycles/)
    expect(refused((layers) => ((layers[5] as KerasLayer).inbound_nodes = [[['project', 0, 0, {}], ['project', 2, 0, {}]]]))).toMatch(/reads call 2 of 'project', which is called 2 time/)
    expect(refused((layers) => ((layers[6] as KerasLayer).config['return_state'] = true))).toMatch(/layer 'lstm_1' \(LSTM\): return_state is not supported/)
    expect(refused((layers) => ((layers[6] as KerasLayer).config['recurrent_activation'] = 'relu'))).toMatch(/layer 'lstm_1' \(LSTM\): recurrent_activation "relu" is not supported/)
    // hard_sigmoid is the studio's own default, so it reads as no setting
    expect(graphOf(editedFixture((layers) => ((layers[6] as KerasLayer).config['recurrent_activation'] = 'hard_sigmoid'))).layers[6]?.spec).toEqual({ type: 'lstm', units: 32, returnSequences: true })
    expect(refused((layers) => layers.splice(12, 1))).toMatch(/not a layer|is not one of/)
    expect(refused((layers) => ((layers[7] as KerasLayer).config['name'] = (layers[7] as KerasLayer).name = 'dense_2'))).toMatch(/two layers are named 'dense_2'/)
    expect(refused((layers, config) => ((config['output_layers'] = [['lstm_2', 0, 0]]), layers.splice(11, 2)))).toMatch(/output 'lstm_2' must be a Dense softmax layer named after what it predicts/)
    expect(refused((layers) => ((layers[11] as KerasLayer).config['activation'] = 'softmax', ((layers[8] as KerasLayer).config['activation'] = 'softmax')))).toMatch(/layer 'dense_2' \(Dense\): softmax is for the outputs/)
    expect(refused((layers) => ((layers[8] as KerasLayer).inbound_nodes = [[['pitch_embedding', 0, 0, {}]]]))).toMatch(/does not lead to any output/)
  })

  it('refuses hostile JSON in words, never by throwing', () => {
    const tooMany = editedFixture((layers) => {
      while (layers.length <= MODEL_MAX_GRAPH_LAYERS) layers.splice(7, 0, { ...(layers[7] as KerasLayer), name: `d${layers.length}`, config: { ...(layers[7] as KerasLayer).config, name: `d${layers.length}` } })
    })
    expect(kerasJsonToGraph(tooMany)).toMatchObject({ ok: false, message: expect.stringMatching(/^model\.config\.layers: /) })
    expect(parseModelLayers('{"class_name":"Functional"}')).toMatchObject({ ok: false })
    expect(parseModelLayers(null)).toMatchObject({ ok: false, message: expect.stringMatching(/a list of layers \(a stack\) or a Keras functional model/) })
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (json) => {
        const parsed = parseModelLayers(json)
        return parsed.ok || parsed.message.length > 0
      }),
      { numRuns: 500 }
    )
    // mutations of the real model: every one either parses to a graph the schema accepts or is refused in words
    const base = JSON.stringify(kerasFixture('residualTwoHeads.keras3.json'))
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length - 1 }), fc.constantFrom('0', '"x"', 'null', '[]', '{}', '-1', '1e9'), (at, junk) => {
        let json: unknown
        try {
          json = JSON.parse(base.slice(0, at) + junk + base.slice(at + 1))
        } catch {
          return true
        }
        const parsed = parseModelLayers(json)
        return parsed.ok || parsed.message.length > 0
      }),
      { numRuns: 500 }
    )
  })
})
