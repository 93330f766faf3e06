/**
 * What each target does with one input, run inside the worker process. An executor returns
 * normally, throws a typed error (a refusal: fine), throws anything else (a failure), or throws
 * a LimitViolation where the pipeline accepted something past a limit of src/shared/limits.ts
 * (limits.ts promises "one clear error that names the limit" instead).
 */
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioError } from '../engine/errors'
import { compareRuns, loadRunRecord } from '../usecases/runRecords'
import { buildModel, disposeModel } from '../engine/models/build'
import { countSpecParams, isModelKind, resolveModelSpec, type ModelOptions } from '../engine/models/spec'
import { abcToMelodies } from '../engine/notation/abcIn'
import { melodyToAbc } from '../engine/notation/abcOut'
import type { Melody } from '../engine/notation/melody'
import { melodyToMidi, midiToMelody } from '../engine/notation/midi'
import { melodyToPlacedCodes, noteCodesToMelody, parseNoteCodes } from '../engine/notation/noteCodes'
import { StudioLibrary } from '../host/studioLibrary'
import { exportSongFile } from '../usecases/exportSong'
import { InvalidMessageError } from '../shared/studioErrors'
import { describeModel } from '../usecases/describeModel'
import { importSongFile, readSongReport } from '../usecases/songFiles'
import { MELODY_SCHEMA } from '../shared/studioSchemas'
import { predictStudioRunAgain } from '../usecases/studioRuns'
import { kerasJsonToGraph, parseModelLayers } from '../shared/modelGraph'
import { SEED_VOCABULARY } from '../engine/notation/vocabulary'
import {
  ABC_FIELD_MAX_CHARS,
  IMPORT_MAX_BYTES,
  LAYER_MAX_UNITS,
  METER_MAX_DENOMINATOR,
  METER_MAX_NUMERATOR,
  MIDI_MAX_BYTES,
  MODEL_MAX_GRAPH_LAYERS,
  MODEL_MAX_LAYERS,
  MODEL_MAX_PARAMS,
  NOTE_MAX_QUARTERS,
  SONG_MAX_NOTES,
  SONG_MAX_QUARTERS,
  SONG_TEXT_MAX_CHARS,
  TEMPO_MAX_BPM,
  TEMPO_MIN_BPM
} from '../shared/limits'
import { STUDIO_METHODS } from '../shared/studioContract'
import type { LayersInput, ModelsInput, Outcome, TargetInputs, TargetName, WebInput } from './targets'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const TICKS_PER_QUARTER = 480

/** A limit passed without the error limits.ts promises. */
export class LimitViolation extends Error {
  override readonly name = 'LimitViolation'
}

/** Names of the errors that are refusals on purpose, as they cross the API as `{ name }`. */
export const TYPED_ERROR_NAMES = new Set([
  'StudioError',
  'SongSyntaxError',
  'SongError',
  'OptionError',
  'TrainingCancelledError',
  'LimitError',
  'MidiImportError',
  'ModelFileError',
  'ProjectFileError',
  'InvalidMessageError'
])

export function isTypedError(error: unknown): error is Error {
  return error instanceof StudioError || error instanceof InvalidMessageError
}

/** Runs the steps of a pipeline: a typed refusal ends only its own step; violations are gathered. */
class Pipeline {
  readonly violations: string[] = []
  refusal: Error | undefined

  async step(run: () => unknown): Promise<void> {
    try {
      await run()
    } catch (error) {
      if (!isTypedError(error)) throw error
      this.refusal ??= error
    }
  }

  check(ok: boolean, message: string): void {
    if (!ok) this.violations.push(message)
  }

  outcome(): Outcome {
    if (this.violations.length > 0) {
      const more = this.violations.length > 1 ? ` (and ${this.violations.length - 1} more)` : ''
      throw new LimitViolation(`${this.violations[0]}${more}`)
    }
    return this.refusal ? { kind: 'typed', name: this.refusal.name, message: this.refusal.message } : { kind: 'ok' }
  }
}

/** What limits.ts promises of any melody an import hands on. */
export function melodyViolations(melody: Melody, where: string): string[] {
  const found: string[] = []
  const say = (message: string) => found.push(`${where}: ${message}`)
  if (melody.notes.length > SONG_MAX_NOTES) say(`${melody.notes.length} notes and rests, over SONG_MAX_NOTES ${SONG_MAX_NOTES}`)
  const last = melody.notes.at(-1)
  const end = last ? last.startTicks + last.durationTicks : 0
  if (!(end <= SONG_MAX_QUARTERS * TICKS_PER_QUARTER)) say(`the song lasts ${end / TICKS_PER_QUARTER} quarters, over SONG_MAX_QUARTERS ${SONG_MAX_QUARTERS}`)
  let cursor = 0
  for (const [i, note] of melody.notes.entries()) {
    // A long silence is one rest, bounded by the song's length (writers split it at bar lines).
    if (note.pitch !== null && !(note.durationTicks <= NOTE_MAX_QUARTERS * TICKS_PER_QUARTER)) {
      say(`${note.pitch === null ? 'rest' : 'note'} ${i + 1} lasts ${note.durationTicks / TICKS_PER_QUARTER} quarters, over NOTE_MAX_QUARTERS ${NOTE_MAX_QUARTERS}`)
      break
    }
    if (!Number.isInteger(note.durationTicks) || note.durationTicks < 1 || !Number.isInteger(note.startTicks) || note.startTicks < cursor) {
      say(`note ${i + 1} has start ${note.startTicks} and length ${note.durationTicks} ticks (not whole, empty or out of order)`)
      break
    }
    if (note.pitch !== null && !(Number.isInteger(note.pitch) && note.pitch >= 0 && note.pitch <= 127)) {
      say(`note ${i + 1} has pitch ${note.pitch}, outside MIDI's 0…127`)
      break
    }
    cursor = note.startTicks + note.durationTicks
  }
  if (!(melody.tempo >= TEMPO_MIN_BPM && melody.tempo <= TEMPO_MAX_BPM)) say(`tempo ${melody.tempo}, outside TEMPO_MIN_BPM…TEMPO_MAX_BPM ${TEMPO_MIN_BPM}…${TEMPO_MAX_BPM}`)
  const { numerator, denominator } = melody.meter
  if (!(Number.isInteger(numerator) && numerator >= 1 && numerator <= METER_MAX_NUMERATOR)) say(`meter numerator ${numerator}, outside 1…METER_MAX_NUMERATOR ${METER_MAX_NUMERATOR}`)
  if (!(Number.isInteger(denominator) && denominator >= 1 && denominator <= METER_MAX_DENOMINATOR)) say(`meter denominator ${denominator}, outside 1…METER_MAX_DENOMINATOR ${METER_MAX_DENOMINATOR}`)
  if (melody.title.length > ABC_FIELD_MAX_CHARS) say(`a title of ${melody.title.length} characters, over ABC_FIELD_MAX_CHARS ${ABC_FIELD_MAX_CHARS}`)
  return found
}

/** The exports a song goes through in the studio: ABC (the editor), MIDI, note codes (training). */
async function exportMelody(pipeline: Pipeline, melody: Melody, where: string): Promise<void> {
  for (const message of melodyViolations(melody, where)) pipeline.violations.push(message)
  await pipeline.step(() => {
    const abc = melodyToAbc(melody)
    pipeline.check(abc.length <= SONG_TEXT_MAX_CHARS, `${where}: melodyToAbc wrote ${abc.length} characters, over SONG_TEXT_MAX_CHARS ${SONG_TEXT_MAX_CHARS} (the editor cannot send it back)`)
  })
  await pipeline.step(() => {
    const midi = melodyToMidi(melody)
    pipeline.check(midi.length <= MIDI_MAX_BYTES, `${where}: melodyToMidi wrote ${midi.length} bytes, over MIDI_MAX_BYTES ${MIDI_MAX_BYTES}`)
  })
  await pipeline.step(() => {
    const codes = melodyToPlacedCodes(melody)
    pipeline.check(codes.length <= SONG_MAX_NOTES, `${where}: melodyToPlacedCodes gave ${codes.length} codes, over SONG_MAX_NOTES ${SONG_MAX_NOTES}`)
  })
}

/** `importFile` as the UI calls it: the file, then each tune or track offered (a few). */
async function importAsUi(pipeline: Pipeline, fileName: string, bytes: Uint8Array): Promise<void> {
  const checkAbc = (abc: string | null, where: string) =>
    pipeline.check(abc === null || abc.length <= SONG_TEXT_MAX_CHARS, `${where}: importFile gave ${abc?.length} characters of ABC, over SONG_TEXT_MAX_CHARS ${SONG_TEXT_MAX_CHARS}`)
  await pipeline.step(async () => {
    const imported = importSongFile(fileName, bytes)
    checkAbc(imported.abc, `importFile(${fileName})`)
    if (imported.abc !== null) return
    for (const choice of imported.choices.slice(0, 3)) {
      await pipeline.step(() => checkAbc(importSongFile(fileName, bytes, choice.id).abc, `importFile(${fileName}, ${choice.id})`))
    }
  })
}

async function runAbc(text: string): Promise<Outcome> {
  const pipeline = new Pipeline()
  const imported = abcToMelodies(text)
  for (const tune of imported.tunes.slice(0, 8)) {
    if (tune.melody) await exportMelody(pipeline, tune.melody, `tune ${tune.index + 1}`)
  }
  // The UI's path: the editor's text read once (checkSong), its melody sent back to export.
  const melody = text.length <= SONG_TEXT_MAX_CHARS ? readSongReport(text).melody : null
  if (melody) {
    const fits = MELODY_SCHEMA.safeParse(melody)
    pipeline.check(fits.success, `checkSong gave a melody the contract refuses: ${fits.error?.issues[0]?.path.join('.')} ${fits.error?.issues[0]?.message}`)
    for (const format of ['abc', 'midi', 'codes'] as const) {
      await pipeline.step(async () => {
        const exported = await exportSongFile(melody, format)
        const bytes = (exported.base64.length / 4) * 3
        pipeline.check(bytes <= IMPORT_MAX_BYTES, `exportSongFile(${format}) wrote ${bytes} bytes, over IMPORT_MAX_BYTES ${IMPORT_MAX_BYTES} (it cannot be opened again)`)
      })
    }
  }
  await importAsUi(pipeline, 'fuzz.abc', new TextEncoder().encode(text))
  const outcome = pipeline.outcome()
  if (outcome.kind === 'ok' && imported.tunes.every((tune) => !tune.melody)) {
    const problem = [...imported.problems, ...imported.tunes.flatMap((tune) => tune.problems)].find((p) => p.severity === 'error')
    if (problem) return { kind: 'typed', name: 'problems', message: problem.message }
  }
  return outcome
}

async function runMidi(bytes: Uint8Array): Promise<Outcome> {
  const pipeline = new Pipeline()
  await pipeline.step(() => exportMelody(pipeline, midiToMelody(bytes).melody, 'midiToMelody'))
  await importAsUi(pipeline, 'fuzz.mid', bytes)
  return pipeline.outcome()
}

async function runCodes(text: string): Promise<Outcome> {
  const pipeline = new Pipeline()
  await pipeline.step(() => exportMelody(pipeline, noteCodesToMelody(parseNoteCodes(text)), 'noteCodesToMelody'))
  await importAsUi(pipeline, 'fuzz.codes', new TextEncoder().encode(text))
  return pipeline.outcome()
}

let nabiyaAbc: string | undefined

/**
 * Parameters the spec counts must be what tfjs builds; small models only (a big one is the bug).
 * tfjs's orthogonal initialiser (a QR decomposition) takes about 6 s on the cpu backend for a
 * bidirectional LSTM(72) of 47,554 parameters, past the per-input timeout on a busy machine.
 */
const BUILD_MAX_PARAMS = 20_000

function checkSpecSize(pipeline: Pipeline, params: number, layers: number, where: string, maxLayers = MODEL_MAX_LAYERS): void {
  pipeline.check(params <= MODEL_MAX_PARAMS, `${where}: a model of ${params} parameters was accepted, over MODEL_MAX_PARAMS ${MODEL_MAX_PARAMS}`)
  pipeline.check(layers <= maxLayers, `${where}: ${layers} layers were accepted, over ${maxLayers === MODEL_MAX_LAYERS ? 'MODEL_MAX_LAYERS' : 'MODEL_MAX_GRAPH_LAYERS'} ${maxLayers}`)
}

/** The UI sends a Keras functional model as the graph it read: `layers` that is an object becomes `graph` when it reads. */
function withGraphRead(options: unknown): unknown {
  if (typeof options !== 'object' || options === null || !('layers' in options)) return options
  const { layers, ...rest } = options as Record<string, unknown>
  if (Array.isArray(layers) || typeof layers !== 'object' || layers === null) return options
  const read = kerasJsonToGraph(layers)
  return read.ok ? { ...rest, graph: read.graph } : options
}

async function runLayers(input: LayersInput): Promise<Outcome> {
  const pipeline = new Pipeline()
  nabiyaAbc ??= await readFile(join(ROOT, 'resources/songs/nabiya.abc'), 'utf8')
  // The studio's path: the API's schema, then describeModel (the model screen).
  const parsed = STUDIO_METHODS.describeModel.args.safeParse([readSongReport(nabiyaAbc).melody, input.model, withGraphRead(input.options)])
  if (!parsed.success) pipeline.refusal ??= new InvalidMessageError(parsed.error.issues[0]?.message ?? 'arguments')
  else {
    const [melody, model, options] = parsed.data
    await pipeline.step(() => {
      const description = describeModel(melody, model, options)
      if (options.graph) checkSpecSize(pipeline, description.params, options.graph.layers.length, 'describeModel', MODEL_MAX_GRAPH_LAYERS)
      else checkSpecSize(pipeline, description.params, options.layers?.length ?? 0, 'describeModel')
      const units = Math.max(0, ...(options.layers ?? []).map((layer) => ('units' in layer ? layer.units : 'filters' in layer ? layer.filters : 0)))
      pipeline.check(units <= LAYER_MAX_UNITS, `describeModel: a layer of ${units} units was accepted, over LAYER_MAX_UNITS ${LAYER_MAX_UNITS}`)
    })
  }
  // The command line's path: `--layers` JSON (a stack or a Keras functional model) through parseModelLayers, then resolveModelSpec.
  const options = (typeof input.options === 'object' && input.options !== null ? input.options : {}) as Record<string, unknown>
  const read = parseModelLayers(options['layers'])
  if (!read.ok) pipeline.refusal ??= new InvalidMessageError(read.message)
  else if (!isModelKind(input.model)) pipeline.refusal ??= new InvalidMessageError(`no model ${input.model}`)
  else {
    const numbers: ModelOptions = {}
    for (const key of ['units', 'window', 'batchSize', 'learningRate', 'seed'] as const) {
      if (typeof options[key] === 'number') numbers[key] = options[key]
    }
    const kind = input.model
    await pipeline.step(() => {
      // a functional model's pitches and lengths come from a vocabulary: the seed's (14 codes)
      const spec =
        'graph' in read
          ? resolveModelSpec(kind, { ...numbers, graph: read.graph }, Math.min(input.classes, SEED_VOCABULARY.codes.length), SEED_VOCABULARY)
          : resolveModelSpec(kind, { ...numbers, layers: read.layers }, input.classes)
      const params = countSpecParams(spec)
      if ('graph' in read) checkSpecSize(pipeline, params, read.graph.layers.length, 'resolveModelSpec', MODEL_MAX_GRAPH_LAYERS)
      else checkSpecSize(pipeline, params, read.layers.length, 'resolveModelSpec')
      if (params <= BUILD_MAX_PARAMS && spec.window <= 64 && spec.batchSize <= 64 && spec.classes <= 1000) {
        const model = buildModel(spec)
        try {
          pipeline.check(model.countParams() === params, `countSpecParams says ${params} parameters, tfjs built ${model.countParams()}`)
        } finally {
          disposeModel(model)
        }
      }
    })
  }
  return pipeline.outcome()
}

let modelsSandbox: { seed: string; folder: string; library: string } | undefined

async function writeJson(file: string, text: string, fill: ModelsInput['fill'] | undefined): Promise<void> {
  let value: unknown
  if (fill) {
    try {
      value = JSON.parse(text)
    } catch {
      value = undefined
    }
  }
  if (!fill || typeof value !== 'object' || value === null) return writeFile(file, text)
  const marker = 'FUZZ_FILL_MARKER_7f3a'
  let at = value as Record<string | number, unknown>
  fill.path.forEach((key, i) => {
    if (i === fill.path.length - 1) at[key] = marker
    else {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = {}
      at = at[key] as Record<string | number, unknown>
    }
  })
  const [before = '', after = ''] = JSON.stringify(value).split(`"${marker}"`)
  const out = createWriteStream(file)
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  await write(before + '[')
  for (let left = fill.length; left > 0; ) {
    const n = Math.min(left, 65_536)
    left -= n
    await write(new Array<number>(n).fill(fill.value).join(',') + (left > 0 ? ',' : ''))
  }
  await write(']' + after)
  out.end()
  await once(out, 'close')
}

async function runModels(input: ModelsInput): Promise<Outcome> {
  const seed = process.env['MELODY_FUZZ_MODEL_SEED']
  if (!seed) throw new Error('the models target needs MELODY_FUZZ_MODEL_SEED (a saved model folder)')
  if (!modelsSandbox) {
    const base = await mkdtemp(join(tmpdir(), 'melody-fuzz-models-'))
    modelsSandbox = { seed, folder: join(base, 'models'), library: join(base, 'data') }
  }
  const runId = 'run-fuzz'
  const folder = join(modelsSandbox.folder, runId)
  await rm(folder, { recursive: true, force: true })
  await mkdir(folder, { recursive: true })
  await copyFile(join(seed, 'weights.bin'), join(folder, 'weights.bin'))
  await writeJson(join(folder, 'model.json'), input.model, input.fill?.file === 'model' ? input.fill : undefined)
  await writeJson(join(folder, 'run.json'), input.run, input.fill?.file === 'run' ? input.fill : undefined)
  const sandbox = modelsSandbox
  const runs = join(sandbox.library, 'runs')
  await mkdir(runs, { recursive: true })
  await copyFile(join(folder, 'run.json'), join(runs, `${runId}.json`))
  const pipeline = new Pipeline()
  // `studio compare` and the library's list of runs.
  await pipeline.step(async () => compareRuns([await loadRunRecord(folder)]))
  await pipeline.step(async () => {
    const library = await new StudioLibrary(sandbox.library).load()
    pipeline.check(library.runs.every((run) => Array.isArray(run.history)), 'the library listed a run whose history is not a list')
  })
  // The studio's "predict again" with the saved model (the training process does this).
  await pipeline.step(() => predictStudioRunAgain(runId, sandbox.folder))
  return pipeline.outcome()
}

// ── Web mode ────────────────────────────────────────────────────────────────────────────────

interface Server {
  port: number
  token: string
  close(): Promise<void>
}
let server: Server | undefined

async function webServer(): Promise<Server> {
  if (server) return server
  const { startWebStudio } = await import('../server/webServer')
  const base = await mkdtemp(join(tmpdir(), 'melody-fuzz-web-'))
  await mkdir(join(base, 'renderer'), { recursive: true })
  await writeFile(join(base, 'renderer', 'index.html'), '<!doctype html><title>fuzz</title>')
  const studio = await startWebStudio({
    rendererDir: join(base, 'renderer'),
    dataDir: join(base, 'data'),
    appInfo: { name: 'melody-studio', version: 'fuzz', electron: null }
  })
  const port = Number(new URL(studio.url).port)
  server = { port, token: studio.token, close: () => studio.close().then(() => rm(base, { recursive: true, force: true })) }
  return server
}

/**
 * Starts the web target's server and its training process, and draws one PDF, before the first
 * input: a cold start (tfjs, then jsdom and pdfkit on the first export) takes seconds on a busy
 * machine and is not what an input is timed for.
 */
export async function warmUpWebServer(): Promise<void> {
  const { port, token } = await webServer()
  const warm = { title: 'warm', tempo: 120, meter: { numerator: 4, denominator: 4 }, key: { tonic: 'C', mode: 'major', fifths: 0 }, notes: [{ pitch: 60, startTicks: 0, durationTicks: 480 }] }
  const body = Buffer.from(JSON.stringify({ args: [warm, 'pdf'] }))
  const head = `POST /api/exportSong HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\nx-studio-token: ${token}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`
  await rawRequest(port, head, body, 60_000)
}

export async function closeWebServer(): Promise<void> {
  await server?.close()
  server = undefined
}

interface RawReply {
  status: number | null
  body: string
  closedEarly: boolean
}

/** One request written by hand on a socket, so any method, target or header reaches the server. */
function rawRequest(port: number, head: string, body: Buffer, timeoutMs: number): Promise<RawReply> {
  return new Promise((resolveReply) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let done = false
    const finish = (closedEarly: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('utf8')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]
      const split = text.indexOf('\r\n\r\n')
      let replyBody = split >= 0 ? text.slice(split + 4) : ''
      if (/transfer-encoding:\s*chunked/i.test(text.slice(0, split))) replyBody = replyBody.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '')
      resolveReply({ status: status ? Number(status) : null, body: replyBody, closedEarly })
    }
    // Out of time is not a closed connection: the caller tells the two apart.
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      // An event stream stays open: its head is the answer.
      if (/text\/event-stream/.test(Buffer.concat(chunks).toString('latin1'))) finish(false)
    })
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(chunks.length === 0))
    socket.on('connect', () => {
      socket.write(head)
      if (body.length > 0) socket.write(body)
    })
  })
}

/** A request's answer must come within the worker's time for one input, less a little to report it. */
const REQUEST_TIMEOUT_MS = Math.max(2_000, Number(process.env['MELODY_FUZZ_TIMEOUT_MS'] ?? 10_000) - 2_000)

async function runWeb(input: WebInput): Promise<Outcome> {
  const { port, token } = await webServer()
  const path = input.path.replaceAll('{token}', token)
  const rawBody =
    input.body === null ? '' : 'raw' in input.body ? input.body.raw.repeat(Math.max(1, Math.min(input.repeat ?? 1, 50_000_000))) : JSON.stringify(input.body)
  const body = Buffer.from(rawBody, 'utf8')
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, connection: 'close', ...input.headers }
  if (input.token === 'right') headers['x-studio-token'] = token
  if (input.token === 'wrong') headers['x-studio-token'] = token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
  if (body.length > 0 && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length)
  const head = `${input.verb} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`
  const reply = await rawRequest(port, head, body, REQUEST_TIMEOUT_MS)
  let outcome: Outcome = { kind: 'ok' }
  if (reply.status === null) {
    outcome = reply.closedEarly
      ? { kind: 'failure', name: 'NoAnswer', message: `the server closed the connection without answering ${input.verb} ${input.path.slice(0, 60)} (${body.length} body bytes)` }
      : { kind: 'failure', name: 'NoAnswer', message: `the server gave no answer to ${input.verb} ${input.path.slice(0, 60)} within ${REQUEST_TIMEOUT_MS / 1000} s` }
  } else if (reply.status >= 500) {
    outcome = { kind: 'failure', name: `HTTP ${reply.status}`, message: `${input.verb} ${input.path.slice(0, 60)} answered ${reply.status}: ${reply.body.slice(0, 200)}` }
  } else if (reply.status !== 200) {
    outcome = { kind: 'typed', name: `HTTP ${reply.status}`, message: reply.body.slice(0, 200) }
  } else if (input.path.startsWith('/api/')) {
    let parsed: { ok?: boolean; error?: { name?: string; message?: string } } | undefined
    try {
      parsed = JSON.parse(reply.body) as typeof parsed
    } catch {
      parsed = undefined
    }
    if (parsed?.ok === false) {
      const name = parsed.error?.name ?? '?'
      const message = parsed.error?.message ?? ''
      outcome = TYPED_ERROR_NAMES.has(name)
        ? { kind: 'typed', name, message }
        : { kind: 'failure', name, message: `${path.replace(token, '{token}').slice(0, 40)} answered an untyped error: ${name}: ${message}` }
    }
  }
  // The server must still answer after every request.
  const health = await rawRequest(port, `GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n\r\n`, Buffer.alloc(0), 5_000)
  if (health.status !== 200) {
    return { kind: 'failure', name: 'ServerDown', message: `GET / no longer answers 200 (got ${health.status ?? 'nothing'}) after ${input.verb} ${input.path.slice(0, 60)}` }
  }
  return outcome
}

export const EXECUTORS: { [T in TargetName]: (input: TargetInputs[T]) => Promise<Outcome> } = {
  abc: runAbc,
  midi: runMidi,
  codes: runCodes,
  layers: runLayers,
  models: runModels,
  web: runWeb
}
