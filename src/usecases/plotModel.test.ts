// A PNG asked for where resvg's native module cannot load (here: its import fails, as vitest reports a failing mock) is one clear error that says SVG works.
import { describe, expect, it, vi } from 'vitest'
import { inferLayerRows } from '../engine/models/layers'
import { modelPicture, modelPictureFormatOf } from './plotModel'

vi.mock('@resvg/resvg-js', () => {
  throw new Error('Cannot find native binding.\nnpm has a bug related to optional dependencies')
})

const rows = inferLayerRows([{ type: 'gru', units: 4 }], { steps: 4, features: 1 }, 3)

describe('modelPicture', () => {
  it('writes SVG without resvg, and says PNG is not available (and SVG is) when resvg cannot load', async () => {
    expect(new TextDecoder().decode(await modelPicture(rows, 'svg'))).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    await expect(modelPicture(rows, 'png')).rejects.toThrow(/^PNG pictures are not available here \(the resvg renderer could not be loaded: .+\); write an \.svg instead$/)
    expect(['a.svg', 'B.PNG', 'c.gif', 'svg', 'dir.png/x'].map(modelPictureFormatOf)).toEqual(['svg', 'png', undefined, undefined, undefined])
  })
})
