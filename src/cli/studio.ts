#!/usr/bin/env node
// `studio`: the command line over the engine. `npm run studio -- <command> …`
import { writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import {
  inspectSong,
  describeBackendChoice,
  isModelKind,
  MODEL_KINDS,
  MODEL_PRESETS,
  SEED_DEFAULTS,
  OptionError,
  prepareSongTraining,
  SongError,
  StudioError,
  TrainingCancelledError,
  type SongPrediction,
  type Vocabulary
} from '../engine'
import { runIdFromName } from '../usecases/runRecords'
import { wrongParts } from '../engine/generate/wrongParts'
import { notePartsOf } from '../engine/notation/vocabulary'
import { exportFormatOf, melodyToFileBytes } from '../usecases/exportSong'
import { melodyToAudioFile } from '../usecases/exportAudio'
import { DEFAULT_INSTRUMENT, INSTRUMENTS, INSTRUMENT_IDS, isInstrumentId } from '../shared/instruments'
import { trainSong } from '../usecases/trainSong'
import { formatDuration, tensorBoardLines, terminalProgress } from './progress'
import { compareCommand, trainCorpusCommand } from './corpusCommands'
import { generateCommand, plotCommand, readLayersOption, readLossWeightsOption, summaryCommand } from './labCommands'
import { definedOnly, numberOption, readMelody, readSong, readSongBytes, readSongToTrain } from './songInput'

const USAGE = `usage: npm run studio -- <command> [options]

commands:
  dataset <song> [--window 4] [--json]
      the training windows of a song: each row is the window's class indices, then the label
  train <song> --model <${MODEL_KINDS.join('|')}> [--epochs N] [--until-perfect]
        [--check-every 10] [--units 128] [--window 4] [--batch-size N] [--learning-rate 0.001]
        [--seed 5] [--vocabulary auto|seed|song] [--backend tfjs-node-gpu|tfjs-node|wasm|cpu]
        [--fast-path auto|on|off] [--layers <json|file.json>] [--loss-weights next_pitch=1,next_length=0.5]
        [--save <folder>] [--json]
      trains one of the seed tutorial's models (or pitch-length, two inputs and two outputs) on
      a song and prints its one-step and full-song predictions; --json prints one JSON line at
      the end instead. --fast-path off trains with tfjs's own operations instead of the fast CPU
      path (default auto; also MELODY_STUDIO_FAST_PATH). --layers takes a stack of the lab's
      layers or a Keras functional model (model.to_json(): inputs named note, pitch, length,
      features or index; Dense softmax outputs named next_note, next_pitch, next_length; Add,
      Concatenate, shared layers), which trains on tfjs; --loss-weights weighs its outputs' losses

  train-corpus <songs…> [--model lstm] [--layers <json|file>] [--loss-weights …] [--epochs 20] [--window 16]
        [--batch-size 64] [--validation 0.1] [--transpose N] [--early-stopping val_loss:5]
        [--reduce-lr val_loss:0.5:2] [--save <folder>] [--csv <file>] [--scheme windows|sequence]
      trains on many songs (every tune of .abc files, .mid files, folders): split by song into
      training and validation, one vocabulary, optional transposition by ±N semitones; --save
      keeps the best epoch (val_loss, or the early-stopping monitor) and a run record, --resume
      <folder> goes on from it; a stateful model reads the songs as --batch-size parallel streams.
      --scheme sequence (the default for recurrent models): the loss at every note of each window,
      the state carried across a song's windows (truncated backpropagation through time, at most
      --batch-size streams, one per song); --scheme windows (the default for an MLP, layers
      that cannot run per step and functional models): each window predicts the note after it;
      a resumed run keeps its scheme
  compare <run folder…> [--csv <file>]
      a table of saved runs (model, parameters, epochs, time, accuracies), and their curves as CSV
  summary <song> [--model lstm] [--layers <json|file.json>] [--units N] [--window N] [--json]
      the model as Keras's summary() prints it (layers, output shapes, parameters) and a diagram
      of its layers; --layers gives the lab's layers instead of the preset's, e.g.
      '[{"type":"embedding","outputDim":16},{"type":"gru","units":64}]'
      (a model with several inputs or joins is printed with Keras's "Connected to" column)
  plot <song | model folder> <out.svg|out.png> [--model lstm] [--layers <json|file.json>]
        [--units N] [--window N]
      the model's picture as Keras's plot_model(show_shapes=True) draws it: a box per layer with
      its input and output shapes, arrows from the layers each reads; a folder saved by
      train --save is drawn from its spec (its weights are not read)
  generate <model folder> (--notes N | --bars N) [--prime <song>] [--temperature 1] [--top-k K]
        [--seed 1] [--variations 1] [--out <file.(abc|mid|codes)>] [--json]
      continues a melody with a model saved by train --save: greedy at temperature 0, sampled
      above; notes never cross a bar line and the result ends on one

  convert <in.(abc|mid|codes)> <out.(abc|mid|codes|svg|pdf|wav|mp3)> [--tune X] [--track N]
        [--instrument ${INSTRUMENT_IDS.join('|')}] [--tempo N]
      converts a song between formats, draws it as SVG or PDF sheet music, or plays it as WAV or
      MP3 audio with the shipped sound font (piano, at the song's own tempo unless --tempo)
  inspect <file> [--json]
      the tunes of an ABC file (or the tracks of a MIDI file): notes, key, meter, tempo, warnings

songs: note codes (.codes, .txt), ABC (.abc; --tune picks a tune by its X: number) or MIDI
(.mid; --track picks a track, else the most melodic one), e.g. ../shared/songs/nabiya.codes
exit codes: 0 done, 2 bad input or options, 130 cancelled`

const codesOf = (indices: readonly number[], vocabulary: Vocabulary): string[] =>
  indices.map((index) => vocabulary.codes[index] ?? `?${index}`)

/** The seed prints Python lists: ['g8', 'e8', …]. */
const pythonList = (codes: readonly string[]): string => `[${codes.map((code) => `'${code}'`).join(', ')}]`

async function datasetCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      window: { type: 'string' },
      json: { type: 'boolean' },
      vocabulary: { type: 'string' },
      tune: { type: 'string' },
      track: { type: 'string' }
    }
  })
  const notes = await readSong(positionals[0], values)
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

/** The wrong positions whose pitch is right and only the length wrong (the others have a wrong pitch). */
function wrongLengthOnly(prediction: SongPrediction, vocabulary: Vocabulary): number[] {
  const parts = wrongParts(prediction, notePartsOf(vocabulary))
  return prediction.wrong.filter((_, n) => parts[n] === 'length')
}

function predictionJson(prediction: SongPrediction, vocabulary: Vocabulary) {
  return { accuracy: prediction.accuracy, notes: codesOf(prediction.indices, vocabulary), wrong: prediction.wrong, wrongLength: wrongLengthOnly(prediction, vocabulary) }
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
      'fast-path': { type: 'string' },
      layers: { type: 'string' },
      'loss-weights': { type: 'string' },
      save: { type: 'string' },
      tune: { type: 'string' },
      track: { type: 'string' },
      json: { type: 'boolean' }
    }
  })
  const kind = values.model
  if (!kind || !isModelKind(kind)) {
    throw new OptionError(`--model must be one of ${MODEL_KINDS.join(', ')}${kind ? `, got '${kind}'` : ''}`)
  }
  const song = await readSongToTrain(positionals[0], values)
  const checkEvery = numberOption('check-every', values['check-every'])
  if (checkEvery !== undefined && (!Number.isInteger(checkEvery) || checkEvery < 1)) {
    throw new OptionError(`--check-every must be a whole number ≥ 1, got ${checkEvery}`)
  }
  const epochs = numberOption('epochs', values.epochs)
  const options = definedOnly({
    units: numberOption('units', values.units),
    window: numberOption('window', values.window),
    batchSize: numberOption('batch-size', values['batch-size']),
    learningRate: numberOption('learning-rate', values['learning-rate']),
    seed: numberOption('seed', values.seed),
    vocabulary: vocabularyChoice(values.vocabulary),
    lossWeights: readLossWeightsOption(values['loss-weights']),
    ...(await readLayersOption(values.layers))
  })
  const json = values.json === true
  const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n')
  const abort = new AbortController()
  const onInterrupt = () => abort.abort()
  process.once('SIGINT', onInterrupt)
  const progress = terminalProgress(json, log)
  /** Whether the GPU trained and why not, for --json's summary (the log's backend line says it too). */
  let gpu: { used: boolean; reason: string } | undefined
  const run = await trainSong(
    {
      runId: runIdFromName(values.save ? basename(values.save) : song.header.title || 'run'),
      ...(values.save ? { name: basename(values.save), saveTo: values.save } : {}),
      trainedOn: positionals[0] ?? '',
      song,
      // Epochs left out take the seed's 2000.
      request: { model: kind, epochs: epochs ?? SEED_DEFAULTS.epochs, untilPerfect: values['until-perfect'] === true, ...(checkEvery ? { checkEvery } : {}), options }
    },
    {
      env: process.env,
      ...(values.backend !== undefined ? { backend: values.backend } : {}),
      ...(values['fast-path'] !== undefined ? { fastPath: values['fast-path'] } : {}),
      signal: abort.signal,
      onStart: (start) => {
        log(describeBackendChoice(start.backend))
        gpu = { used: start.backend.gpu.used, reason: start.backend.gpu.reason }
        log(`model: ${kind} — ${MODEL_PRESETS[kind].title}; ${start.samples} samples, ${start.spec.classes} classes`)
      },
      onEpochEnd: progress.epochEnded
    }
  ).finally(() => {
    process.off('SIGINT', onInterrupt)
    progress.end()
  })
  const { outcome, predictions, setup, result } = run
  if (values.save) log(`saved the trained model and its run record in ${values.save}`)
  for (const line of tensorBoardLines(run)) log(line)
  const last = outcome.history.at(-1)
  const summary = {
    model: kind,
    backend: result.backend,
    gpu: gpu ?? null,
    trainingPath: outcome.path.name,
    trainingPathReason: outcome.path.reason,
    params: result.params,
    epochs: outcome.epochsRun,
    perfectAtEpoch: outcome.perfectAtEpoch ?? null,
    trainMs: Math.round(outcome.trainMs),
    msPerEpoch: Number((outcome.trainMs / Math.max(outcome.epochsRun, 1)).toFixed(2)),
    loss: last?.loss ?? null,
    accuracy: last?.accuracy ?? null,
    oneStep: predictionJson(predictions.oneStep, setup.vocabulary),
    fullSong: predictionJson(predictions.fullSong, setup.vocabulary)
  }
  if (json) {
    console.log(JSON.stringify(summary))
    return
  }
  console.log(`training path: ${outcome.path.reason}`)
  console.log(`trained ${outcome.epochsRun} epochs in ${formatDuration(outcome.trainMs)} (${summary.msPerEpoch} ms/epoch), ${result.params.toLocaleString('en')} parameters`)
  if (outcome.perfectAtEpoch !== undefined) console.log(`100 % one-step and full-song at epoch ${outcome.perfectAtEpoch}`)
  console.log(`acc: ${((last?.accuracy ?? 0) * 100).toFixed(2)}%`)
  for (const [label, prediction] of [
    ['one step prediction', predictions.oneStep],
    ['full song prediction', predictions.fullSong]
  ] as const) {
    console.log(`${label} : `, pythonList(codesOf(prediction.indices, setup.vocabulary)))
    const lengthOnly = wrongLengthOnly(prediction, setup.vocabulary)
    const kinds = lengthOnly.length > 0 ? ` (${prediction.wrong.length - lengthOnly.length} pitch, ${lengthOnly.length} length only: ${lengthOnly.map((p) => p + 1).join(', ')})` : ''
    const wrong = prediction.wrong.length
      ? `wrong at note${prediction.wrong.length === 1 ? '' : 's'} ${prediction.wrong.map((p) => p + 1).join(', ')}${kinds}`
      : 'no wrong notes'
    console.log(`  ${(prediction.accuracy * 100).toFixed(2)}% right (${prediction.indices.length - setup.spec.window - prediction.wrong.length}/${prediction.indices.length - setup.spec.window}); ${wrong}`)
  }
}

async function convertCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tune: { type: 'string' }, track: { type: 'string' }, instrument: { type: 'string' }, tempo: { type: 'string' } }
  })
  const [input, output] = positionals
  if (!output) throw new OptionError('convert needs an input and an output file: convert <in.(abc|mid|codes)> <out.(abc|mid|codes|svg|pdf|wav|mp3)>')
  const format = exportFormatOf(output)
  if (!format) throw new OptionError(`${output}: unknown output format; use .abc, .mid, .codes, .svg, .pdf, .wav or .mp3`)
  const instrument = values.instrument
  if (instrument !== undefined && !isInstrumentId(instrument)) throw new OptionError(`--instrument must be one of ${INSTRUMENT_IDS.join(', ')}, got '${instrument}'`)
  const tempo = numberOption('tempo', values.tempo)
  if (format !== 'wav' && format !== 'mp3' && (instrument !== undefined || tempo !== undefined)) {
    throw new OptionError(`--instrument and --tempo are for audio (.wav, .mp3), not .${format}`)
  }
  const melody = await readMelody(input, values)
  const notes = `${melody.notes.filter((n) => n.pitch !== null).length} notes${melody.title ? ` of "${melody.title}"` : ''}`
  if (format === 'wav' || format === 'mp3') {
    const file = await melodyToAudioFile(melody, format, { ...(instrument ? { instrument } : {}), ...(tempo !== undefined ? { tempo } : {}) })
    await writeFile(output, file.bytes)
    const seconds = file.audio.left.length / file.audio.sampleRate
    const played = INSTRUMENTS[instrument ?? DEFAULT_INSTRUMENT].englishName
    console.log(
      `wrote ${output}: ${notes}, ${played} at ♩=${file.audio.tempo}, ${seconds.toFixed(2)} s of audio ` +
        `(${file.audio.songSeconds.toFixed(2)} s of song), ${file.audio.sampleRate} Hz stereo, ${(file.bytes.length / 1e6).toFixed(2)} MB; ` +
        `rendered at ${(seconds / file.cpuSeconds).toFixed(1)} s of audio per CPU second`
    )
    return
  }
  const bytes = await melodyToFileBytes(melody, format)
  await writeFile(output, bytes)
  console.log(`wrote ${output}: ${notes}`)
}

async function inspectCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } })
  const file = await readSongBytes(positionals[0])
  const summary = inspectSong(file.bytes, file.format)
  if (values.json) {
    console.log(JSON.stringify(summary))
  } else {
    for (const problem of summary.problems) console.log(`problem: ${problem}`)
    for (const tune of summary.tunes) {
      console.log(`X:${tune.number} ${tune.title || '(untitled)'}: ${tune.notes} notes, ${tune.key ?? '?'}, ${tune.meter ?? '?'}, ♩=${tune.tempo ?? '?'}${tune.warnings.length ? `, ${tune.warnings.length} warning(s)` : ''}${tune.errors.length ? `, error: ${tune.errors.join('; ')}` : ''}`)
    }
  }
  if (summary.tunes.length === 0 || summary.tunes.every((tune) => tune.notes === 0)) {
    throw new SongError(`${file.path}: ${summary.problems[0] ?? summary.tunes.flatMap((tune) => tune.errors)[0] ?? 'no tune with notes'}`)
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
      case 'convert':
        await convertCommand(rest)
        return 0
      case 'inspect':
        await inspectCommand(rest)
        return 0
      case 'train-corpus':
        await trainCorpusCommand(rest)
        return 0
      case 'compare':
        await compareCommand(rest)
        return 0
      case 'summary':
        await summaryCommand(rest)
        return 0
      case 'plot':
        await plotCommand(rest)
        return 0
      case 'generate':
        await generateCommand(rest)
        return 0
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new OptionError(`unknown command '${command}': try dataset, train, train-corpus, compare, summary, plot, generate, convert or inspect (npm run studio -- help)`)
    }
  } catch (error) {
    if (error instanceof TrainingCancelledError) {
      process.stderr.write(`studio: ${error.message}\n`)
      return 130
    }
    if (error instanceof StudioError || isArgumentError(error)) {
      process.stderr.write(`studio: ${oneLine((error as Error).message)}\n`)
      return 2
    }
    return reportUnexpected(error)
  }
}

/** Messages can quote the input: keep the one line short and free of line breaks. */
function oneLine(message: string): string {
  const flat = message.replace(/\s*[\r\n]+\s*/g, ' ')
  return flat.length > 500 ? `${flat.slice(0, 500)}…` : flat
}

/**
 * Anything else is a defect of ours (or a library's), but a person at the command line still gets
 * one line and exit code 2, never a stack trace; MELODY_STUDIO_DEBUG=1 shows the trace.
 */
function reportUnexpected(error: unknown): number {
  const name = error instanceof Error ? error.name : typeof error
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`studio: unexpected ${name}: ${oneLine(message)}\n`)
  if (process.env['MELODY_STUDIO_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`)
  return 2
}

process.on('uncaughtException', (error) => process.exit(reportUnexpected(error)))
process.on('unhandledRejection', (error) => process.exit(reportUnexpected(error)))

/** node:util parseArgs reports unknown options with these codes. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

process.exitCode = await main(process.argv.slice(2))
