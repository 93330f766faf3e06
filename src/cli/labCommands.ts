// The model lab on the command line: layer stacks from JSON, model summaries and pictures, and
// generation from a saved model.
import { readFile, stat, writeFile } from 'node:fs/promises'
import { basename, extname, join, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import {
  buildModel,
  chooseBackend,
  disposeModel,
  exportSong,
  formatConnectedSummary,
  formatDiagram,
  formatSummary,
  isGraphModel,
  isModelKind,
  MODEL_KINDS,
  noteCodeToString,
  OptionError,
  parseModelLayers,
  OUTPUT_ROLES,
  prepareSongTraining,
  readTrainedModelInfo,
  songFormatOf,
  specLayerRows,
  SongError,
  StudioError,
  summarizeModel,
  type LayerRow,
  type LayerSpec,
  type ModelGraph,
  type ModelKind,
  type OutputRole
} from '../engine'
import { MODEL_GRAPH_MAX_CHARS } from '../shared/limits'
import { modelPicture, modelPictureFormatOf } from '../usecases/plotModel'
import { continueSavedModel } from '../usecases/savedModels'
import { definedOnly, numberOption, readMelody, readSong } from './songInput'

/**
 * `--layers` takes JSON text (starting with `[` or `{`) or the path of a JSON file: a stack of the
 * lab's layers, or a Keras functional model (`model.to_json()`), as `layers` or `graph` options.
 */
export async function readLayersOption(text: string | undefined): Promise<{ layers?: LayerSpec[]; graph?: ModelGraph }> {
  if (text === undefined) return {}
  let json: unknown
  try {
    const inline = /^\s*[[{]/.test(text)
    if (!inline && (await stat(text)).size > MODEL_GRAPH_MAX_CHARS) throw new OptionError(`--layers: ${text} is over ${MODEL_GRAPH_MAX_CHARS.toLocaleString('en')} bytes (MODEL_GRAPH_MAX_CHARS)`)
    const source = inline ? text : await readFile(text, 'utf8')
    if (source.length > MODEL_GRAPH_MAX_CHARS) throw new OptionError(`--layers: over ${MODEL_GRAPH_MAX_CHARS.toLocaleString('en')} characters (MODEL_GRAPH_MAX_CHARS)`)
    json = JSON.parse(source)
  } catch (error) {
    if (error instanceof OptionError) throw error
    throw new OptionError(`--layers: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? `${text}: no such file` : `not JSON (${(error as Error).message})`}`)
  }
  const parsed = parseModelLayers(json)
  if (!parsed.ok) throw new OptionError(`--layers: ${parsed.message}`)
  return 'graph' in parsed ? { graph: parsed.graph } : { layers: parsed.layers }
}

/** `--loss-weights next_pitch=1,next_length=0.5`: each output's weight in the loss. */
export function readLossWeightsOption(text: string | undefined): Partial<Record<OutputRole, number>> | undefined {
  if (text === undefined) return undefined
  const weights: Partial<Record<OutputRole, number>> = {}
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=').map((piece) => piece.trim())
    if (!(OUTPUT_ROLES as readonly string[]).includes(name)) throw new OptionError(`--loss-weights: '${name}' is not an output (${OUTPUT_ROLES.join(', ')})`)
    const weight = Number(value)
    if (value === '' || !Number.isFinite(weight) || weight < 0) throw new OptionError(`--loss-weights: ${name} must be a number ≥ 0, got '${value}'`)
    weights[name as OutputRole] = weight
  }
  return weights
}

/** What tables and pictures call a spec's model: the preset, the lab's stack, or the graph's name. */
export function modelTitle(spec: { kind: ModelKind; layers?: unknown; graph?: ModelGraph }): string {
  return spec.graph && spec.kind !== 'pitch-length' ? spec.graph.name : spec.layers ? 'lab model' : spec.kind
}

/** The options `summary` and `plot` share: which model, for which song. */
const MODEL_OPTIONS = {
  model: { type: 'string', default: 'lstm' },
  layers: { type: 'string' },
  units: { type: 'string' },
  window: { type: 'string' },
  vocabulary: { type: 'string' },
  tune: { type: 'string' },
  track: { type: 'string' }
} as const

interface ModelOptionValues {
  readonly model?: string | undefined
  readonly layers?: string | undefined
  readonly units?: string | undefined
  readonly window?: string | undefined
  readonly vocabulary?: string | undefined
  readonly tune?: string | undefined
  readonly track?: string | undefined
}

/** The model `--model`, `--layers`, `--units`, `--window` and `--vocabulary` make for a song. */
async function songModelSetup(path: string | undefined, values: ModelOptionValues): Promise<{ kind: ModelKind; setup: ReturnType<typeof prepareSongTraining> }> {
  const kind = values.model ?? 'lstm'
  if (!isModelKind(kind)) throw new OptionError(`--model must be one of ${MODEL_KINDS.join(', ')}, got '${kind}'`)
  const notes = await readSong(path, values)
  const vocabulary = values.vocabulary === 'seed' || values.vocabulary === 'song' ? values.vocabulary : undefined
  const setup = prepareSongTraining(notes, kind, {
    ...(await readLayersOption(values.layers)),
    units: numberOption('units', values.units),
    window: numberOption('window', values.window),
    vocabulary
  })
  return { kind, setup }
}

export async function summaryCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...MODEL_OPTIONS, json: { type: 'boolean' } } })
  const { setup } = await songModelSetup(positionals[0], values)
  const title = modelTitle(setup.spec)
  // A model with several inputs or joins is printed as Keras prints a functional model ("Connected to").
  const rows = specLayerRows(setup.spec)
  if (isGraphModel(rows) && !values.json) {
    console.log(formatConnectedSummary(rows, title))
    return
  }
  await chooseBackend({ env: process.env })
  const model = buildModel(setup.spec)
  const summary = summarizeModel(model)
  disposeModel(model)
  if (values.json) {
    console.log(JSON.stringify({ spec: setup.spec, ...summary }))
    return
  }
  console.log(formatSummary(summary, title))
  console.log(formatDiagram(summary))
}

/** `plot <song | saved model folder> <out.svg | out.png>`: the model's picture, as plot_model draws it. */
export async function plotCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: MODEL_OPTIONS })
  const [source, out] = positionals
  if (!source || !out) throw new OptionError('plot needs a song or a saved model folder, and the file to write (.svg or .png)')
  const format = modelPictureFormatOf(out)
  if (!format) throw new OptionError(`${out}: unknown picture format; use .svg or .png`)
  const folder = await stat(source).then(
    (entry) => entry.isDirectory(),
    () => false
  )
  let rows: LayerRow[]
  let title: string
  if (folder) {
    // A saved model: its spec is enough to draw it; the weights are not read.
    const info = await readTrainedModelInfo(source)
    rows = specLayerRows(info.spec)
    title = `${basename(source)} (${modelTitle(info.spec)})`
  } else {
    const { setup } = await songModelSetup(source, values)
    rows = specLayerRows(setup.spec)
    title = modelTitle(setup.spec)
  }
  await writeFile(out, await modelPicture(rows, format, `Model: ${title}`))
  console.log(`wrote ${out} (${rows.length} layers)`)
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
  const format = values.out === undefined ? undefined : songFormatOf(values.out)
  if (values.out !== undefined && !format) throw new OptionError(`${values.out}: unknown output format; use .abc, .mid or .codes`)
  const prime = values.prime === undefined ? undefined : await readMelody(values.prime, values)
  const started = performance.now()
  const continued = await continueSavedModel(folder, {
    temperature: numberOption('temperature', values.temperature) ?? 1,
    seed: numberOption('seed', values.seed) ?? 1,
    ...definedOnly({
      topK: numberOption('top-k', values['top-k']),
      notes: numberOption('notes', values.notes),
      bars: numberOption('bars', values.bars),
      variations: numberOption('variations', values.variations)
    }),
    ...(prime ? { prime } : {})
  }).catch((error: unknown) => {
    // The loader's own errors name the file and what is wrong with it already; a prime's name the prime.
    if (error instanceof SongError && values.prime !== undefined) throw new SongError(`${values.prime}: ${error.message}`)
    throw error instanceof StudioError ? error : new OptionError(`${folder}: ${(error as Error).message}`)
  })
  const ms = performance.now() - started
  if (values.out && format) {
    for (const [i, { melody }] of continued.entries()) {
      const path = variationPath(values.out, i, continued.length)
      await writeFile(path, exportSong(melody, format))
      if (!values.json) console.log(`wrote ${path}`)
    }
  }
  const notesOf = (entry: (typeof continued)[number]) => entry.continuation.generated.map(noteCodeToString)
  if (values.json) {
    console.log(JSON.stringify({ ms, continuations: continued.map((entry) => ({ seed: entry.seed, notes: notesOf(entry) })) }))
    return
  }
  for (const entry of continued) console.log(`seed ${entry.seed}: ${notesOf(entry).join(' ')}`)
  console.log(`${continued.length} variation(s) in ${ms.toFixed(1)} ms`)
}
