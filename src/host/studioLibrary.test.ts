// The studio's library on disk, each test in a folder of its own: the song and settings saved and
// read back, runs listed oldest first whatever their format, a run that cannot be saved kept in
// memory until the next save, and files that cannot be read skipped with a problem naming them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SAVED_JSON_MAX_BYTES } from '../shared/limits'
import type { MelodyValue, RunRecord, RunRequest, TrainingResult } from '../shared/studioApi'
import { StudioLibrary } from './studioLibrary'

const SONG = 'X:1\nT:Butterfly\nM:2/4\nL:1/8\nK:C\nG E E2|F D D2|\n'
/** The song as a melody value (what a run trains on): four quavers. */
const MELODY: MelodyValue = {
  title: 'Butterfly',
  tempo: 120,
  meter: { numerator: 2, denominator: 4 },
  key: { tonic: 'C', mode: 'major', fifths: 0 },
  notes: [67, 64, 64, 65].map((pitch, i) => ({ pitch, startTicks: i * 240, durationTicks: 240 }))
}
const REQUEST: RunRequest = { melody: MELODY, abc: SONG, model: 'lstm', epochs: 3, untilPerfect: false }

const folders: string[] = []
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'studio-library-'))
  folders.push(folder)
  return folder
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function recordOf(runId: string, savedAt: string, epochs = 2): RunRecord {
  const prediction = { accuracy: 0.5, abc: 'X:1\nK:C\nC D E F|\n', melody: MELODY, wrong: [1] }
  const result: TrainingResult = { runId, model: 'lstm', backend: 'cpu', params: 42, epochs, trainMs: 10, oneStep: prediction, fullSong: prediction }
  const history = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), accuracy: (i + 1) / epochs }))
  return { format: 'melody-studio-run', version: 2, runId, savedAt, request: REQUEST, history, result }
}

function writeRun(folder: string, fileName: string, json: unknown): void {
  mkdirSync(join(folder, 'runs'), { recursive: true })
  writeFileSync(join(folder, 'runs', fileName), typeof json === 'string' ? json : JSON.stringify(json))
}

describe('StudioLibrary: the song and the settings', () => {
  it('reads back the song it autosaved, and has none (and no problem) on a first start', async () => {
    const folder = freshFolder()
    expect(await new StudioLibrary(folder).load()).toEqual({ song: null, settings: {}, runs: [], failedRuns: [], problems: [] })
    await new StudioLibrary(folder).saveSong(SONG)
    const second = 'X:1\nT:Second\nK:C\nCDEF|\n'
    const library = new StudioLibrary(join(folder, 'nested', 'data'))
    await library.saveSong(SONG)
    await library.saveSong(second)
    expect((await new StudioLibrary(folder).load()).song).toBe(SONG)
    // The last save wins, in a data folder made on the first save.
    expect((await new StudioLibrary(join(folder, 'nested', 'data')).load()).song).toBe(second)
  })

  it('merges settings: a save names only what it changes and keeps the rest', async () => {
    const folder = freshFolder()
    const library = new StudioLibrary(folder)
    await library.saveSettings({ midiInput: true })
    await library.saveSettings({ language: 'ko' })
    expect((await new StudioLibrary(folder).load()).settings).toEqual({ language: 'ko', midiInput: true })
    await library.saveSettings({ midiInput: false })
    await library.saveSettings({})
    expect((await new StudioLibrary(folder).load()).settings).toEqual({ language: 'ko', midiInput: false })
  })

  it('drops unknown and malformed settings on read, keeping the rest, and saves over them', async () => {
    const folder = freshFolder()
    writeFileSync(join(folder, 'settings.json'), JSON.stringify({ language: 'fr', midiInput: true, theme: 'dark' }))
    const library = new StudioLibrary(folder)
    const loaded = await library.load()
    expect(loaded.settings).toStrictEqual({ midiInput: true })
    expect(loaded.problems).toEqual([])
    writeFileSync(join(folder, 'settings.json'), JSON.stringify({ language: 'ko', midiInput: 'yes' }))
    expect((await library.load()).settings).toStrictEqual({ language: 'ko' })
    // A save keeps only what reads as settings.
    writeFileSync(join(folder, 'settings.json'), JSON.stringify({ language: 'xx', midiInput: true, theme: 'dark' }))
    await library.saveSettings({ language: 'en' })
    expect(JSON.parse(readFileSync(join(folder, 'settings.json'), 'utf8'))).toStrictEqual({ midiInput: true, language: 'en' })
  })

  it('uses the defaults for a damaged settings file, saying so, and a save replaces it', async () => {
    const folder = freshFolder()
    writeFileSync(join(folder, 'settings.json'), '{"language":')
    const library = new StudioLibrary(folder)
    const loaded = await library.load()
    expect(loaded.settings).toEqual({})
    expect(loaded.problems).toHaveLength(1)
    expect(loaded.problems[0]).toMatch(/settings\.json is not JSON, or is cut short.*; defaults are used$/)
    await library.saveSettings({ language: 'ko' })
    expect(await new StudioLibrary(folder).load()).toMatchObject({ settings: { language: 'ko' }, problems: [] })
  })
})

describe('StudioLibrary: runs', () => {
  it('lists finished runs oldest first by savedAt, whatever their file names, and failed runs apart', async () => {
    const folder = freshFolder()
    writeRun(folder, 'run-a.json', recordOf('run-a', '2024-03-01T00:00:00.000Z'))
    writeRun(folder, 'run-b.json', recordOf('run-b', '2024-01-01T00:00:00.000Z'))
    writeRun(folder, 'run-c.json', recordOf('run-c', '2024-02-01T00:00:00.000Z'))
    const library = new StudioLibrary(folder)
    await library.saveFailedRun(REQUEST, [{ epoch: 1, loss: 2, accuracy: 0 }], 'run-f', { name: 'TrainingProcessError', message: 'the training process was killed' })
    // Not a record: ignored without a problem.
    writeFileSync(join(folder, 'runs', 'notes.txt'), 'hello')
    const loaded = await new StudioLibrary(folder).load()
    expect(loaded.runs.map((record) => record.runId)).toEqual(['run-b', 'run-c', 'run-a'])
    expect(loaded.runs[0]).toEqual(recordOf('run-b', '2024-01-01T00:00:00.000Z'))
    expect(loaded.failedRuns).toEqual([
      expect.objectContaining({ runId: 'run-f', status: 'failed', request: REQUEST, history: [{ epoch: 1, loss: 2, accuracy: 0 }], error: { name: 'TrainingProcessError', message: 'the training process was killed' } })
    ])
    expect(loaded.failedRuns?.[0]?.unsaved).toBeUndefined()
    expect(loaded.problems).toEqual([])
  })

  it('lists a command-line record of version 1 placed in runs/, migrated to version 2', async () => {
    const folder = freshFolder()
    writeRun(folder, 'jigs.json', {
      format: 'melody-studio-run',
      version: 1,
      name: 'Jigs corpus',
      kind: 'stateful-lstm',
      params: 1234,
      trainedOn: '34 songs',
      epochs: 7,
      trainMs: 2500,
      path: 'fast-cpu',
      history: [{ epoch: 1, loss: 1, accuracy: 0.25 }],
      oneStep: 0.5,
      fullSong: 0.25
    })
    writeRun(folder, 'run-new.json', recordOf('run-new', '2024-01-01T00:00:00.000Z'))
    const loaded = await new StudioLibrary(folder).load()
    expect(loaded.problems).toEqual([])
    expect(loaded.runs.map((record) => record.runId)).toEqual(['run-jigs-corpus', 'run-new'])
    expect(loaded.runs[0]).toMatchObject({
      format: 'melody-studio-run',
      version: 2,
      runId: 'run-jigs-corpus',
      name: 'Jigs corpus',
      trainedOn: '34 songs',
      request: { model: 'stateful-lstm', epochs: 7 },
      history: [{ epoch: 1, loss: 1, accuracy: 0.25 }],
      result: { runId: 'run-jigs-corpus', model: 'stateful-lstm', params: 1234, epochs: 7, trainMs: 2500, trainingPath: 'fast-cpu', oneStep: { accuracy: 0.5 }, fullSong: { accuracy: 0.25 } }
    })
  })

  it('lists a record in the library’s older format (no format, no version, songs as ABC only) as it is', async () => {
    const folder = freshFolder()
    // As the library wrote records before the shared format: no format or version, the request's
    // song as ABC and the predictions as ABC, with no melody values.
    const prediction = { accuracy: 0.75, abc: 'X:1\nK:C\nG E E2|\n', wrong: [2] }
    const result = { runId: 'run-old', model: 'lstm', backend: 'cpu', params: 42, epochs: 2, trainMs: 10, oneStep: prediction, fullSong: { ...prediction, accuracy: 0.5 } }
    const history = [
      { epoch: 1, loss: 1, accuracy: 0.5 },
      { epoch: 2, loss: 0.5, accuracy: 0.75 }
    ]
    const old = { runId: 'run-old', savedAt: '2023-06-01T00:00:00.000Z', request: { abc: SONG, model: 'lstm', epochs: 2, untilPerfect: false }, history, result }
    writeRun(folder, 'run-old.json', { ...old, retired: 'a field an older studio wrote' })
    const library = new StudioLibrary(folder)
    const loaded = await library.load()
    expect(loaded.problems).toEqual([])
    expect(loaded.runs).toHaveLength(1)
    expect(loaded.runs[0]).toMatchObject({ runId: 'run-old', savedAt: '2023-06-01T00:00:00.000Z', request: old.request, history })
    expect(loaded.runs[0]?.result).toMatchObject({ params: 42, oneStep: { accuracy: 0.75, abc: prediction.abc, wrong: [2] }, fullSong: { accuracy: 0.5 } })
    // Migrated: the melodies it never kept are read from its ABC (G E E2 | F D D2).
    expect(loaded.runs[0]?.request.melody?.notes.map((note) => note.pitch)).toEqual([67, 64, 64, 65, 62, 62])
    expect(loaded.runs[0]?.result.oneStep.melody.notes.map((note) => note.pitch)).toEqual([67, 64, 64])
    // And it can be gone on from.
    expect((await library.loadRun('run-old'))?.result.params).toBe(42)
  })

  it('loads a finished run by id, and nothing for a failed run, a missing one, a damaged one or one filed under another id', async () => {
    const folder = freshFolder()
    const library = new StudioLibrary(folder)
    await library.saveRun(recordOf('run-done', '2024-01-01T00:00:00.000Z'))
    await library.saveFailedRun(REQUEST, [], 'run-failed', { name: 'Error', message: 'boom' })
    writeRun(folder, 'run-damaged.json', '{"runId":')
    writeRun(folder, 'run-alias.json', recordOf('run-other', '2024-01-01T00:00:00.000Z'))
    expect(await new StudioLibrary(folder).loadRun('run-done')).toEqual(recordOf('run-done', '2024-01-01T00:00:00.000Z'))
    expect(await library.loadRun('run-failed')).toBeUndefined()
    expect(await library.loadRun('run-missing')).toBeUndefined()
    expect(await library.loadRun('run-damaged')).toBeUndefined()
    expect(await library.loadRun('run-alias')).toBeUndefined()
  })
})

describe('StudioLibrary: records that cannot be saved', () => {
  /** A library whose runs folder cannot be made (a file is in its place), and how to fix it. */
  function brokenLibrary() {
    const folder = freshFolder()
    writeFileSync(join(folder, 'runs'), 'not a folder')
    return { folder, library: new StudioLibrary(folder), fix: () => unlinkSync(join(folder, 'runs')) }
  }
  const failure = { name: 'TrainingProcessError', message: 'the training process was killed (SIGKILL)' }
  const curve = [
    { epoch: 1, loss: 2, accuracy: 0.1 },
    { epoch: 2, loss: 1, accuracy: 0.2 }
  ]

  it('keeps a finished and a failed run that cannot be saved in memory, listed as unsaved with why, and loadable', async () => {
    const { library } = brokenLibrary()
    const record = recordOf('run-kept', '2024-01-01T00:00:00.000Z')
    await expect(library.saveRun(record)).rejects.toThrow(/EEXIST|ENOTDIR/)
    await expect(library.saveFailedRun(REQUEST, curve, 'run-lost', failure)).rejects.toThrow(/EEXIST|ENOTDIR/)
    const loaded = await library.load()
    expect(loaded.runs).toHaveLength(1)
    expect(loaded.runs[0]).toMatchObject({ ...record, unsaved: expect.stringMatching(/EEXIST|ENOTDIR/) })
    expect(loaded.failedRuns).toHaveLength(1)
    expect(loaded.failedRuns?.[0]).toMatchObject({ runId: 'run-lost', status: 'failed', history: curve, error: failure, unsaved: expect.stringMatching(/EEXIST|ENOTDIR/) })
    // The runs folder is a file: that is a problem to report too.
    expect(loaded.problems).toEqual([expect.stringMatching(/^the runs folder could not be read: .*ENOTDIR/)])
    // Held in memory, a finished one can be gone on from; a failed one cannot.
    expect(await library.loadRun('run-kept')).toEqual(record)
    expect(await library.loadRun('run-lost')).toBeUndefined()
  })

  it('writes the held records with the next save of anything once the folder is fixed (a settings save here)', async () => {
    const { folder, library, fix } = brokenLibrary()
    await expect(library.saveRun(recordOf('run-kept', '2024-01-01T00:00:00.000Z'))).rejects.toThrow()
    await expect(library.saveFailedRun(REQUEST, curve, 'run-lost', failure)).rejects.toThrow()
    // Still broken: a save of settings succeeds, the records stay held (and the save does not throw).
    await library.saveSettings({ language: 'ko' })
    expect((await library.load()).runs[0]?.unsaved).toBeDefined()
    fix()
    await library.saveSettings({ midiInput: true })
    expect(existsSync(join(folder, 'runs', 'run-kept.json'))).toBe(true)
    expect(existsSync(join(folder, 'runs', 'run-lost.json'))).toBe(true)
    // Read back by another library (nothing in memory): both on disk, none unsaved, no problems.
    const reloaded = await new StudioLibrary(folder).load()
    expect(reloaded.runs.map((record) => [record.runId, record.unsaved])).toEqual([['run-kept', undefined]])
    expect(reloaded.failedRuns?.map((record) => [record.runId, record.unsaved, record.history])).toEqual([['run-lost', undefined, curve]])
    expect(reloaded.problems).toEqual([])
    expect(reloaded.settings).toEqual({ language: 'ko', midiInput: true })
    // And the first library no longer lists them twice.
    const again = await library.load()
    expect(again.runs.map((record) => record.runId)).toEqual(['run-kept'])
    expect(again.failedRuns?.map((record) => record.runId)).toEqual(['run-lost'])
  })

  it('writes a held failed run with the next run’s save', async () => {
    const { folder, library, fix } = brokenLibrary()
    await expect(library.saveFailedRun(REQUEST, curve, 'run-lost', failure)).rejects.toThrow()
    fix()
    await library.saveRun(recordOf('run-next', '2024-01-01T00:00:00.000Z'))
    const reloaded = await new StudioLibrary(folder).load()
    expect(reloaded.runs.map((record) => record.runId)).toEqual(['run-next'])
    expect(reloaded.failedRuns?.map((record) => [record.runId, record.unsaved])).toEqual([['run-lost', undefined]])
  })
  it('lists a held run once when a record of it is on disk too (under another file name)', async () => {
    const folder = freshFolder()
    const record = recordOf('run-twice', '2024-01-01T00:00:00.000Z')
    writeRun(folder, 'copy-of-run-twice.json', record)
    // Its own file's place is taken by a folder with something in it: every save of it fails.
    mkdirSync(join(folder, 'runs', 'run-twice.json', 'inside'), { recursive: true })
    const library = new StudioLibrary(folder)
    await expect(library.saveRun(record)).rejects.toThrow()
    const loaded = await library.load()
    expect(loaded.runs.map((run) => [run.runId, run.unsaved])).toEqual([['run-twice', undefined]])
  })
})

describe('StudioLibrary: files over the size limit', () => {
  it('skips a run record over SAVED_JSON_MAX_BYTES with a problem naming it, and loads the rest', async () => {
    const folder = freshFolder()
    writeRun(folder, 'run-good.json', recordOf('run-good', '2024-01-01T00:00:00.000Z'))
    writeRun(folder, 'run-huge.json', '')
    // Sparse: a file of the limit plus one byte that takes no room on disk.
    truncateSync(join(folder, 'runs', 'run-huge.json'), SAVED_JSON_MAX_BYTES + 1)
    const library = new StudioLibrary(folder)
    const loaded = await library.load()
    expect(loaded.runs.map((record) => record.runId)).toEqual(['run-good'])
    expect(loaded.problems).toHaveLength(1)
    expect(loaded.problems[0]).toContain('run-huge.json')
    expect(loaded.problems[0]).toMatch(/SAVED_JSON_MAX_BYTES.*; it was skipped$/)
    expect(await library.loadRun('run-huge')).toBeUndefined()
  })

  it('a record of exactly SAVED_JSON_MAX_BYTES is not refused for its size', async () => {
    const folder = freshFolder()
    const json = JSON.stringify(recordOf('run-edge', '2024-01-01T00:00:00.000Z'))
    // JSON with trailing spaces up to the limit: still one record.
    writeRun(folder, 'run-edge.json', '')
    writeFileSync(join(folder, 'runs', 'run-edge.json'), json + ' '.repeat(SAVED_JSON_MAX_BYTES - json.length))
    const loaded = await new StudioLibrary(folder).load()
    expect(loaded.problems).toEqual([])
    expect(loaded.runs.map((record) => record.runId)).toEqual(['run-edge'])
  })

  it('skips an autosaved song over the limit with a problem naming it, and still loads the settings', async () => {
    const folder = freshFolder()
    const library = new StudioLibrary(folder)
    await library.saveSettings({ language: 'ko' })
    writeFileSync(join(folder, 'song.json'), '')
    truncateSync(join(folder, 'song.json'), SAVED_JSON_MAX_BYTES + 1)
    const loaded = await library.load()
    expect(loaded.song).toBeNull()
    expect(loaded.settings).toEqual({ language: 'ko' })
    expect(loaded.problems).toEqual([expect.stringMatching(/song\.json.*SAVED_JSON_MAX_BYTES.*; the song was skipped$/)])
  })
})

describe('StudioLibrary: deleting a run', () => {
  it('deletes a finished run’s record and its saved model, and a failed run’s record; the others stay', async () => {
    const folder = freshFolder()
    const library = new StudioLibrary(folder)
    await library.saveRun(recordOf('run-gone', '2024-01-01T00:00:00.000Z'))
    await library.saveRun(recordOf('run-kept', '2024-01-02T00:00:00.000Z'))
    await library.saveFailedRun(REQUEST, [{ epoch: 1, loss: 1, accuracy: 0 }], 'run-failed', { name: 'TrainingProcessError', message: 'killed' })
    for (const runId of ['run-gone', 'run-kept']) {
      mkdirSync(join(library.modelsFolder, runId), { recursive: true })
      writeFileSync(join(library.modelsFolder, runId, 'model.json'), '{}')
    }
    await library.deleteRun('run-gone')
    await library.deleteRun('run-failed')
    expect(existsSync(join(folder, 'runs', 'run-gone.json'))).toBe(false)
    expect(existsSync(join(library.modelsFolder, 'run-gone'))).toBe(false)
    expect(existsSync(join(library.modelsFolder, 'run-kept', 'model.json'))).toBe(true)
    const loaded = await new StudioLibrary(folder).load()
    expect(loaded.runs.map((record) => record.runId)).toEqual(['run-kept'])
    expect(loaded.failedRuns).toEqual([])
  })

  it('refuses a run it does not have, naming it, and deletes nothing', async () => {
    const folder = freshFolder()
    const library = new StudioLibrary(folder)
    await library.saveRun(recordOf('run-kept', '2024-01-02T00:00:00.000Z'))
    await expect(library.deleteRun('run-nowhere')).rejects.toMatchObject({ name: 'InvalidMessageError', message: 'there is no run run-nowhere to delete' })
    expect((await library.load()).runs.map((record) => record.runId)).toEqual(['run-kept'])
  })

  it('deletes a run held in memory because it could not be saved: it is neither listed nor written later', async () => {
    const folder = freshFolder()
    writeFileSync(join(folder, 'runs'), 'not a folder')
    const library = new StudioLibrary(folder)
    await expect(library.saveRun(recordOf('run-held', '2024-01-01T00:00:00.000Z'))).rejects.toThrow(/EEXIST|ENOTDIR/)
    await library.deleteRun('run-held')
    unlinkSync(join(folder, 'runs'))
    await library.saveSong(SONG)
    expect(existsSync(join(folder, 'runs', 'run-held.json'))).toBe(false)
    expect((await library.load()).runs).toEqual([])
  })
})
