// TensorBoard logs of real runs, read back by an independent reader: TensorFlow's published
// event.proto compiled by protoc and decoded by python3-protobuf, both masked CRC-32Cs checked
// with crcmod (engine/testing/readTensorboardEvents.py). Without protoc and those modules these
// tests fail, saying what to install (CI installs them).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainCorpus } from '../../usecases/trainCorpus'
import { songToTrain, trainSong } from '../../usecases/trainSong'
import { chooseBackend } from '../backend/chooseBackend'
import { corpusSongsFromFiles } from '../corpusTraining'
import { buildModel, disposeModel } from '../models/build'
import { noteCodesToMelody } from '../notation/noteCodes'
import { prepareSongTraining } from '../songTraining'
import { nabiyaNotes, sharedPath } from '../testing/seedSong'
import { compileEventProtos, readEventFiles, type ReadEvent } from '../testing/tensorboardEvents'
import { crc32c, encodeEvent, eventRecord, maskedCrc32c } from './tensorboardEvents'
import { TensorBoardLogger } from './tensorboardLogger'
import { trainModel, type EpochProgress, type TrainingOutcome } from './trainer'

let protos: ReturnType<typeof compileEventProtos>

beforeAll(async () => {
  await chooseBackend({ env: process.env })
  protos = compileEventProtos()
})

afterAll(() => protos?.remove())

/** A temp folder for one test, removed after it. */
async function inTempFolder<T>(use: (folder: string) => Promise<T>): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), 'studio-tensorboard-'))
  try {
    return await use(folder)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

const EVENT_FILE_NAME = new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.${process.pid}\\.\\d+\\.v2$`)

/** The one events file in a folder, read back; its name is TensorFlow's. */
function readFolder(folder: string): { path: string; events: ReadEvent[] } {
  const names = readdirSync(folder)
  expect(names).toHaveLength(1)
  expect(names[0]).toMatch(EVENT_FILE_NAME)
  const path = join(folder, names[0]!)
  const read = readEventFiles(protos.folder, [path])
  expect(read.error).toBeUndefined()
  return { path, events: read.events![path]! }
}

/** What Keras's callback writes for these epochs, at float32 precision (simple_value is a float). */
function expectedScalars(history: readonly EpochProgress[], split: 'train' | 'validation'): Record<string, number>[] {
  return history.map((epoch) => {
    const scalars: Record<string, number> =
      split === 'train'
        ? { epoch_loss: epoch.loss, epoch_accuracy: epoch.accuracy, ...(epoch.learningRate !== undefined ? { epoch_learning_rate: epoch.learningRate } : {}) }
        : { epoch_loss: epoch.valLoss!, epoch_accuracy: epoch.valAccuracy! }
    for (const head of epoch.heads ?? []) {
      if (split === 'train') Object.assign(scalars, { [`epoch_${head.name}_loss`]: head.loss, [`epoch_${head.name}_accuracy`]: head.accuracy })
      else Object.assign(scalars, { [`epoch_${head.name}_loss`]: head.valLoss!, [`epoch_${head.name}_accuracy`]: head.valAccuracy! })
    }
    return Object.fromEntries(Object.entries(scalars).map(([tag, value]) => [tag, Math.fround(value)]))
  })
}

/** A file as TensorBoard wants it: the file version first (step 0), then one summary event per epoch, step = epoch. */
function expectEventsOf(events: readonly ReadEvent[], history: readonly EpochProgress[], split: 'train' | 'validation', wallTimes: { from: number; to: number }): void {
  const [first, ...epochs] = events
  expect(first).toMatchObject({ what: 'file_version', file_version: 'brain.Event:2', step: 0, values: {} })
  expect(epochs.map((event) => event.what)).toEqual(history.map(() => 'summary'))
  expect(epochs.map((event) => event.step)).toEqual(history.map((epoch) => epoch.epoch))
  expect(epochs.map((event) => event.values)).toEqual(expectedScalars(history, split))
  for (const event of events) {
    for (const kind of Object.values(event.kinds)) expect(kind).toBe('simple_value')
    // protoc's serializer makes our bytes again: no field misnumbered, none unknown, defaults left out as proto3 does
    expect(event.reencodes_identically).toBe(true)
    expect(event.wall_time).toBeGreaterThanOrEqual(Math.floor(wallTimes.from) / 1000)
    expect(event.wall_time).toBeLessThanOrEqual(wallTimes.to / 1000)
  }
  // wall times go forward
  for (let i = 1; i < events.length; i++) expect(events[i]!.wall_time).toBeGreaterThanOrEqual(events[i - 1]!.wall_time)
}

describe('the events format', () => {
  it('computes CRC-32C (Castagnoli) and masks it as TFRecord does', () => {
    // the standard check value of CRC-32C, and of the empty input
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
    expect(crc32c(new Uint8Array(0))).toBe(0)
    const crc = 0xe3069283
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0)
  })

  it('frames a record as length, its masked CRC, the data, its masked CRC', () => {
    const data = encodeEvent({ wallTime: 1.5, step: 7, scalars: [{ tag: 'epoch_loss', value: 0.25 }] })
    const record = eventRecord(data)
    const view = new DataView(record.buffer)
    expect(view.getBigUint64(0, true)).toBe(BigInt(data.length))
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(record.subarray(0, 8)))
    expect(record.subarray(12, 12 + data.length)).toEqual(data)
    expect(view.getUint32(12 + data.length, true)).toBe(maskedCrc32c(data))
    expect(record.length).toBe(data.length + 16)
  })
})

describe('TensorBoardLogger', () => {
  it('logs a saved song run as Keras does: train/ only, one event per epoch, the history figures', async () => {
    await inTempFolder(async (folder) => {
      const from = Date.now()
      const saveTo = join(folder, 'nabiya-run')
      const run = await trainSong({
        runId: 'run-tensorboard',
        song: songToTrain(noteCodesToMelody(nabiyaNotes()), { notes: nabiyaNotes() }),
        request: { model: 'lstm', epochs: 3, untilPerfect: false, options: { units: 8, seed: 3 } },
        saveTo
      })
      const to = Date.now()
      expect(run.logsFolder).toBe(join(saveTo, 'logs'))
      expect(run.logsProblem).toBeUndefined()
      // no held-out songs: no validation folder, as Keras writes none without validation data
      expect(readdirSync(run.logsFolder!)).toEqual(['train'])
      const { events } = readFolder(join(run.logsFolder!, 'train'))
      expect(events).toHaveLength(1 + 3)
      expectEventsOf(events, run.outcome.history, 'train', { from, to })
      // the saved model is still there beside its logs
      expect(existsSync(join(saveTo, 'model.json'))).toBe(true)
    })
  })

  it('logs a corpus run with held-out songs in train/ and validation/', async () => {
    await inTempFolder(async (folder) => {
      const bytes = readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'))
      const songs = corpusSongsFromFiles([{ name: 'jigs.abc', bytes }]).songs.slice(0, 12)
      const from = Date.now()
      const run = await trainCorpus({
        runId: 'run-jigs-tensorboard',
        songs,
        request: {
          model: 'lstm',
          epochs: 3,
          untilPerfect: false,
          options: { units: 8, window: 8, batchSize: 64, seed: 5 },
          corpus: { validationShare: 0.25, transpose: 0, fileNames: ['jigs.abc'], scheme: 'windows' }
        },
        saveTo: folder,
        checkpointBest: true
      })
      const to = Date.now()
      expect(run.logsFolder).toBe(join(folder, 'logs'))
      expect(readdirSync(run.logsFolder!).sort()).toEqual(['train', 'validation'])
      const history = run.outcome.history
      expect(history.every((epoch) => epoch.valLoss !== undefined && epoch.valAccuracy !== undefined)).toBe(true)
      const train = readFolder(join(run.logsFolder!, 'train'))
      const validation = readFolder(join(run.logsFolder!, 'validation'))
      expect(train.events).toHaveLength(1 + 3)
      expect(validation.events).toHaveLength(1 + 3)
      expectEventsOf(train.events, history, 'train', { from, to })
      expectEventsOf(validation.events, history, 'validation', { from, to })
      // the validation folder holds no learning rate (Keras writes it with the training figures)
      expect(Object.keys(validation.events[1]!.values).sort()).toEqual(['epoch_accuracy', 'epoch_loss'])
    })
  })

  it('numbers a resumed run on: its steps are its epochs, after the epoch it resumed from', async () => {
    await inTempFolder(async (folder) => {
      const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { units: 8, epochs: 5, seed: 3 })
      const model = buildModel(setup.spec)
      const logger = new TensorBoardLogger(folder)
      const from = Date.now()
      const outcome = await trainModel(model, setup.spec, setup, { resumeAfterEpoch: 2, validation: setup.dataset, callbacks: [logger] })
      const to = Date.now()
      disposeModel(model)
      expect(outcome.history.map((epoch) => epoch.epoch)).toEqual([3, 4, 5])
      const train = readFolder(join(folder, 'train'))
      expectEventsOf(train.events, outcome.history, 'train', { from, to })
      expectEventsOf(readFolder(join(folder, 'validation')).events, outcome.history, 'validation', { from, to })
      expect(logger.problem).toBeUndefined()
    })
  })

  it("logs each output head's figures as epoch_<head>_loss and epoch_<head>_accuracy", async () => {
    await inTempFolder(async (folder) => {
      const heads = (epoch: number) => [
        { name: 'next_pitch', loss: 1.25 / epoch, accuracy: 0.1 * epoch, valLoss: 1.5 / epoch, valAccuracy: 0.05 * epoch },
        { name: 'next_length', loss: 0.75 / epoch, accuracy: 0.2 * epoch, valLoss: 0.9 / epoch, valAccuracy: 0.15 * epoch }
      ]
      const history: EpochProgress[] = [1, 2, 3].map((epoch) => ({
        epoch,
        epochs: 3,
        loss: 2 / epoch,
        accuracy: 0.01 * epoch,
        valLoss: 2.4 / epoch,
        valAccuracy: 0.02 * epoch,
        learningRate: 0.001 / epoch,
        elapsedMs: epoch * 10,
        etaMs: 0,
        samplesPerSecond: 100,
        heads: heads(epoch)
      }))
      const logger = new TensorBoardLogger(folder)
      const from = Date.now()
      for (const progress of history) await logger.onEpochEnd(progress)
      await logger.onTrainEnd()
      const to = Date.now()
      const train = readFolder(join(folder, 'train'))
      const validation = readFolder(join(folder, 'validation'))
      expectEventsOf(train.events, history, 'train', { from, to })
      expectEventsOf(validation.events, history, 'validation', { from, to })
      expect(Object.keys(train.events[1]!.values)).toEqual([
        'epoch_loss',
        'epoch_accuracy',
        'epoch_learning_rate',
        'epoch_next_pitch_loss',
        'epoch_next_pitch_accuracy',
        'epoch_next_length_loss',
        'epoch_next_length_accuracy'
      ])
      expect(validation.events[2]!.values['epoch_next_length_accuracy']).toBe(Math.fround(0.3))
    })
  })

  it('stops logging at the file size limit with one message, and the training goes on', async () => {
    await inTempFolder(async (folder) => {
      const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { units: 8, epochs: 6, seed: 3 })
      const model = buildModel(setup.spec)
      const problems: string[] = []
      // room for the file version's record (40 bytes) and two epochs' (99 bytes each: three scalars), not three
      const logger = new TensorBoardLogger(folder, { maxFileBytes: 240, onProblem: (message) => problems.push(message) })
      const outcome = await trainModel(model, setup.spec, setup, { callbacks: [logger] })
      disposeModel(model)
      expect(outcome.epochsRun).toBe(6)
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/^TensorBoard logs in .* stopped at epoch 3: .* would pass 240 bytes \(TENSORBOARD_MAX_FILE_BYTES\)$/)
      expect(logger.problem).toBe(problems[0])
      const train = readFolder(join(folder, 'train'))
      expect(statSync(train.path).size).toBe(40 + 2 * 99)
      // what was written is whole: the file version and the first two epochs
      expectEventsOf(train.events, outcome.history.slice(0, 2), 'train', { from: 0, to: Date.now() })
    })
  })

  it('reports a folder it cannot write once, and the training goes on', async () => {
    await inTempFolder(async (folder) => {
      // a file where the train/ folder should be
      mkdirSync(join(folder, 'logs'))
      writeFileSync(join(folder, 'logs', 'train'), 'not a folder')
      const setup = prepareSongTraining(nabiyaNotes(), 'lstm', { units: 8, epochs: 3, seed: 3 })
      const model = buildModel(setup.spec)
      const problems: string[] = []
      const logger = new TensorBoardLogger(join(folder, 'logs'), { onProblem: (message) => problems.push(message) })
      const outcome: TrainingOutcome = await trainModel(model, setup.spec, setup, { callbacks: [logger] })
      disposeModel(model)
      expect(outcome.epochsRun).toBe(3)
      expect(problems).toHaveLength(1)
      expect(problems[0]).toMatch(/^TensorBoard logs in .* stopped at epoch 1: .*(EEXIST|ENOTDIR)/)
    })
  })
})

describe('the independent reader', () => {
  it('reports a CRC mismatch for a corrupted byte (so it really checks)', async () => {
    await inTempFolder(async (folder) => {
      const logger = new TensorBoardLogger(folder)
      await logger.onEpochEnd({ epoch: 1, epochs: 1, loss: 1, accuracy: 0.5, elapsedMs: 1, etaMs: 0, samplesPerSecond: 1, learningRate: 0.01 })
      await logger.close()
      const { path, events } = readFolder(join(folder, 'train'))
      expect(events).toHaveLength(2)
      const original = readFileSync(path)
      const firstLength = Number(original.readBigUInt64LE(0))
      const secondRecord = 16 + firstLength
      const corrupt = (at: number) => {
        const bytes = Buffer.from(original)
        bytes[at] = bytes[at]! ^ 0x01
        writeFileSync(path, bytes)
        return readEventFiles(protos.folder, [path])
      }
      // a byte of the second record's data (its tag's text)
      const inData = corrupt(secondRecord + 12 + 5)
      expect(inData.events).toBeUndefined()
      expect(inData.error).toContain(`record 1: data CRC mismatch at byte ${secondRecord}`)
      // a byte of the first record's length
      expect(corrupt(0).error).toContain('record 0: length CRC mismatch at byte 0')
      // a byte of the first record's stored data CRC
      expect(corrupt(12 + firstLength).error).toContain('record 0: data CRC mismatch at byte 0')
    })
  })
})
