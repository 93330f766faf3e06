// The model as Keras's `plot_model(show_shapes=True)` draws it, as SVG text: one box per layer
// ("name: Type", its input and output shapes), arrows from the layers each reads, laid out top
// to bottom by dagre. Pure: no tfjs, no DOM; every text from a row is escaped.
import dagre from '@dagrejs/dagre'
import { LimitError } from '../errors'
import { MODEL_PICTURE_MAX_ARROWS, MODEL_PICTURE_MAX_BOXES, MODEL_PICTURE_MAX_CHARS } from '../../shared/limits'
import type { LayerRow } from './layers'
import { graphInputs, shapeText } from './summary'

const FONT_SIZE = 12
const LINE_HEIGHT = 16
const PAD_X = 10
const PAD_Y = 8
/** A name longer than this is shortened in the picture (names come from people's JSON). */
const NAME_MAX_CHARS = 48
/** How much wider the bold first line is drawn. */
const BOLD = 1.14

/** Text safe inside an element or a double-quoted attribute; characters XML cannot hold become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const shortName = (name: string) => ([...name].length > NAME_MAX_CHARS ? `${[...name].slice(0, NAME_MAX_CHARS - 1).join('')}…` : name)

/** About how wide a line is drawn in a sans-serif font (no DOM to measure it): wide for CJK, capitals and digits. */
function textWidth(text: string): number {
  let em = 0
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    em += code >= 0x1100 ? 1.05 : /[A-Z@%mwMW]/.test(char) ? 0.78 : /[0-9a-z_]/.test(char) ? 0.6 : 0.42
  }
  return Math.ceil(em * FONT_SIZE)
}

/** Keras's `plot_model` shape text: `(None, 4)`, several as a list `[(None, 4), (None, 8)]`. */
const shapesText = (shapes: readonly (number | null)[][]) => (shapes.length === 1 ? shapeText(shapes[0] ?? []) : `[${shapes.map(shapeText).join(', ')}]`)

interface Box {
  readonly id: string
  readonly name: string
  readonly lines: readonly [string, string, string]
  readonly input: boolean
}

const round = (n: number) => Math.round(n * 10) / 10

export interface ModelPlotOptions {
  /** The picture's title (its `<title>`, read by screen readers). */
  readonly title?: string
}

/**
 * The picture of a model: a box per row (and one per input a row reads that is not a row, as
 * Keras's InputLayer), an arrow along every `connectedTo`.
 * @throws LimitError over MODEL_PICTURE_MAX_BOXES, MODEL_PICTURE_MAX_ARROWS or MODEL_PICTURE_MAX_CHARS
 */
export function modelPlotSvg(rows: readonly LayerRow[], options: ModelPlotOptions = {}): string {
  const inputs = graphInputs(rows)
  const boxCount = inputs.length + rows.length
  if (boxCount > MODEL_PICTURE_MAX_BOXES) throw new LimitError('MODEL_PICTURE_MAX_BOXES', `a model picture holds at most ${MODEL_PICTURE_MAX_BOXES} boxes, this model has ${boxCount}`)
  const arrowCount = rows.reduce((sum, row) => sum + row.connectedTo.length, 0)
  if (arrowCount > MODEL_PICTURE_MAX_ARROWS) throw new LimitError('MODEL_PICTURE_MAX_ARROWS', `a model picture holds at most ${MODEL_PICTURE_MAX_ARROWS} arrows, this model has ${arrowCount}`)

  const boxes: Box[] = [
    ...inputs.map((input, index) => ({
      id: `i${index}`,
      name: input.name,
      lines: [`${shortName(input.name)}: InputLayer`, `input: ${shapeText(input.shape)}`, `output: ${shapeText(input.shape)}`] as const,
      input: true
    })),
    ...rows.map((row, index) => ({
      id: `l${index}`,
      name: row.name,
      lines: [`${shortName(row.name)}: ${row.type}`, `input: ${shapesText(row.inputShapes)}`, `output: ${shapeText(row.outputShape)}`] as const,
      input: false
    }))
  ]
  // A name read by a row is the first box of that name (names are unique in a model).
  const idOf = new Map<string, string>()
  for (const box of boxes) if (!idOf.has(box.name)) idOf.set(box.name, box.id)

  const graph = new dagre.graphlib.Graph({ multigraph: true })
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 36, edgesep: 12, marginx: 12, marginy: 12 })
  graph.setDefaultEdgeLabel(() => ({}))
  for (const box of boxes) graph.setNode(box.id, { width: Math.max(Math.ceil(textWidth(box.lines[0]) * BOLD), textWidth(box.lines[1]), textWidth(box.lines[2])) + 2 * PAD_X, height: 3 * LINE_HEIGHT + 2 * PAD_Y })
  // One arrow per read, even of the same layer twice (Add(x, x)): a multigraph, each edge named.
  const arrows: { from: string; to: string; v: string; w: string; name: string }[] = []
  rows.forEach((row, index) => {
    for (const from of row.connectedTo) {
      const v = idOf.get(from)
      if (v === undefined) continue
      const arrow = { from, to: row.name, v, w: `l${index}`, name: `e${arrows.length}` }
      graph.setEdge(arrow.v, arrow.w, {}, arrow.name)
      arrows.push(arrow)
    }
  })
  dagre.layout(graph)
  const { width = 0, height = 0 } = graph.graph() as { width?: number; height?: number }
  const [w, h] = [Math.ceil(width), Math.ceil(height)]

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="model-plot" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" font-family="'DejaVu Sans', Arial, Helvetica, sans-serif" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(options.title ?? `Model picture: ${rows.length} layers`)}</title>`,
    '<defs><marker id="model-plot-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#333333"/></marker></defs>',
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`
  ]
  for (const box of boxes) {
    const node = graph.node(box.id) as { x: number; y: number; width: number; height: number }
    const [left, top] = [round(node.x - node.width / 2), round(node.y - node.height / 2)]
    const [title, input, output] = box.lines.map(escapeXml) as [string, string, string]
    parts.push(
      `<g data-layer="${escapeXml(shortName(box.name))}"${box.input ? ' data-input="true"' : ''}>`,
      `<title>${title} · ${input} · ${output}</title>`,
      `<rect x="${left}" y="${top}" width="${round(node.width)}" height="${round(node.height)}" rx="3" fill="${box.input ? '#eef3fb' : '#ffffff'}" stroke="#333333"/>`,
      `<text x="${round(node.x)}" y="${round(top + PAD_Y + LINE_HEIGHT - 4)}" text-anchor="middle" fill="#111111" font-weight="bold">${title}</text>`,
      `<text x="${round(node.x)}" y="${round(top + PAD_Y + 2 * LINE_HEIGHT - 4)}" text-anchor="middle" fill="#111111">${input}</text>`,
      `<text x="${round(node.x)}" y="${round(top + PAD_Y + 3 * LINE_HEIGHT - 4)}" text-anchor="middle" fill="#111111">${output}</text>`,
      '</g>'
    )
  }
  for (const arrow of arrows) {
    const points = (graph.edge({ v: arrow.v, w: arrow.w, name: arrow.name }) as { points?: { x: number; y: number }[] } | undefined)?.points ?? []
    const d = points.map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)},${round(point.y)}`).join('')
    parts.push(`<path data-edge="${escapeXml(`${shortName(arrow.from)}->${shortName(arrow.to)}`)}" d="${d}" fill="none" stroke="#333333" stroke-width="1.2" marker-end="url(#model-plot-arrow)"/>`)
  }
  parts.push('</svg>')
  const svg = parts.join('\n')
  if (svg.length > MODEL_PICTURE_MAX_CHARS) throw new LimitError('MODEL_PICTURE_MAX_CHARS', `the model picture would be ${svg.length} characters, more than ${MODEL_PICTURE_MAX_CHARS}`)
  return svg
}
