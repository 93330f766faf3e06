import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readModelLayers as readLayerStack } from './modelLayers'

describe('readLayerStack: the layer editor reads with the engine’s schema', () => {
  it('keeps the preset for empty text', () => {
    expect(readLayerStack('  \n')).toEqual({})
  })

  it('gives a checked stack', () => {
    expect(readLayerStack('[{"type": "embedding", "outputDim": 8}, {"type": "gru", "units": 16}]')).toEqual({
      layers: [
        { type: 'embedding', outputDim: 8 },
        { type: 'gru', units: 16 }
      ]
    })
  })

  it('names the field the schema refuses, counting layers from 1', () => {
    expect(readLayerStack('[{"type": "embedding", "outputDim": 8}, {"type": "gru"}]').problem).toMatch(/^layers\[2\]\.units: /)
    expect(readLayerStack('[{"type": "lstm", "units": 8, "colour": "red"}]').problem).toMatch(/^layers\[1\]: .*colour/)
    expect(readLayerStack('[{"type": "transformer"}]').problem).toMatch(/^layers\[1\]\.type: /)
  })

  it('says what is wrong with text that is not a list of layers', () => {
    expect(readLayerStack('{"type": "gru", "units": 8}').problem).toMatch(/^model\.class_name: /)
    expect(readLayerStack('"gru"').problem).toMatch(/a list of layers \(a stack\) or a Keras functional model/)
    expect(readLayerStack('[]').problem).toMatch(/>=1/)
    expect(readLayerStack('[{"type": ').problem).toMatch(/JSON/)
  })

  it('reads a Keras functional model into the studio’s graph, or names its layer', () => {
    const text = readFileSync(join(__dirname, '../../../engine/testing/kerasModels/residualTwoHeads.keras2.json'), 'utf8')
    const reading = readLayerStack(text)
    expect(reading.graph?.inputs).toEqual(['pitch', 'length'])
    expect(reading.layers).toBeUndefined()
    expect(readLayerStack(text.replace('"Dense"', '"Multiply"')).problem).toMatch(/^layer 'project' \(Multiply\)/)
  })
})
