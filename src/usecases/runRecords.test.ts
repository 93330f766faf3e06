// One run-record format for the library and the command line: saved and read back as it was, the
// command line's version-1 records and the library's records from before the format was shared
// read and migrated, damaged ones refused naming the file and the field.
import { mkdtempSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ModelFileError } from '../engine/library/savedFiles'
import type { RunRecord } from '../shared/studioApi'
import { compareRuns, loadRunRecord, makeRunRecord, runIdFromName, runRecordFromJson, saveRunRecord } from './runRecords'

const melody = { title: '', tempo: 120, meter: { numerator: 4, denominator: 4 }, key: { tonic: 'C', mode: 'major' as const, fifths: 0 }, notes: [60, 62, 64, 65].map((pitch, i) => ({ pitch, startTicks: i * 240, durationTicks: 240 })) }
const prediction = { accuracy: 0.75, abc: 'X:1\nL:1/8\nK:C\nCDEF|\n', melody, wrong: [2] }
const record: RunRecord = makeRunRecord({
  runId: 'run-nabiya',
  name: 'nabiya',
  trainedOn: 'resources/songs/nabiya.abc',
  request: { melody, abc: 'X:1\nL:1/8\nK:C\nCDEF|\n', model: 'stateful-lstm-2f', epochs: 2, untilPerfect: true },
  history: [
    { epoch: 1, loss: Number.NaN, accuracy: 0.5 },
    { epoch: 2, loss: 0.25, accuracy: 0.75 }
  ],
  result: { runId: 'run-nabiya', model: 'stateful-lstm-2f', backend: 'cpu', params: 68_620, epochs: 2, trainMs: 1500, oneStep: prediction, fullSong: { ...prediction, accuracy: 0.5 }, weightsEpoch: 2 }
})

/** What `studio train-corpus --save` wrote before version 2. */
const version1 = {
  format: 'melody-studio-run',
  version: 1,
  name: 'Jigs corpus',
  kind: 'lstm',
  layers: [{ type: 'gru', units: 8 }],
  params: 1234,
  trainedOn: '34 songs',
  epochs: 7,
  trainMs: 2500,
  path: 'fast-cpu',
  history: [{ epoch: 1, loss: 1, accuracy: 0.25, valLoss: 1.5, valAccuracy: 0.2, elapsedMs: 12 }],
  valAccuracy: 0.2,
  bestEpoch: 5
}

describe('run records', () => {
  it('reads a record back as saved, a diverged loss (null in JSON) as NaN', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'run-'))
    await saveRunRecord(folder, record)
    const loaded = await loadRunRecord(folder)
    expect(loaded.history[0]?.loss).toBeNaN()
    expect({ ...loaded, history: loaded.history.slice(1) }).toEqual({ ...record, history: record.history.slice(1) })
    expect(loaded).toMatchObject({ format: 'melody-studio-run', version: 2 })
  })

  it('migrates a command-line record of version 1: its figures kept, what it never had left empty', () => {
    const migrated = runRecordFromJson('old/run.json', version1)
    expect(migrated).toMatchObject({
      version: 2,
      runId: 'run-jigs-corpus',
      name: 'Jigs corpus',
      trainedOn: '34 songs',
      request: { model: 'lstm', epochs: 7, options: { layers: [{ type: 'gru', units: 8 }] } },
      result: { params: 1234, epochs: 7, trainMs: 2500, trainingPath: 'fast-cpu', weightsEpoch: 5, corpus: { bestValAccuracy: 0.2, bestEpoch: 5 } }
    })
    expect(migrated.history).toEqual(version1.history)
    expect(migrated.result.oneStep.accuracy).toBeNaN()
  })

  it('reads the library’s records from before the shared format (no format, no version) as they are', () => {
    const { format: _format, version: _version, name: _name, trainedOn: _trainedOn, ...old } = record
    const json = JSON.parse(JSON.stringify(old)) as unknown
    expect(runRecordFromJson('runs/run-nabiya.json', json).result).toEqual(record.result)
  })

  it('reads the melodies of a record that kept its song and predictions as ABC only, from that ABC', () => {
    const { melody: _song, ...request } = record.request
    const { melody: _one, ...oneStep } = record.result.oneStep
    const { melody: _full, ...fullSong } = record.result.fullSong
    const json = JSON.parse(JSON.stringify({ ...record, request, result: { ...record.result, oneStep, fullSong } })) as unknown
    const migrated = runRecordFromJson('runs/run-nabiya.json', json)
    expect(migrated.result.oneStep.melody.notes).toEqual(melody.notes)
    expect(migrated.result.fullSong.melody.notes.map((note) => note.pitch)).toEqual([60, 62, 64, 65])
    expect(migrated.request.melody?.notes).toEqual(melody.notes)
  })

  it('refuses a malformed, cut or missing run.json with a ModelFileError that names the file and the field', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'run-'))
    writeFileSync(join(folder, 'run.json'), '{"format":"melody-studio-run","version":1,"name":"x"}')
    await expect(loadRunRecord(folder)).rejects.toThrow(/run\.json is damaged or not one of ours: kind: /)
    writeFileSync(join(folder, 'run.json'), JSON.stringify({ ...record, result: { ...record.result, params: -1 } }))
    await expect(loadRunRecord(folder)).rejects.toThrow(/run\.json is damaged or not one of ours: result\.params: /)
    writeFileSync(join(folder, 'run.json'), JSON.stringify(record).slice(0, 40))
    await expect(loadRunRecord(folder)).rejects.toThrow(/run\.json is not JSON, or is cut short/)
    writeFileSync(join(folder, 'run.json'), `{"format":"melody-studio-run","version":2,"history":[${'{"epoch":1,"loss":1,"accuracy":1},'.repeat(100_001)}{}]}`)
    await expect(loadRunRecord(folder)).rejects.toThrow(ModelFileError)
    unlinkSync(join(folder, 'run.json'))
    await expect(loadRunRecord(folder)).rejects.toThrow(/run\.json cannot be read \(ENOENT\)/)
  })

  it('tabulates runs of both versions side by side', () => {
    const table = compareRuns([record, runRecordFromJson('old/run.json', version1)])
    expect(table.header).toEqual(['run', 'model', 'params', 'epochs', 'time', 'loss', 'accuracy', 'val accuracy', 'one-step', 'full song'])
    expect(table.rows).toEqual([
      ['nabiya', 'stateful-lstm-2f', '68,620', '2', '1.5 s', '0.2500', '75.0 %', '—', '75.0 %', '50.0 %'],
      ['Jigs corpus', 'lstm + gru', '1,234', '7', '2.5 s', '1.0000', '25.0 %', '20.0 %', '—', '—']
    ])
  })

  it('makes run ids the API accepts from any name', () => {
    expect(runIdFromName('My Run (2)')).toBe('run-my-run-2')
    expect(runIdFromName('나비야')).toBe('run-unnamed')
    expect(runIdFromName('x'.repeat(200))).toMatch(/^run-x{60}$/)
  })
})
