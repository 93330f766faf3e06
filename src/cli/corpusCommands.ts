// Training on many songs from the command line, and comparing saved runs.
import { readdir, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  corpusSongsFromFiles,
  CORPUS_SCHEMES,
  type CorpusScheme,
  defaultCorpusScheme,
  describeBackendChoice,
  isModelKind,
  metricsToCsv,
  MODEL_KINDS,
  MONITORS,
  OptionError,
  songFormatOf,
  type CorpusSong,
  type Monitor
} from '../engine'
import { compareRuns, loadRunRecord, runIdFromName } from '../usecases/runRecords'
import { trainCorpus } from '../usecases/trainCorpus'
import { readLayersOption, readLossWeightsOption } from './labCommands'
import { tensorBoardLines } from './progress'
import { definedOnly, numberOption, readSongBytes } from './songInput'

/** Every song in the named files and folders: each tune of an ABC file, each MIDI file. */
async function readCorpus(paths: readonly string[]): Promise<CorpusSong[]> {
  const files: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined)
    if (!info) throw new OptionError(`${path}: no such file or folder`)
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) if (songFormatOf(name)) files.push(join(path, name))
    } else {
      files.push(path)
    }
  }
  const read = await Promise.all(files.map(async (path) => ({ name: basename(path), bytes: (await readSongBytes(path)).bytes })))
  const { songs, skipped } = corpusSongsFromFiles(read)
  for (const problem of skipped) process.stderr.write(`studio: warning: ${problem}; skipped\n`)
  return songs
}

/** `monitor:patience` or `monitor:factor:patience`, e.g. val_loss:5 */
function monitorOption(name: string, text: string | undefined, parts: number): { monitor: Monitor; numbers: number[] } | undefined {
  if (text === undefined) return undefined
  const [monitor, ...rest] = text.split(':')
  const found = MONITORS.find((m) => m === monitor)
  const numbers = rest.map(Number)
  if (!found || numbers.length !== parts - 1 || numbers.some((n) => !Number.isFinite(n))) {
    throw new OptionError(`--${name} takes ${parts === 2 ? 'monitor:patience' : 'monitor:factor:patience'} with monitor one of ${MONITORS.join(', ')}, got '${text}'`)
  }
  return { monitor: found, numbers }
}

export async function trainCorpusCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'lstm' },
      layers: { type: 'string' },
      'loss-weights': { type: 'string' },
      epochs: { type: 'string', default: '20' },
      window: { type: 'string', default: '16' },
      units: { type: 'string' },
      'batch-size': { type: 'string', default: '64' },
      'learning-rate': { type: 'string' },
      seed: { type: 'string' },
      validation: { type: 'string', default: '0.1' },
      transpose: { type: 'string', default: '0' },
      'early-stopping': { type: 'string' },
      'reduce-lr': { type: 'string' },
      save: { type: 'string' },
      csv: { type: 'string' },
      resume: { type: 'string' },
      backend: { type: 'string' },
      'fast-path': { type: 'string' },
      scheme: { type: 'string' }
    }
  })
  const scheme = values.scheme
  if (scheme !== undefined && !(CORPUS_SCHEMES as readonly string[]).includes(scheme)) {
    throw new OptionError(`--scheme must be one of ${CORPUS_SCHEMES.join(', ')}, got '${scheme}'`)
  }
  const kind = values.model ?? 'lstm'
  if (!isModelKind(kind)) throw new OptionError(`--model must be one of ${MODEL_KINDS.join(', ')}, got '${kind}'`)
  if (positionals.length === 0) throw new OptionError('train-corpus needs songs: .abc files (every tune), .mid files or folders of them')
  const songs = await readCorpus(positionals)
  const early = monitorOption('early-stopping', values['early-stopping'], 2)
  const plateau = monitorOption('reduce-lr', values['reduce-lr'], 3)
  // Resuming takes the checkpoint's weights and goes on after its epoch (Adam's moments start afresh).
  const resumeFrom = values.resume ? await resumePointOf(values.resume) : undefined
  const name = basename(values.save ?? values.resume ?? 'corpus')
  const { layers, graph } = await readLayersOption(values.layers)
  const chosenScheme: CorpusScheme = (scheme as CorpusScheme | undefined) ?? resumeFrom?.scheme ?? defaultCorpusScheme(kind, layers, graph !== undefined)
  const run = await trainCorpus(
    {
      runId: runIdFromName(name),
      name,
      trainedOn: `${songs.length} songs`,
      songs,
      request: {
        model: kind,
        epochs: numberOption('epochs', values.epochs) ?? 20,
        untilPerfect: false,
        options: definedOnly({
          layers,
          graph,
          lossWeights: readLossWeightsOption(values['loss-weights']),
          window: numberOption('window', values.window),
          units: numberOption('units', values.units),
          batchSize: numberOption('batch-size', values['batch-size']),
          learningRate: numberOption('learning-rate', values['learning-rate']),
          seed: numberOption('seed', values.seed)
        }),
        callbacks: {
          ...(early ? { earlyStopping: { monitor: early.monitor, patience: early.numbers[0] ?? 3, restoreBestWeights: true } } : {}),
          ...(plateau ? { reduceLrOnPlateau: { monitor: plateau.monitor, factor: plateau.numbers[0] ?? 0.5, patience: plateau.numbers[1] ?? 2 } } : {})
        },
        corpus: {
          validationShare: numberOption('validation', values.validation) ?? 0.1,
          transpose: numberOption('transpose', values.transpose) ?? 0,
          fileNames: positionals,
          // a resumed run keeps its scheme unless told otherwise (records before schemes: windows)
          scheme: chosenScheme
        }
      },
      ...(values.save ? { saveTo: values.save, checkpointBest: true } : {}),
      ...(resumeFrom ? { resumeFrom } : {})
    },
    {
      env: process.env,
      ...(values.backend !== undefined ? { backend: values.backend } : {}),
      ...(values['fast-path'] !== undefined ? { fastPath: values['fast-path'] } : {}),
      onStart: (start) => {
        console.log(describeBackendChoice(start.backend))
        const corpus = start.corpus
        if (corpus) {
          // a sequence run counts the steps it trains on (every note but a song's first), not windows
          const unit = chosenScheme === 'sequence' ? 'steps' : 'windows'
          console.log(
            `${corpus.songs} songs to train on (+${corpus.transposed} transposed), ${corpus.heldOut} held out; vocabulary ${corpus.vocabulary}; ${corpus.windows} training and ${corpus.validationWindows} validation ${unit}`
          )
          console.log(
            chosenScheme === 'sequence'
              ? `scheme sequence: the loss at every note, the state carried across each song's windows (--scheme windows for one note per window)`
              : 'scheme windows: each window predicts the note after it'
          )
        }
        if (start.resumedAfterEpoch !== undefined) console.log(`resuming after epoch ${start.resumedAfterEpoch} from ${values.resume}`)
      },
      onEpochEnd: (e) =>
        console.log(
          `epoch ${e.epoch}/${e.epochs} - loss: ${e.loss.toFixed(4)} - acc: ${e.accuracy.toFixed(4)} - val_loss: ${(e.valLoss ?? NaN).toFixed(4)} - val_acc: ${(e.valAccuracy ?? NaN).toFixed(4)} - lr: ${e.learningRate ?? ''}`
        )
    }
  )
  const { outcome } = run
  if (outcome.stoppedEarly) console.log(`stopped early at epoch ${outcome.stoppedEarly.epoch}; best epoch ${outcome.stoppedEarly.bestEpoch}`)
  const valAccuracy = Math.max(...outcome.history.map((e) => e.valAccuracy ?? 0))
  console.log(`best validation accuracy ${(valAccuracy * 100).toFixed(1)} % (${outcome.path.reason})`)
  if (chosenScheme === 'sequence') {
    const late = Math.max(...outcome.history.map((e) => e.valAccuracyFromWindow ?? 0))
    console.log(`best validation accuracy on notes at position ≥ window ${(late * 100).toFixed(1)} % (the notes windowed training predicts)`)
  }
  if (values.csv) await writeFile(values.csv, metricsToCsv(outcome.history))
  if (values.save) console.log(`best checkpoint and run record in ${values.save}`)
  for (const line of tensorBoardLines(run)) console.log(line)
}

/** A saved run to go on from: its folder, the epoch its saved weights are from, and its curve up to there. */
async function resumePointOf(folder: string) {
  const record = await loadRunRecord(folder)
  const afterEpoch = record.result.weightsEpoch ?? record.result.epochs
  return {
    folder,
    afterEpoch,
    runId: record.runId,
    earlier: record.history.filter((point) => point.epoch <= afterEpoch),
    scheme: record.request.corpus?.scheme ?? 'windows'
  }
}

export async function compareCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { csv: { type: 'string' }, json: { type: 'boolean' } } })
  if (positionals.length === 0) throw new OptionError('compare needs the folders of saved runs (train … --save, train-corpus … --save)')
  const records = await Promise.all(positionals.map((folder) => loadRunRecord(folder)))
  const table = compareRuns(records)
  if (values.json) {
    console.log(JSON.stringify(records.map((record) => ({ ...record, history: undefined }))))
    return
  }
  const widths = table.header.map((title, i) => Math.max(title.length, ...table.rows.map((row) => row[i]?.length ?? 0)))
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')
  console.log(line(table.header))
  for (const row of table.rows) console.log(line(row))
  if (values.csv) {
    const epochs = Math.max(...records.map((record) => record.history.length))
    const header = ['epoch', ...records.flatMap((record) => [`${record.name ?? record.runId} loss`, `${record.name ?? record.runId} val_accuracy`])]
    const rows = Array.from({ length: epochs }, (_, i) => [String(i + 1), ...records.flatMap((record) => [String(record.history[i]?.loss ?? ''), String(record.history[i]?.valAccuracy ?? '')])])
    await writeFile(values.csv, [header, ...rows].map((row) => row.join(',')).join('\n') + '\n')
    console.log(`curves of all runs, epoch by epoch: ${values.csv}`)
  }
}
