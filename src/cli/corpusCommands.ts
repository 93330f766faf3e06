// Training on many songs from the command line, and comparing saved runs.
import { readdir, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  buildModel,
  chooseBackend,
  compareRuns,
  corpusSongsFromFiles,
  describeBackendChoice,
  disposeModel,
  isModelKind,
  loadRunRecord,
  loadTrainedModel,
  metricsToCsv,
  MODEL_KINDS,
  MONITORS,
  OptionError,
  prepareCorpusTraining,
  resolveFastPathSetting,
  saveRunRecord,
  saveTrainedModel,
  songFormatOf,
  trainModel,
  type CorpusSong,
  type EpochMetrics,
  type Monitor
} from '../engine'
import { readLayersOption } from './labCommands'
import { numberOption, readSongBytes } from './songInput'

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

/** A saved run to go on from: the checkpoint's model, the epoch it holds and the metrics up to it. */
async function resumePoint(folder: string, codes: readonly string[]) {
  const record = await loadRunRecord(folder)
  const { model, info } = await loadTrainedModel(folder)
  if (info.vocabulary.codes.join(' ') !== codes.join(' ')) {
    disposeModel(model)
    throw new OptionError(`${folder}: the checkpoint was trained on other songs (another vocabulary); resume with the same songs and options`)
  }
  const epoch = record.bestEpoch ?? record.epochs
  return { model, epoch, history: record.history.filter((e) => e.epoch <= epoch) }
}

export async function trainCorpusCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'lstm' },
      layers: { type: 'string' },
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
      'fast-path': { type: 'string' }
    }
  })
  const fastPath = resolveFastPathSetting(values['fast-path'], process.env)
  console.log(describeBackendChoice(await chooseBackend({ force: values.backend, env: process.env })))
  const kind = values.model ?? 'lstm'
  if (!isModelKind(kind)) throw new OptionError(`--model must be one of ${MODEL_KINDS.join(', ')}, got '${kind}'`)
  if (positionals.length === 0) throw new OptionError('train-corpus needs songs: .abc files (every tune), .mid files or folders of them')
  const songs = await readCorpus(positionals)
  const setup = prepareCorpusTraining(songs, kind, {
    layers: await readLayersOption(values.layers),
    epochs: numberOption('epochs', values.epochs),
    window: numberOption('window', values.window),
    units: numberOption('units', values.units),
    batchSize: numberOption('batch-size', values['batch-size']),
    learningRate: numberOption('learning-rate', values['learning-rate']),
    seed: numberOption('seed', values.seed),
    validationShare: numberOption('validation', values.validation),
    transpose: numberOption('transpose', values.transpose)
  })
  console.log(
    `${setup.trainingTitles.length} songs to train on (+${setup.transposed} transposed), ${setup.validationTitles.length} held out; vocabulary ${setup.vocabulary.codes.length}; ${setup.dataset.labels.length} training and ${setup.validation.labels.length} validation windows`
  )
  const early = monitorOption('early-stopping', values['early-stopping'], 2)
  const plateau = monitorOption('reduce-lr', values['reduce-lr'], 3)
  // Resuming takes the checkpoint's weights and goes on after its epoch (Adam's moments start afresh).
  const resumed = values.resume ? await resumePoint(values.resume, setup.vocabulary.codes) : undefined
  const model = resumed?.model ?? buildModel(setup.spec)
  const info = { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.dataset.rows[0] ?? [] }
  const earlier = resumed?.history ?? []
  const sofar: EpochMetrics[] = []
  /** The run record of the epochs so far (with those before a resume). */
  const runRecord = (path: string, bestEpoch: number | undefined) => {
    const all = [...earlier, ...sofar]
    return {
      name: basename(values.save ?? ''),
      kind,
      ...(setup.spec.layers ? { layers: setup.spec.layers } : {}),
      params: model.countParams(),
      trainedOn: `${songs.length} songs`,
      epochs: all.length,
      trainMs: (earlier.at(-1)?.elapsedMs ?? 0) + (sofar.at(-1)?.elapsedMs ?? 0),
      path,
      history: all,
      valAccuracy: Math.max(...all.map((e) => e.valAccuracy ?? 0)),
      ...(bestEpoch !== undefined ? { bestEpoch } : {})
    }
  }
  let bestEpoch: number | undefined
  if (resumed) console.log(`resuming after epoch ${resumed.epoch} from ${values.resume}`)
  try {
    const outcome = await trainModel(model, setup.spec, setup, {
      ...(resumed ? { resumeAfterEpoch: resumed.epoch } : {}),
      fastPath,
      validation: setup.validation,
      ...(early ? { earlyStopping: { monitor: early.monitor, patience: early.numbers[0] ?? 3, restoreBestWeights: true } } : {}),
      ...(plateau ? { reduceLrOnPlateau: { monitor: plateau.monitor, factor: plateau.numbers[0] ?? 0.5, patience: plateau.numbers[1] ?? 2 } } : {}),
      ...(values.save
        ? {
            checkpoint: {
              monitor: early?.monitor ?? 'val_loss',
              // the run record goes with every checkpoint, so a stopped run can be resumed from it
              save: async (epoch: number) => {
                bestEpoch = epoch
                await saveTrainedModel(values.save ?? '', model, info)
                await saveRunRecord(values.save ?? '', runRecord('unfinished', bestEpoch))
              }
            }
          }
        : {}),
      onEpochEnd: (e) => {
        sofar.push(e)
        console.log(
          `epoch ${e.epoch}/${e.epochs} - loss: ${e.loss.toFixed(4)} - acc: ${e.accuracy.toFixed(4)} - val_loss: ${(e.valLoss ?? NaN).toFixed(4)} - val_acc: ${(e.valAccuracy ?? NaN).toFixed(4)} - lr: ${e.learningRate ?? ''}`
        )
      }
    })
    if (outcome.stoppedEarly) console.log(`stopped early at epoch ${outcome.stoppedEarly.epoch}; best epoch ${outcome.stoppedEarly.bestEpoch}`)
    const valAccuracy = Math.max(...outcome.history.map((e) => e.valAccuracy ?? 0))
    console.log(`best validation accuracy ${(valAccuracy * 100).toFixed(1)} % (${outcome.path.reason})`)
    if (values.csv) await writeFile(values.csv, metricsToCsv(outcome.history))
    if (values.save) {
      await saveRunRecord(values.save, runRecord(outcome.path.name, bestEpoch))
      console.log(`best checkpoint and run record in ${values.save}`)
    }
  } finally {
    disposeModel(model)
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
    const header = ['epoch', ...records.flatMap((record) => [`${record.name} loss`, `${record.name} val_accuracy`])]
    const rows = Array.from({ length: epochs }, (_, i) => [String(i + 1), ...records.flatMap((record) => [String(record.history[i]?.loss ?? ''), String(record.history[i]?.valAccuracy ?? '')])])
    await writeFile(values.csv, [header, ...rows].map((row) => row.join(',')).join('\n') + '\n')
    console.log(`curves of all runs, epoch by epoch: ${values.csv}`)
  }
}
