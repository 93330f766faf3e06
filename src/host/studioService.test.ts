// What happens to a run when it ends, with a stand-in for the training process: a finished run
// whose record cannot be saved is kept and the UI told why; a run that dies is recorded as failed;
// run records read back are checked, a bad one skipped with a problem that names it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'
import type { LibraryView, RunRecord, TrainingFailure, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { StudioLibrary } from './studioLibrary'
import { runRequest, StudioService } from './studioService'
import type { TrainingHost, TrainingHostEvents } from './trainingHost'

const NABIYA_ABC = readFileSync(join(REPO_ROOT, 'resources/songs/nabiya.abc'), 'utf8')
const REQUEST: TrainingRequest = { abc: NABIYA_ABC, model: 'lstm', epochs: 3, untilPerfect: false }

/** The training process's side of the host: runs start when asked and end when the test says. */
class FakeTraining extends EventEmitter<TrainingHostEvents> {
  private next = 1
  start(): string {
    return `run-test-${this.next++}`
  }
  dispose(): void {}
}

/** A finished run's record as the training process sends it: its result and its whole curve. */
function recordOf(runId: string, epochs: number): RunRecord {
  const prediction = { accuracy: 0.5, abc: 'X:1\nK:C\nC D E F|\n', wrong: [1] }
  const result: TrainingResult = { runId, model: 'lstm', backend: 'cpu', params: 42, epochs, trainMs: 10, oneStep: prediction, fullSong: prediction }
  const history = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), accuracy: i / epochs }))
  return { format: 'melody-studio-run', version: 2, runId, savedAt: new Date().toISOString(), request: runRequest(REQUEST), history, result }
}

function studio(data: string) {
  const training = new FakeTraining()
  const done: TrainingResult[] = []
  const failed: TrainingFailure[] = []
  const service = new StudioService(
    { name: 'test', version: '0', electron: null },
    (event, payload) => {
      if (event === 'trainingDone') done.push(payload as TrainingResult)
      if (event === 'trainingError') failed.push(payload as TrainingFailure)
    },
    new StudioLibrary(data),
    training as unknown as TrainingHost
  )
  /** Starts a run and sends the epochs' progress. */
  const run = async (epochs: number): Promise<string> => {
    const { runId } = (await service.invoke('startTraining', [REQUEST])) as { runId: string }
    const points = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), accuracy: i / epochs }))
    if (epochs > 0) training.emit('progress', { runId, epoch: epochs, epochs: 3, loss: 1, accuracy: 0, elapsedMs: 1, etaMs: 1, samplesPerSecond: 1, points })
    return runId
  }
  return { training, service, done, failed, run }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(condition()).toBe(true)
}

describe('a run’s end in the studio service', () => {
  it('keeps a finished run whose record cannot be saved, tells the UI why, and saves it once the folder is fixed', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-service-'))
    // A file where the runs folder should be: every run save fails.
    writeFileSync(join(data, 'runs'), 'not a folder')
    const { training, service, done, run } = studio(data)
    const runId = await run(2)
    training.emit('done', recordOf(runId, 2))
    await until(() => done.length === 1)
    expect(done[0]?.runId).toBe(runId)
    expect(done[0]?.saveError).toMatch(/EEXIST|ENOTDIR/)

    const library = (await service.invoke('loadLibrary', [])) as LibraryView
    expect(library.runs.map((record) => record.runId)).toEqual([runId])
    expect(library.runs[0]?.unsaved).toMatch(/EEXIST|ENOTDIR/)
    expect(library.runs[0]?.history.map((point) => point.epoch)).toEqual([1, 2])
    expect(library.runs[0]?.result.saveError).toBeUndefined()

    // The folder fixed, the next save of anything saves the run too.
    unlinkSync(join(data, 'runs'))
    await service.invoke('saveSong', [NABIYA_ABC])
    expect(existsSync(join(data, 'runs', `${runId}.json`))).toBe(true)
    const reloaded = await new StudioLibrary(data).load()
    expect(reloaded.runs.map((record) => [record.runId, record.unsaved, record.result.params])).toEqual([[runId, undefined, 42]])
    expect(reloaded.problems).toEqual([])
  })

  it('records a run whose training process died as failed, with why and its curve so far; not a stop or a run refused at once', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-service-'))
    const { training, failed, run } = studio(data)
    const crashed = await run(2)
    const error = { name: 'TrainingProcessError', message: 'the training process was killed (SIGKILL); start the run again' }
    training.emit('error', { runId: crashed, error })
    const stopped = await run(0)
    training.emit('error', { runId: stopped, error: { name: 'TrainingCancelledError', message: 'training cancelled after 0 epochs' } })
    const refused = await run(0)
    training.emit('error', { runId: refused, error: { name: 'OptionError', message: 'val_loss is measured on held-out songs' } })
    await until(() => failed.length === 3)

    const library = await new StudioLibrary(data).load()
    expect(library.runs).toEqual([])
    expect(library.failedRuns).toHaveLength(1)
    expect(library.failedRuns?.[0]).toMatchObject({ runId: crashed, status: 'failed', error, request: { model: 'lstm', epochs: 3 } })
    expect(library.failedRuns?.[0]?.history.map((point) => point.epoch)).toEqual([1, 2])
  })

  it('skips a run record that is damaged or crafted, naming the file, and loads the rest', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-service-'))
    const { training, done, run } = studio(data)
    const good = await run(1)
    training.emit('done', recordOf(good, 1))
    await until(() => done.length === 1)
    expect(done[0]?.saveError).toBeUndefined()
    const record = JSON.parse(readFileSync(join(data, 'runs', `${good}.json`), 'utf8'))
    // Before, this loaded and the UI failed on the missing full-song prediction.
    writeFileSync(join(data, 'runs', 'run-no-full-song.json'), JSON.stringify({ ...record, runId: 'run-no-full-song', result: { ...record.result, fullSong: undefined } }))
    writeFileSync(join(data, 'runs', 'run-huge.json'), JSON.stringify({ ...record, runId: 'run-huge', result: { ...record.result, oneStep: { ...record.result.oneStep, wrong: Array(60_000).fill(0) } } }))
    writeFileSync(join(data, 'runs', 'run-cut.json'), JSON.stringify(record).slice(0, 50))
    mkdirSync(join(data, 'runs', 'run-folder.json'))
    const library = await new StudioLibrary(data).load()
    expect(library.runs.map((r) => r.runId)).toEqual([good])
    expect(library.problems).toHaveLength(4)
    expect(library.problems.find((p) => p.includes('run-no-full-song.json'))).toMatch(/damaged or not one of ours: result\.fullSong: .*; it was skipped$/)
    expect(library.problems.find((p) => p.includes('run-huge.json'))).toMatch(/result\.oneStep\.wrong: /)
    expect(library.problems.find((p) => p.includes('run-cut.json'))).toMatch(/not JSON, or is cut short/)
    expect(library.problems.find((p) => p.includes('run-folder.json'))).toMatch(/cannot be read/)
  })
})

describe('settings', () => {
  it('keeps what a save does not name: MIDI input stays on when only the language changes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'studio-settings-'))
    const library = new StudioLibrary(folder)
    await library.saveSettings({ midiInput: true })
    await library.saveSettings({ language: 'ko' })
    expect((await new StudioLibrary(folder).load()).settings).toEqual({ language: 'ko', midiInput: true })
    rmSync(folder, { recursive: true, force: true })
  })
})
