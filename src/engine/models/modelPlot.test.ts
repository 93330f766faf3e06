// The model picture read back by an independent XML parser (jsdom's, strict XML): its boxes, their
// texts and its arrows, for a stack and for the functional graphs the lab will build.
import { JSDOM } from 'jsdom'
import { describe, expect, it } from 'vitest'
import { JOIN_MAX_INPUTS, MODEL_MAX_GRAPH_LAYERS, MODEL_PICTURE_MAX_CHARS } from '../../shared/limits'
import { LimitError } from '../errors'
import { inferLayerRows, type LayerRow } from './layers'
import { modelPlotSvg } from './modelPlot'
import { formatConnectedSummary, formatSummary, isGraphModel } from './summary'

const { DOMParser } = new JSDOM('').window

interface Picture {
  readonly boxes: { name: string; texts: string[]; title: string; input: boolean; rect: { x: number; y: number; width: number; height: number } }[]
  readonly arrows: { edge: string; d: string; marker: string | null }[]
  readonly root: Element
}

function readPicture(svg: string): Picture {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0)
  const root = doc.documentElement
  expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg')
  const boxes = [...root.querySelectorAll('g[data-layer]')].map((g) => {
    const rect = g.querySelector('rect')!
    return {
      name: g.getAttribute('data-layer')!,
      texts: [...g.querySelectorAll('text')].map((text) => text.textContent ?? ''),
      title: g.querySelector('title')?.textContent ?? '',
      input: g.getAttribute('data-input') === 'true',
      rect: { x: Number(rect.getAttribute('x')), y: Number(rect.getAttribute('y')), width: Number(rect.getAttribute('width')), height: Number(rect.getAttribute('height')) }
    }
  })
  const arrows = [...root.querySelectorAll('path[data-edge]')].map((path) => ({ edge: path.getAttribute('data-edge')!, d: path.getAttribute('d')!, marker: path.getAttribute('marker-end') }))
  return { boxes, arrows, root }
}

const row = (name: string, type: string, inputShapes: (number | null)[][], outputShape: (number | null)[], connectedTo: string[], params = 0): LayerRow => ({
  name,
  type,
  inputShapes,
  outputShape,
  params,
  connectedTo
})

/** Two inputs, a shared Dense read by both, their Add and Concatenate, and two outputs. */
const graph: LayerRow[] = [
  row('shared', 'Dense', [[null, 4]], [null, 8], ['notes', 'lengths'], 40),
  row('add', 'Add', [[null, 8], [null, 8]], [null, 8], ['shared', 'shared']),
  row('concatenate', 'Concatenate', [[null, 8], [null, 4]], [null, 12], ['add', 'lengths']),
  row('pitch', 'Dense', [[null, 12]], [null, 12], ['concatenate'], 156),
  row('length', 'Dense', [[null, 8]], [null, 5], ['add'], 45)
]

describe('modelPlotSvg', () => {
  it('draws a stack as plot_model does: the input box, a box per layer with its shapes, an arrow down to each', () => {
    const rows = inferLayerRows([{ type: 'embedding', outputDim: 8 }, { type: 'gru', units: 16 }], { steps: 4, features: 1, tokens: 12 }, 12)
    const picture = readPicture(modelPlotSvg(rows))
    expect(picture.boxes.map((box) => box.name)).toEqual(['input', 'embedding', 'gru', 'dense (output)'])
    expect(picture.boxes.map((box) => box.texts)).toEqual([
      ['input: InputLayer', 'input: (None, 4)', 'output: (None, 4)'],
      ['embedding: Embedding', 'input: (None, 4)', 'output: (None, 4, 8)'],
      ['gru: GRU', 'input: (None, 4, 8)', 'output: (None, 16)'],
      ['dense (output): Dense', 'input: (None, 16)', 'output: (None, 12)']
    ])
    expect(picture.boxes.map((box) => box.input)).toEqual([true, false, false, false])
    expect(picture.boxes[2]?.title).toBe('gru: GRU · input: (None, 4, 8) · output: (None, 16)')
    expect(picture.arrows.map((arrow) => arrow.edge)).toEqual(['input->embedding', 'embedding->gru', 'gru->dense (output)'])
    // Top to bottom, each box below the one it reads, every box inside the viewBox the size says.
    const tops = picture.boxes.map((box) => box.rect.y)
    expect(tops).toEqual([...tops].sort((a, b) => a - b))
    expect(new Set(tops).size).toBe(4)
    const [width, height] = [Number(picture.root.getAttribute('width')), Number(picture.root.getAttribute('height'))]
    expect(picture.root.getAttribute('viewBox')).toBe(`0 0 ${width} ${height}`)
    for (const { rect } of picture.boxes) {
      expect(rect.x).toBeGreaterThanOrEqual(0)
      expect(rect.x + rect.width).toBeLessThanOrEqual(width)
      expect(rect.y + rect.height).toBeLessThanOrEqual(height)
    }
    // Each arrow runs from the bottom of its box to the top of the next and ends in an arrowhead.
    picture.arrows.forEach((arrow, index) => {
      const numbers = arrow.d.match(/-?[\d.]+/g)!.map(Number)
      const [from, to] = [picture.boxes[index]!.rect, picture.boxes[index + 1]!.rect]
      expect(arrow.d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/)
      expect(numbers[1]).toBeCloseTo(from.y + from.height, 0)
      expect(numbers.at(-1)).toBeCloseTo(to.y, 0)
      expect(arrow.marker).toBe('url(#model-plot-arrow)')
    })
    expect(picture.root.getAttribute('font-family')).toMatch(/sans-serif$/)
    expect(picture.root.querySelector('marker#model-plot-arrow')).not.toBeNull()
  })

  it('draws a functional graph: two input boxes, a shared layer read twice, the joins with every input shape, two outputs', () => {
    const picture = readPicture(modelPlotSvg(graph))
    expect(picture.boxes.map((box) => box.name)).toEqual(['notes', 'lengths', 'shared', 'add', 'concatenate', 'pitch', 'length'])
    expect(picture.boxes.filter((box) => box.input).map((box) => box.texts)).toEqual([
      ['notes: InputLayer', 'input: (None, 4)', 'output: (None, 4)'],
      ['lengths: InputLayer', 'input: (None, 4)', 'output: (None, 4)']
    ])
    expect(picture.boxes.find((box) => box.name === 'concatenate')?.texts).toEqual(['concatenate: Concatenate', 'input: [(None, 8), (None, 4)]', 'output: (None, 12)'])
    expect(picture.arrows.map((arrow) => arrow.edge).sort()).toEqual(
      ['notes->shared', 'lengths->shared', 'shared->add', 'shared->add', 'add->concatenate', 'lengths->concatenate', 'concatenate->pitch', 'add->length'].sort()
    )
    // Add(shared, shared) is drawn as two arrows, each with its own path.
    const twice = picture.arrows.filter((arrow) => arrow.edge === 'shared->add')
    expect(twice).toHaveLength(2)
    for (const arrow of picture.arrows) expect(arrow.d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/)
    // The two outputs sit below the joins they read; the inputs share the top rank.
    const top = (name: string) => picture.boxes.find((box) => box.name === name)!.rect.y
    expect(top('notes')).toBe(top('lengths'))
    expect(top('pitch')).toBeGreaterThan(top('concatenate'))
    expect(top('concatenate')).toBeGreaterThan(top('add'))
  })

  it('escapes every text from a row, so a name cannot break out of the SVG', () => {
    const evil = '<script>alert("x")</script>&\'\u0001'
    const svg = modelPlotSvg([row(evil, 'Dense"><x', [[null, 4]], [null, 2], [`in<${evil}`])])
    expect(svg).not.toContain('<script')
    expect(svg).not.toContain('<x')
    const picture = readPicture(svg)
    expect(picture.root.querySelectorAll('script')).toHaveLength(0)
    expect(picture.boxes.map((box) => box.name)).toEqual([`in<<script>alert("x")</script>&'\ufffd`, '<script>alert("x")</script>&\'\ufffd'])
    expect(picture.boxes[1]?.texts[0]).toBe('<script>alert("x")</script>&\'\ufffd: Dense"><x')
    expect(picture.arrows.map((arrow) => arrow.edge)).toEqual([`in<${evil.replace('\u0001', '\ufffd')}->${evil.replace('\u0001', '\ufffd')}`])
  })

  it('stays under its limit for the largest model the limits allow, names shortened; refuses more boxes than it may hold', () => {
    const longName = (index: number) => `${'&<'.repeat(40)}${index}`
    const width = MODEL_MAX_GRAPH_LAYERS + 4
    const rows = Array.from({ length: width }, (_, index) =>
      row(
        longName(index),
        'Concatenate',
        Array.from({ length: JOIN_MAX_INPUTS }, () => [null, 4096, 4096]),
        [null, 4096, 4096],
        Array.from({ length: JOIN_MAX_INPUTS }, (_, slot) => (index === 0 ? `input_${slot}` : longName(Math.max(0, index - 1 - slot))))
      )
    )
    const svg = modelPlotSvg(rows)
    expect(svg.length).toBeLessThan(MODEL_PICTURE_MAX_CHARS)
    const picture = readPicture(svg)
    expect(picture.boxes).toHaveLength(width + JOIN_MAX_INPUTS)
    expect([...(picture.boxes.at(-1)?.name ?? '')]).toHaveLength(48)
    expect(picture.boxes.at(-1)?.name.endsWith('…')).toBe(true)
    const tooMany = Array.from({ length: 3 * width }, (_, index) => row(`l${index}`, 'Dense', [[null, 1]], [null, 1], [`in${index}`]))
    expect(() => modelPlotSvg(tooMany)).toThrow(LimitError)
  })
})

describe('the summary with "Connected to"', () => {
  it('prints Keras’s functional table for a graph and leaves a stack’s Sequential table as it was', () => {
    expect(isGraphModel(graph)).toBe(true)
    const text = formatConnectedSummary(graph, 'two heads')
    const lines = text.split('\n')
    expect(lines[0]).toBe('Model: "two heads"')
    expect(lines[2]).toBe(' Layer (type)                   Output Shape         Param #     Connected to')
    expect(lines).toContain(' notes (InputLayer)             [(None, 4)]          0           []')
    expect(lines).toContain(" add (Add)                      (None, 8)            0           ['shared[0][0]',")
    expect(lines).toContain("                                                                  'shared[0][0]']")
    expect(lines).toContain(" pitch (Dense)                  (None, 12)           156         ['concatenate[0][0]']")
    expect(text).toContain('Total params: 241')
    const stack = inferLayerRows([{ type: 'embedding', outputDim: 8 }, { type: 'gru', units: 16 }], { steps: 4, features: 1, tokens: 12 }, 12)
    expect(isGraphModel(stack)).toBe(false)
    const sequential = formatSummary({ inputShape: [null, 4], rows: stack, totalParams: 1500, trainableParams: 1500 })
    expect(sequential.split('\n')[2]).toBe(' Layer (type)                    Output Shape              Param #')
    expect(sequential).not.toContain('Connected to')
  })
})
