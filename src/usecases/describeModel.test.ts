// The model screen's description carries the model's picture, checked against the contract's schema.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importSong } from '../engine/notation/songFiles'
import { sharedPath } from '../engine/testing/seedSong'
import { MODEL_DESCRIPTION_SCHEMA } from '../shared/studioSchemas'
import { describeModel } from './describeModel'

const nabiya = importSong(readFileSync(sharedPath('songs/nabiya.abc')), 'abc').melody

describe('describeModel', () => {
  it('draws the lab’s stack: a box per layer and the input, an arrow to each, within the schema', () => {
    const described = describeModel(nabiya, 'lstm', { layers: [{ type: 'embedding', outputDim: 8 }, { type: 'gru', units: 16 }] })
    expect(MODEL_DESCRIPTION_SCHEMA.parse(described)).toEqual(described)
    const picture = described.picture ?? ''
    expect([...picture.matchAll(/<g data-layer="([^"]*)"/g)].map((match) => match[1])).toEqual(['input', 'embedding', 'gru', 'dense (output)'])
    expect([...picture.matchAll(/<path data-edge="([^"]*)"/g)].map((match) => match[1])).toEqual(['input-&gt;embedding', 'embedding-&gt;gru', 'gru-&gt;dense (output)'])
  })
})
