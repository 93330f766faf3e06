// Sheet music as SVG without a browser: abcjs draws into a jsdom document. The engine stays free
// of any DOM; the command line and tests call this, the renderer draws with abcjs directly.
import abcjs from 'abcjs'
import { JSDOM } from 'jsdom'
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import { melodyToAbc } from '../engine/notation/abcOut'
import type { Melody } from '../engine/notation/melody'
import { WRONG_LENGTH_COLOUR, WRONG_PITCH_COLOUR, wrongLengthAnnotations } from '../shared/scoreMarks'

/** abcjs reads these globals while it lays out text; they are set only for the call. */
const DOM_GLOBALS = ['window', 'document', 'navigator'] as const

/**
 * What a drawing marks: the note heads (in drawing order, as the UI counts them) of wrong notes,
 * drawn red, and of those the ones whose length only is wrong, drawn amber (with the "L" that
 * melodyToSvg writes above them).
 */
export interface ScoreMarks {
  readonly wrong?: readonly number[]
  readonly wrongLength?: readonly number[]
}

/** The red the studio draws wrong notes (wrong pitches) in, on screen and in files. */
export const WRONG_NOTE_COLOUR = WRONG_PITCH_COLOUR

export function abcToSvg(abc: string, marks: ScoreMarks = {}): string {
  const dom = new JSDOM('<!doctype html><html><body><div id="paper"></div></body></html>', { pretendToBeVisual: true })
  const paper = dom.window.document.getElementById('paper') as unknown as HTMLElement
  const scope = globalThis as Record<string, unknown>
  const saved = DOM_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(scope, name)] as const)
  for (const name of DOM_GLOBALS) Object.defineProperty(scope, name, { value: dom.window[name], configurable: true, writable: true })
  try {
    abcjs.renderAbc(paper, abc, { add_classes: true, staffwidth: 740 })
    const svg = paper.querySelector('svg')
    if (!svg) throw new Error('abcjs drew no score')
    svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
    // Attributes, not classes: a file has no stylesheet, and a PDF is drawn from the attributes.
    // A note's group holds its head, stem, flags and any annotation written above it.
    const heads = paper.querySelectorAll('.abcjs-note')
    const lengthOnly = new Set(marks.wrongLength ?? [])
    const colours = [...(marks.wrong ?? []).filter((index) => !lengthOnly.has(index)).map((index) => [index, WRONG_PITCH_COLOUR] as const), ...[...lengthOnly].map((index) => [index, WRONG_LENGTH_COLOUR] as const)]
    for (const [index, colour] of colours) {
      const head = heads[index]
      if (!head) continue
      for (const shape of [head, ...head.querySelectorAll('*')]) {
        shape.setAttribute('fill', colour)
        shape.setAttribute('stroke', colour)
      }
    }
    return svg.outerHTML
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(scope, name, descriptor)
      else Reflect.deleteProperty(scope, name)
    }
    dom.window.close()
  }
}

/** The melody's score; a wrong length's head has its "L" written above it, as the studio's view writes it. */
export function melodyToSvg(melody: Melody, marks: ScoreMarks = {}): string {
  return abcToSvg(melodyToAbc(melody, { annotations: wrongLengthAnnotations(marks.wrongLength ?? []) }), marks)
}

/** The sheet music as a one-page A4 PDF: the SVG drawn by pdfkit, scaled to fit the page. */
export function melodyToPdf(melody: Melody, marks: ScoreMarks = {}): Promise<Uint8Array> {
  const svg = melodyToSvg(melody, marks)
  const doc = new PDFDocument({ size: 'A4', margin: 36, info: { Title: melody.title || 'Melody', Creator: 'Melody Studio' } })
  const chunks: Buffer[] = []
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))))
    doc.on('error', reject)
  })
  SVGtoPDF(doc, svg, 36, 36, { width: doc.page.width - 72, height: doc.page.height - 72, preserveAspectRatio: 'xMidYMin meet' })
  doc.end()
  return done
}
