// A melody saved as a file: named as asked (or for its title), its wrong notes red in a score,
// read back with independent tools where there are some (pdftotext for the PDF).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { JSDOM } from 'jsdom'
import { describe, expect, it } from 'vitest'
import { scorePrediction } from '../engine/generate/predict'
import { abcToMelodies } from '../engine/notation/abcIn'
import { chooseVocabulary, indexNotes } from '../engine/notation/vocabulary'
import { nabiyaNotes } from '../engine/testing/seedSong'
import { WRONG_NOTE_COLOUR } from '../render/sheetMusic'
import { WRONG_LENGTH_COLOUR, WRONG_LENGTH_MARK } from '../shared/scoreMarks'
import { exportSongFile, fileStem } from './exportSong'
import { DEFAULT_HEADER, predictionView } from './predictionViews'

const melody = abcToMelodies('X:1\nT:나비야 (Butterfly)\nM:2/4\nL:1/8\nK:C\nG E E2|F D D2|C D E F|G G G2|\n').tunes[0]?.melody
if (!melody) throw new Error('no melody')

/** The note heads of an SVG score in drawing order, and which of them are drawn red. */
function redHeads(svg: string): boolean[] {
  const heads = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document.querySelectorAll('.abcjs-note')
  return [...heads].map((head) => head.getAttribute('fill') === WRONG_NOTE_COLOUR && [...head.querySelectorAll('path')].every((path) => path.getAttribute('fill') === WRONG_NOTE_COLOUR))
}

/** Each note head's colour in an SVG score (its group and every shape in it, else 'mixed'), and the text written in its group. */
function headMarks(svg: string): { colour: string | null; text: string }[] {
  const heads = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document.querySelectorAll('.abcjs-note')
  return [...heads].map((head) => {
    const colour = head.getAttribute('fill')
    const same = [...head.querySelectorAll('path, text')].every((shape) => shape.getAttribute('fill') === colour)
    return { colour: same ? colour : 'mixed', text: [...head.querySelectorAll('text')].map((text) => text.textContent).join('') }
  })
}

const indicesWhere = <T>(values: readonly T[], test: (value: T) => boolean) => values.flatMap((value, index) => (test(value) ? [index] : []))

/** Every deflated stream of a PDF, inflated. */
function pageStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1')
  const streams: string[] = []
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = (match.index ?? 0) + match[0].length
    const end = text.indexOf('endstream', start)
    try {
      streams.push(inflateSync(pdf.subarray(start, end)).toString('latin1'))
    } catch {
      // not deflated (an image, a font): not where the colours are
    }
  }
  return streams
}

describe('exporting a melody', () => {
  it('draws the wrong notes red in the SVG, the others not', async () => {
    const plain = redHeads(Buffer.from((await exportSongFile(melody, 'svg')).base64, 'base64').toString('utf8'))
    expect(plain.length).toBeGreaterThan(10)
    expect(plain.some(Boolean)).toBe(false)
    const file = await exportSongFile(melody, 'svg', { wrong: [1, 5] })
    const red = redHeads(Buffer.from(file.base64, 'base64').toString('utf8'))
    expect(red).toHaveLength(plain.length)
    expect(red.flatMap((isRed, index) => (isRed ? [index] : []))).toEqual([1, 5])
  })

  it("draws a prediction's wrong pitches red and its wrong lengths amber with an L above, in SVG and PDF", async () => {
    // 나비야 predicted with a wrong pitch at notes 6 and 20, and a right pitch of the wrong length at note 8.
    const vocabulary = chooseVocabulary(nabiyaNotes())
    const truth = indexNotes(nabiyaNotes(), vocabulary)
    const replaced: Record<number, string> = { 6: 'e8', 8: 'e4', 20: 'a8' }
    const predicted = truth.slice(4).map((index, i) => (replaced[4 + i] ? vocabulary.codes.indexOf(replaced[4 + i] ?? '') : index))
    const view = predictionView(scorePrediction(truth, predicted, 4), vocabulary, { ...DEFAULT_HEADER, title: '나비야', meter: { numerator: 2, denominator: 4 } })
    expect(view.wrong).toHaveLength(3)
    expect(view.wrongLength).toHaveLength(1)
    const file = await exportSongFile(view.melody, 'svg', { wrong: view.wrong, wrongLength: view.wrongLength ?? [] })
    const marks = headMarks(Buffer.from(file.base64, 'base64').toString('utf8'))
    expect(marks.length).toBeGreaterThanOrEqual(54)
    expect(indicesWhere(marks, (mark) => mark.colour === WRONG_NOTE_COLOUR)).toEqual(view.wrong.filter((head) => !view.wrongLength?.includes(head)))
    expect(indicesWhere(marks, (mark) => mark.colour === WRONG_LENGTH_COLOUR)).toEqual(view.wrongLength)
    // The L stands above the wrong lengths and nowhere else; the other heads are as drawn.
    expect(indicesWhere(marks, (mark) => mark.text === WRONG_LENGTH_MARK)).toEqual(view.wrongLength)
    expect(marks.filter((mark) => mark.text === '' && mark.colour !== WRONG_NOTE_COLOUR && mark.colour !== WRONG_LENGTH_COLOUR)).toHaveLength(marks.length - 3)
    // The PDF draws both colours (#d97706 is 0.85098 0.466667 0.023529) and the L as text.
    const pdf = Buffer.from((await exportSongFile(view.melody, 'pdf', { wrong: view.wrong, wrongLength: view.wrongLength ?? [] })).base64, 'base64')
    const streams = pageStreams(pdf).join('\n')
    expect(streams).toMatch(/0\.8156\d* 0\.0078\d* 0\.1058\d* scn/)
    expect(streams).toMatch(/0\.8509\d* 0\.4666\d* 0\.0235\d* scn/)
    const folder = mkdtempSync(join(tmpdir(), 'export-marks-'))
    writeFileSync(join(folder, 'marks.pdf'), pdf)
    expect(execFileSync('pdftotext', [join(folder, 'marks.pdf'), '-'], { encoding: 'utf8' }).split(/\s+/)).toContain(WRONG_LENGTH_MARK)
  })

  it('names the file as asked, else for the title, in what a file system takes', async () => {
    const named = await exportSongFile(melody, 'midi', { name: '나비야 (Butterfly) - stateful-lstm-2f - 2026-12-01 - one-step' })
    expect(named.fileName).toBe('나비야 (Butterfly) - stateful-lstm-2f - 2026-12-01 - one-step.mid')
    expect((await exportSongFile(melody, 'abc')).fileName).toBe('나비야 (Butterfly).abc')
    expect(fileStem('../../etc/passwd: a/b\\c?')).toBe('etcpasswd abc')
    expect(fileStem('x'.repeat(300))).toHaveLength(80)
  })

  it('writes a PDF with the title and the red notes drawn', async () => {
    const file = await exportSongFile(melody, 'pdf', { wrong: [0] })
    const folder = mkdtempSync(join(tmpdir(), 'export-pdf-'))
    const path = join(folder, file.fileName)
    writeFileSync(path, Buffer.from(file.base64, 'base64'))
    expect(execFileSync('pdfinfo', [path], { encoding: 'utf8' })).toMatch(/^Title:\s+나비야 \(Butterfly\)$/m)
    // pdfkit sets a fill colour as `r g b scn` in its (deflated) page stream: #d0021b is 0.815686 0.007843 0.105882.
    const red = /0\.8156\d* 0\.0078\d* 0\.1058\d* scn/
    expect(pageStreams(Buffer.from(file.base64, 'base64')).join('\n')).toMatch(red)
    const plain = await exportSongFile(melody, 'pdf')
    expect(pageStreams(Buffer.from(plain.base64, 'base64')).join('\n')).not.toMatch(red)
  })
})
