// The model lab on the command line: layer stacks from JSON, model summaries, and generation
// from a saved model.
import { readFile, writeFile } from 'node:fs/promises'
import { basename, extname, join, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import {
  buildModel,
  chooseBackend,
  continueMelody,
  disposeModel,
  exportSong,
  formatDiagram,
  formatSummary,
  isModelKind,
  loadTrainedModel,
  makeInputEncoding,
  MODEL_KINDS,
  noteCodesToMelody,
  noteCodeToString,
  notePredictor,
  OptionError,
  parseLayerStack,
  primeIndices,
  prepareSongTraining,
  readNoteCode,
  songFormatOf,
  SongError,
  StudioError,
  summarizeModel,
  withPickup,
  type LayerSpec,
  type Melody,
  type NoteCode
} from '../engine'
import { numberOption, readMelody, readSong } from './songInput'

/** `--layers` takes JSON text (starting with `[`) or the path of a JSON file. */
export async function readLayersOption(text: string | undefined): Promise<LayerSpec[] | undefined> {
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text.trimStart().startsWith('[') ? text : await readFile(text, 'utf8'))
  } catch (error) {
    throw new OptionError(`--layers: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? `${text}: no such file` : `not JSON (${(error as Error).message})`}`)
  }
  const parsed = parseLayerStack(json)
  if (!parsed.ok) throw new OptionError(`--layers: ${parsed.message}`)
  return parsed.layers
}

export async function summaryCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'lstm' },
      layers: { type: 'string' },
      units: { type: 'string' },
      window: { type: 'string' },
      vocabulary: { type: 'string' },
      tune: { type: 'string' },
      track: { type: 'string' },
      json: { type: 'boolean' }
    }
  })
  const kind = values.model ?? 'lstm'
  if (!isModelKind(kind)) throw new OptionError(`--model must be one of ${MODEL_KINDS.join(', ')}, got '${kind}'`)
  const notes = await readSong(positionals[0], values)
  const vocabulary = values.vocabulary === 'seed' || values.vocabulary === 'song' ? values.vocabulary : undefined
  const setup = prepareSongTraining(notes, kind, {
    layers: await readLayersOption(values.layers),
    units: numberOption('units', values.units),
    window: numberOption('window', values.window),
    vocabulary
  })
  await chooseBackend({ env: process.env })
  const model = buildModel(setup.spec)
  const summary = summarizeModel(model)
  disposeModel(model)
  if (values.json) {
    console.log(JSON.stringify({ spec: setup.spec, ...summary }))
    return
  }
  console.log(formatSummary(summary, setup.spec.layers ? 'lab model' : kind))
  console.log(formatDiagram(summary))
}

/** Where variation i of several goes: song.mid → song-1.mid, song-2.mid, … */
function variationPath(out: string, index: number, count: number): string {
  if (count === 1) return out
  const extension = extname(out)
  return join(dirname(out), `${basename(out, extension)}-${index + 1}${extension}`)
}

export async function generateCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      prime: { type: 'string' },
      notes: { type: 'string' },
      bars: { type: 'string' },
      temperature: { type: 'string', default: '1' },
      'top-k': { type: 'string' },
      seed: { type: 'string', default: '1' },
      variations: { type: 'string', default: '1' },
      out: { type: 'string' },
      tune: { type: 'string' },
      track: { type: 'string' },
      json: { type: 'boolean' }
    }
  })
  const folder = positionals[0]
  if (!folder) throw new OptionError('generate needs the folder of a saved model (train … --save <folder>)')
  await chooseBackend({ env: process.env })
  const { model, info } = await loadTrainedModel(folder).catch((error: Error) => {
    // The loader's own errors name the file and what is wrong with it already.
    throw error instanceof StudioError ? error : new OptionError(`${folder}: ${error.message}`)
  })
  try {
    const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
    let prime = info.song.slice(0, info.spec.window)
    let header: Omit<Melody, 'notes'> | undefined = info.header
    if (values.prime) {
      const melody = await readMelody(values.prime, values)
      header = melody
      try {
        prime = primeIndices(melody, info.vocabulary)
      } catch (error) {
        throw error instanceof SongError ? new SongError(`${values.prime}: ${error.message}`) : error
      }
    }
    const meter = header?.meter ?? { numerator: 4, denominator: 4 }
    const predictor = notePredictor(model, info.spec)
    const started = performance.now()
    const continuations = await continueMelody(predictor, info.spec.window, encoding, info.vocabulary, prime, {
      temperature: numberOption('temperature', values.temperature) ?? 1,
      topK: numberOption('top-k', values['top-k']),
      notes: numberOption('notes', values.notes),
      bars: numberOption('bars', values.bars),
      seed: numberOption('seed', values.seed) ?? 1,
      variations: numberOption('variations', values.variations),
      meter,
      pickupTicks: header?.pickupTicks ?? 0
    })
    const ms = performance.now() - started
    predictor.dispose()
    const primeCodes = prime.map((index) => readNoteCode(info.vocabulary.codes[index] ?? '') as NoteCode)
    if (values.out) {
      const format = songFormatOf(values.out)
      if (!format) throw new OptionError(`${values.out}: unknown output format; use .abc, .mid or .codes`)
      for (const [i, continuation] of continuations.entries()) {
        const melody = withPickup(
          {
            ...noteCodesToMelody([...primeCodes, ...continuation.generated], { title: `${header?.title || 'Melody'} (seed ${continuation.seed})`, tempo: header?.tempo, meter }),
            key: header?.key ?? noteCodesToMelody([]).key
          },
          header?.pickupTicks ?? 0
        )
        const path = variationPath(values.out, i, continuations.length)
        await writeFile(path, exportSong(melody, format))
        if (!values.json) console.log(`wrote ${path}`)
      }
    }
    if (values.json) {
      console.log(JSON.stringify({ ms, continuations: continuations.map((c) => ({ seed: c.seed, notes: c.generated.map(noteCodeToString) })) }))
      return
    }
    for (const continuation of continuations) {
      console.log(`seed ${continuation.seed}: ${continuation.generated.map(noteCodeToString).join(' ')}`)
    }
    console.log(`${continuations.length} variation(s) in ${ms.toFixed(1)} ms`)
  } finally {
    disposeModel(model)
  }
}
