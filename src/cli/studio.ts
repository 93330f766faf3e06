#!/usr/bin/env node
// `studio`: the command line over the engine. `npm run studio -- <command> …`
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parseArgs } from 'node:util'
import {
  chooseBackend,
  disposeModel,
  describeBackendChoice,
  isModelKind,
  MODEL_KINDS,
  MODEL_PRESETS,
  OptionError,
  parseNoteCodes,
  prepareSongTraining,
  SongError,
  StudioError,
  TrainingCancelledError,
  trainOnSong,
  type EpochProgress,
  type PlacedNoteCode,
  type SongPrediction,
  type Vocabulary
} from '../engine'
import { formatDuration, renderProgressBar } from './progress'

const USAGE = `usage: npm run studio -- <command> [options]

commands:
  dataset <song> [--window 4] [--json]
      the training windows of a song: each row is the window's class indices, then the label
  train <song> --model <${MODEL_KINDS.join('|')}> [--epochs N] [--until-perfect]
        [--check-every 10] [--units 128] [--window 4] [--batch-size N] [--learning-rate 0.001]
        [--seed 5] [--vocabulary auto|seed|song] [--backend tfjs-node-gpu|tfjs-node|wasm|cpu] [--json]
      trains one of the seed tutorial's models on a song and prints its one-step and full-song
      predictions; --json prints one JSON line at the end instead

songs: note-code files (.codes or .txt), e.g. ../shared/songs/nabiya.codes
exit codes: 0 done, 2 bad input or options, 130 cancelled`

async function readSong(path: string | undefined): Promise<PlacedNoteCode[]> {
  if (!path) throw new OptionError('no song given: name a note-code file, e.g. ../shared/songs/nabiya.codes')
  const kind = extname(path).toLowerCase()
  if (kind === '.abc' || kind === '.mid' || kind === '.midi') {
    throw new OptionError(`${path}: ${kind} songs are not read yet; give the song as note codes (.codes)`)
  }
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new OptionError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`}`)
  }
  try {
    return parseNoteCodes(text)
  } catch (error) {
    if (error instanceof StudioError) throw new SongError(`${path}: ${error.message}`)
    throw error
  }
}

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || Number.isNaN(value)) throw new OptionError(`--${name} must be a number, got '${text}'`)
  return value
}

const codesOf = (indices: readonly number[], vocabulary: Vocabulary): string[] =>
  indices.map((index) => vocabulary.codes[index] ?? `?${index}`)

/** The seed prints Python lists: ['g8', 'e8', …]. */
const pythonList = (codes: readonly string[]): string => `[${codes.map((code) => `'${code}'`).join(', ')}]`

async function datasetCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { window: { type: 'string' }, json: { type: 'boolean' }, vocabulary: { type: 'string' } }
  })
  const notes = await readSong(positionals[0])
  const setup = prepareSongTraining(notes, 'mlp', {
    window: numberOption('window', values.window),
    vocabulary: vocabularyChoice(values.vocabulary)
  })
  if (values.json) {
    console.log(JSON.stringify({ window: setup.dataset.window, rows: setup.dataset.rows }))
    return
  }
  console.log(`(${setup.dataset.rows.length}, ${setup.dataset.window + 1})`)
  for (const row of setup.dataset.rows) console.log(row.map((index) => String(index).padStart(2)).join(' '))
}

function vocabularyChoice(text: string | undefined): 'auto' | 'seed' | 'song' | undefined {
  if (text === undefined || text === 'auto' || text === 'seed' || text === 'song') return text
  throw new OptionError(`--vocabulary must be auto, seed or song, got '${text}'`)
}

function predictionJson(prediction: SongPrediction, vocabulary: Vocabulary) {
  return { accuracy: prediction.accuracy, notes: codesOf(prediction.indices, vocabulary), wrong: prediction.wrong }
}

async function trainCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      epochs: { type: 'string' },
      'until-perfect': { type: 'boolean' },
      'check-every': { type: 'string' },
      units: { type: 'string' },
      window: { type: 'string' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      seed: { type: 'string' },
      vocabulary: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean' }
    }
  })
  const kind = values.model
  if (!kind || !isModelKind(kind)) {
    throw new OptionError(`--model must be one of ${MODEL_KINDS.join(', ')}${kind ? `, got '${kind}'` : ''}`)
  }
  const notes = await readSong(positionals[0])
  const setup = prepareSongTraining(notes, kind, {
    epochs: numberOption('epochs', values.epochs),
    units: numberOption('units', values.units),
    window: numberOption('window', values.window),
    batchSize: numberOption('batch-size', values['batch-size']),
    learningRate: numberOption('learning-rate', values['learning-rate']),
    seed: numberOption('seed', values.seed),
    vocabulary: vocabularyChoice(values.vocabulary)
  })
  const checkEvery = numberOption('check-every', values['check-every'])
  if (checkEvery !== undefined && (!Number.isInteger(checkEvery) || checkEvery < 1)) {
    throw new OptionError(`--check-every must be a whole number ≥ 1, got ${checkEvery}`)
  }
  const backend = await chooseBackend({ force: values.backend, env: process.env })
  const json = values.json === true
  const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n')
  log(describeBackendChoice(backend))
  log(`model: ${kind} — ${MODEL_PRESETS[kind].title}; ${setup.dataset.labels.length} samples, ${setup.spec.classes} classes`)

  const abort = new AbortController()
  const onInterrupt = () => abort.abort()
  process.once('SIGINT', onInterrupt)
  const terminal = process.stderr.isTTY === true
  let lastDrawn = 0
  const onEpochEnd = (progress: EpochProgress) => {
    const now = performance.now()
    if (terminal) {
      if (now - lastDrawn > 100 || progress.epoch === progress.epochs) {
        process.stderr.write(`\r${renderProgressBar(progress, process.stderr.columns ?? 100)}`)
        lastDrawn = now
      }
    } else if (!json && (progress.epoch % 100 === 0 || progress.epoch === progress.epochs)) {
      log(
        `epoch ${progress.epoch}/${progress.epochs} - loss: ${progress.loss.toFixed(4)} - acc: ${progress.accuracy.toFixed(4)} - ${formatDuration(progress.elapsedMs)}`
      )
    }
  }
  const result = await trainOnSong(setup, {
    untilPerfect: values['until-perfect'] === true,
    checkEvery,
    signal: abort.signal,
    onEpochEnd
  }).finally(() => {
    process.off('SIGINT', onInterrupt)
    if (terminal) process.stderr.write('\n')
  })
  const { outcome, check, model } = result
  const params = model.countParams()
  disposeModel(model)
  const last = outcome.history.at(-1)
  const summary = {
    model: kind,
    backend: backend.name,
    params,
    epochs: outcome.epochsRun,
    perfectAtEpoch: outcome.perfectAtEpoch ?? null,
    trainMs: Math.round(outcome.trainMs),
    msPerEpoch: Number((outcome.trainMs / Math.max(outcome.epochsRun, 1)).toFixed(2)),
    loss: last?.loss ?? null,
    accuracy: last?.accuracy ?? null,
    oneStep: predictionJson(check.oneStep, setup.vocabulary),
    fullSong: predictionJson(check.fullSong, setup.vocabulary)
  }
  if (json) {
    console.log(JSON.stringify(summary))
    return
  }
  console.log(`trained ${outcome.epochsRun} epochs in ${formatDuration(outcome.trainMs)} (${summary.msPerEpoch} ms/epoch), ${params.toLocaleString('en')} parameters`)
  if (outcome.perfectAtEpoch !== undefined) console.log(`100 % one-step and full-song at epoch ${outcome.perfectAtEpoch}`)
  console.log(`acc: ${((last?.accuracy ?? 0) * 100).toFixed(2)}%`)
  for (const [label, prediction] of [
    ['one step prediction', check.oneStep],
    ['full song prediction', check.fullSong]
  ] as const) {
    console.log(`${label} : `, pythonList(codesOf(prediction.indices, setup.vocabulary)))
    const wrong = prediction.wrong.length
      ? `wrong at note${prediction.wrong.length === 1 ? '' : 's'} ${prediction.wrong.map((p) => p + 1).join(', ')}`
      : 'no wrong notes'
    console.log(`  ${(prediction.accuracy * 100).toFixed(2)}% right (${prediction.indices.length - setup.spec.window - prediction.wrong.length}/${prediction.indices.length - setup.spec.window}); ${wrong}`)
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'dataset':
        await datasetCommand(rest)
        return 0
      case 'train':
        await trainCommand(rest)
        return 0
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new OptionError(`unknown command '${command}': try dataset or train (npm run studio -- help)`)
    }
  } catch (error) {
    if (error instanceof TrainingCancelledError) {
      process.stderr.write(`studio: ${error.message}\n`)
      return 130
    }
    if (error instanceof StudioError || isArgumentError(error)) {
      process.stderr.write(`studio: ${(error as Error).message}\n`)
      return 2
    }
    throw error
  }
}

/** node:util parseArgs reports unknown options with these codes. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

process.exitCode = await main(process.argv.slice(2))
