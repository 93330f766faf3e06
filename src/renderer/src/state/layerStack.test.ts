import { describe, expect, it } from 'vitest'
import { readLayerStack } from './layerStack'

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
    expect(readLayerStack('{"type": "gru", "units": 8}').problem).toMatch(/array/)
    expect(readLayerStack('[]').problem).toMatch(/>=1/)
    expect(readLayerStack('[{"type": ').problem).toMatch(/JSON/)
  })
})
