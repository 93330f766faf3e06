// What happens to a run when it ends, with a stand-in for the training process: a finished run
// whose record cannot be saved is kept and the UI told why; a run that dies is recorded as failed;
// run records read back are checked, a bad one skipped with a problem that names it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { EventEmitter } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'
import { IMPORT_MAX_BYTES } from '../shared/limits'
import {
  CORPUS_MAX_BYTES,
  corpusBytes,
  type ContinuationRequest,
  type EpochPoint,
  type ExportFormat,
  type LibraryView,
  type MelodyValue,
  type ModelOptionsView,
  type RunRecord,
  type SongReport,
  type StudioArguments,
  type StudioModelKind,
  type TrainingFailure,
  type TrainingRequest,
  type TrainingResult
} from '../shared/studioApi'
import { STUDIO_METHOD_NAMES, type StudioMethod } from '../shared/studioContract'
import { InvalidMessageError } from '../shared/studioErrors'
import { buildProjectFile } from '../usecases/projectFiles'
import { readSongReport } from '../usecases/songFiles'
import { StudioLibrary } from './studioLibrary'
import { runRequest, StudioService } from './studioService'
import type { TrainingHost, TrainingHostEvents } from './trainingHost'

const NABIYA_ABC = readFileSync(join(REPO_ROOT, 'resources/songs/nabiya.abc'), 'utf8')
/** 나비야 as the UI sends it: the melody checkSong read from its ABC. */
const NABIYA = melodyOf(NABIYA_ABC)
const REQUEST: TrainingRequest = { melody: NABIYA, abc: NABIYA_ABC, model: 'lstm', epochs: 3, untilPerfect: false }

function melodyOf(abc: string): MelodyValue {
  const { melody } = readSongReport(abc)
  if (!melody) throw new Error('the test song has no melody')
  return melody
}

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
  const prediction = { accuracy: 0.5, abc: 'X:1\nK:C\nC D E F|\n', melody: melodyOf('X:1\nK:C\nC D E F|\n'), wrong: [1] }
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

// ── Routing and checking, with a training host that records what it is asked ──────────────────

const APP = { name: 'test', version: '0', electron: null }
const BOOK = 'X:1\nT:First\nK:C\nCDEF|\n\nX:2\nT:Second\nK:G\nGABc|\n'
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

/** A training host that records every call made of it and answers each with a value of its own. */
class RecordingTraining extends EventEmitter<TrainingHostEvents> {
  readonly calls: unknown[][] = []
  private next = 1
  start(request: TrainingRequest, earlier?: readonly EpochPoint[]): string {
    this.calls.push(['start', request, earlier])
    return `run-fake-${this.next++}`
  }
  predictAgain(runId: string) {
    this.calls.push(['predictAgain', runId])
    return Promise.resolve({ answeredBy: 'predictAgain' })
  }
  traceRun(runId: string, fullSong: boolean) {
    this.calls.push(['traceRun', runId, fullSong])
    return Promise.resolve({ answeredBy: 'traceRun' })
  }
  continueMelody(runId: string, request: ContinuationRequest) {
    this.calls.push(['continueMelody', runId, request])
    return Promise.resolve([{ seed: 7, abc: 'answeredBy continueMelody' }])
  }
  exportSong(melody: MelodyValue, format: ExportFormat) {
    this.calls.push(['exportSong', melody, format])
    return Promise.resolve({ fileName: 'answeredBy.exportSong', mimeType: 'x', base64: '' })
  }
  describeModel(melody: MelodyValue, model: StudioModelKind, options: ModelOptionsView) {
    this.calls.push(['describeModel', melody, model, options])
    return Promise.resolve({ answeredBy: 'describeModel' })
  }
  backend() {
    this.calls.push(['backend'])
    return Promise.resolve({ name: 'answeredBy backend', skipped: [] })
  }
  stop(runId: string): void {
    this.calls.push(['stop', runId])
  }
  dispose(): void {}
}

/** A service over a recording training host and a library in a fresh folder; events awaited, never polled. */
function recordingStudio() {
  const data = mkdtempSync(join(tmpdir(), 'studio-service-routing-'))
  const training = new RecordingTraining()
  const events: { event: string; payload: unknown }[] = []
  let wake: (() => void)[] = []
  /** The desktop's drag and clipboard, recorded: the files handed to each. */
  const desktop = {
    tempFolder: join(data, 'temp'),
    dragged: [] as string[],
    copied: [] as string[],
    startFileDrag(path: string) {
      desktop.dragged.push(path)
    },
    copyFileToClipboard(path: string) {
      desktop.copied.push(path)
      return Promise.resolve()
    }
  }
  const service = new StudioService(
    APP,
    (event, payload) => {
      events.push({ event, payload })
      for (const resolve of wake.splice(0)) resolve()
    },
    new StudioLibrary(data),
    training as unknown as TrainingHost,
    desktop
  )
  /** Resolves once `count` events of the name have been emitted. */
  const eventsOf = async (name: string, count = 1) => {
    const of = () => events.filter((entry) => entry.event === name)
    while (of().length < count) await new Promise<void>((resolve) => wake.push(resolve))
    return of().map((entry) => entry.payload)
  }
  const cleanUp = () => {
    wake = []
    rmSync(data, { recursive: true, force: true })
  }
  return { data, training, desktop, service, events, eventsOf, cleanUp }
}

type Studio = ReturnType<typeof recordingStudio>

/** Each method of the table: arguments that fit it, and what shows it reached its handler. */
const ROUTES: {
  [M in StudioMethod]: { args: StudioArguments<M>; before?: (studio: Studio) => Promise<unknown>; check: (answer: unknown, studio: Studio) => void | Promise<void> }
} = {
  getAppInfo: {
    args: [],
    check: (answer, { training }) => {
      expect(answer).toEqual(APP)
      expect(training.calls).toEqual([])
    }
  },
  checkSong: {
    args: ['X:1\nT:Bad\nK:C\nC D E F|\nG Q A|\n'],
    check: (answer, { training }) => {
      // Answered here, from the song: six notes, its title, the stray Q at line 5, its melody.
      expect(answer).toMatchObject({ notes: 6, title: 'Bad', problems: [{ severity: 'warning', line: 5 }] })
      expect((answer as SongReport).melody?.notes.map((note) => note.pitch)).toEqual([60, 62, 64, 65, 67, 69])
      expect(training.calls).toEqual([])
    }
  },
  describeModel: {
    args: [NABIYA, 'stateful-lstm', { units: 8, window: 3 }],
    check: (answer, { training }) => {
      expect(answer).toEqual({ answeredBy: 'describeModel' })
      expect(training.calls).toEqual([['describeModel', NABIYA, 'stateful-lstm', { units: 8, window: 3 }]])
    }
  },
  getBackend: {
    args: [],
    check: (answer, { training }) => {
      expect(answer).toEqual({ name: 'answeredBy backend', skipped: [] })
      expect(training.calls).toEqual([['backend']])
    }
  },
  startTraining: {
    args: [REQUEST],
    check: (answer, { training }) => {
      expect(answer).toEqual({ runId: 'run-fake-1' })
      // A run that goes on from nothing passes no earlier curve (not an empty one).
      expect(training.calls).toEqual([['start', REQUEST, undefined]])
    }
  },
  stopTraining: {
    args: ['run-abc'],
    check: (answer, { training }) => {
      expect(answer).toBeUndefined()
      expect(training.calls).toEqual([['stop', 'run-abc']])
    }
  },
  predictAgain: {
    args: ['run-abc'],
    check: (answer, { training }) => {
      expect(answer).toEqual({ answeredBy: 'predictAgain' })
      expect(training.calls).toEqual([['predictAgain', 'run-abc']])
    }
  },
  traceRun: {
    args: ['run-abc', true],
    check: (answer, { training }) => {
      expect(answer).toEqual({ answeredBy: 'traceRun' })
      expect(training.calls).toEqual([['traceRun', 'run-abc', true]])
    }
  },
  continueMelody: {
    args: ['run-abc', { bars: 4, temperature: 0.5, topK: 3, seed: 9, variations: 2, prime: melodyOf('X:1\nK:C\nCDEF|\n') }],
    check: (answer, { training }) => {
      expect(answer).toEqual([{ seed: 7, abc: 'answeredBy continueMelody' }])
      expect(training.calls).toEqual([['continueMelody', 'run-abc', { bars: 4, temperature: 0.5, topK: 3, seed: 9, variations: 2, prime: melodyOf('X:1\nK:C\nCDEF|\n') }]])
    }
  },
  exportSong: {
    args: [NABIYA, 'svg'],
    check: (answer, { training }) => {
      expect(answer).toEqual({ fileName: 'answeredBy.exportSong', mimeType: 'x', base64: '' })
      expect(training.calls).toEqual([['exportSong', NABIYA, 'svg']])
    }
  },
  importFile: {
    // The tune book's second tune, picked: decoded from base64 and answered here.
    args: ['book.abc', base64(BOOK), '2'],
    check: (answer, { training }) => {
      expect(answer).toEqual({
        abc: 'X:2\nT:Second\nK:G\nGABc|\n',
        choices: [
          { id: '1', label: 'X:1 First' },
          { id: '2', label: 'X:2 Second' }
        ],
        warnings: []
      })
      expect(training.calls).toEqual([])
    }
  },
  loadLibrary: {
    args: [],
    check: async (answer, { data, training }) => {
      expect(answer).toEqual(await new StudioLibrary(data).load())
      expect(answer).toMatchObject({ song: 'X:1\nT:Saved before\nK:C\nC|\n' })
      expect(training.calls).toEqual([])
    }
  },
  saveSong: {
    args: [NABIYA_ABC],
    check: async (answer, { data, training }) => {
      expect(answer).toBeUndefined()
      expect((await new StudioLibrary(data).load()).song).toBe(NABIYA_ABC)
      expect(training.calls).toEqual([])
    }
  },
  deleteRun: {
    args: ['run-abc'],
    before: ({ data }) => new StudioLibrary(data).saveRun(recordOf('run-abc', 2)),
    check: async (answer, { data, training }) => {
      expect(answer).toBeUndefined()
      expect(existsSync(join(data, 'runs', 'run-abc.json'))).toBe(false)
      expect((await new StudioLibrary(data).load()).runs).toEqual([])
      expect(training.calls).toEqual([])
    }
  },
  saveProject: {
    args: [NABIYA_ABC],
    before: async ({ data }) => {
      await new StudioLibrary(data).saveRun(recordOf('run-abc', 2))
      mkdirSync(join(data, 'models', 'run-abc'), { recursive: true })
      writeFileSync(join(data, 'models', 'run-abc', 'model.json'), '{"weights":"here"}')
    },
    check: (answer, { training }) => {
      // Answered here, from the library: the song, its run and the run's model, as JSON.
      const file = answer as { fileName: string; mimeType: string; base64: string }
      expect(file.fileName).toBe('나비야 (Butterfly).mstudio')
      const project = JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8'))
      expect(project).toMatchObject({ format: 'melody-studio-project', version: 1, song: { abc: NABIYA_ABC }, runs: [{ record: { runId: 'run-abc' } }] })
      expect(Buffer.from(project.runs[0].model['model.json'], 'base64').toString()).toBe('{"weights":"here"}')
      expect(training.calls).toEqual([])
    }
  },
  openProject: {
    args: ['nabiya.mstudio', buildProjectFile({ abc: NABIYA_ABC, title: '나비야' }, [{ record: recordOf('run-abc', 2), model: new Map([['weights.bin', new Uint8Array([1, 2, 3])]]) }]).base64],
    check: async (answer, { data, training }) => {
      expect(answer).toMatchObject({ song: NABIYA_ABC, runs: [{ runId: 'run-abc' }] })
      expect((await new StudioLibrary(data).load()).runs.map((run) => run.runId)).toEqual(['run-abc'])
      expect([...readFileSync(join(data, 'models', 'run-abc', 'weights.bin'))]).toEqual([1, 2, 3])
      expect(training.calls).toEqual([])
    }
  },
  saveSettings: {
    args: [{ language: 'ko' }],
    check: async (answer, { data, training }) => {
      expect(answer).toBeUndefined()
      expect((await new StudioLibrary(data).load()).settings).toEqual({ language: 'ko', midiInput: true })
      expect(training.calls).toEqual([])
    }
  },
  startMidiDrag: {
    args: [NABIYA, '../Nabiya: drag'],
    check: (answer, { data, desktop, training }) => {
      // Written here (notation only), in the temporary folder, under a name that is no path.
      expect(answer).toBeUndefined()
      expect(desktop.dragged).toEqual([join(data, 'temp', 'Nabiya drag.mid')])
      expect(readFileSync(join(data, 'temp', 'Nabiya drag.mid')).subarray(0, 4).toString('latin1')).toBe('MThd')
      expect(desktop.copied).toEqual([])
      expect(training.calls).toEqual([])
    }
  },
  copyMidiFile: {
    args: [NABIYA, 'Nabiya'],
    check: (answer, { data, desktop, training }) => {
      expect(answer).toBeUndefined()
      expect(desktop.copied).toEqual([join(data, 'temp', 'Nabiya.mid')])
      expect(desktop.dragged).toEqual([])
      expect(training.calls).toEqual([])
    }
  }
}

describe('the studio service without a desktop (web mode)', () => {
  it('refuses to drag or copy files: the page has its own download link there', async () => {
    const data = mkdtempSync(join(tmpdir(), 'studio-service-web-'))
    try {
      const service = new StudioService(APP, () => undefined, new StudioLibrary(data), new RecordingTraining() as unknown as TrainingHost)
      await expect(service.invoke('startMidiDrag', [NABIYA, 'Nabiya'])).rejects.toThrow(/startMidiDrag: only the desktop app/)
      await expect(service.invoke('copyMidiFile', [NABIYA, 'Nabiya'])).rejects.toThrow(InvalidMessageError)
      expect(existsSync(join(data, 'temp'))).toBe(false)
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  })
})

describe('the studio service routes every method of the table', () => {
  it('has a routing case for every method of STUDIO_METHODS, and no other', () => {
    expect(Object.keys(ROUTES).sort()).toEqual([...STUDIO_METHOD_NAMES].sort())
  })

  for (const method of STUDIO_METHOD_NAMES) {
    it(`routes ${method}`, async () => {
      const studio = recordingStudio()
      try {
        // What the library methods are checked against: a song and a setting saved before.
        const library = new StudioLibrary(studio.data)
        await library.saveSong('X:1\nT:Saved before\nK:C\nC|\n')
        await library.saveSettings({ midiInput: true })
        await ROUTES[method].before?.(studio)
        const answer = await studio.service.invoke(method, ROUTES[method].args)
        await ROUTES[method].check(answer, studio)
      } finally {
        studio.cleanUp()
      }
    })
  }
})

describe('the studio service refuses arguments that do not fit the method’s schema, before any handler runs', () => {
  const cases: [StudioMethod, string, unknown, RegExp][] = [
    ['getAppInfo', 'an argument too many', ['extra'], /^getAppInfo: /],
    ['getBackend', 'arguments that are not a list', { not: 'a list' }, /^getBackend: arguments /],
    ['checkSong', 'a song that is not text', [42], /^checkSong: 0 /],
    ['describeModel', 'a song as ABC text instead of a melody', [NABIYA_ABC, 'mlp', {}], /^describeModel: 0 /],
    ['describeModel', 'a melody at tempo 0', [{ ...NABIYA, tempo: 0 }, 'mlp', {}], /^describeModel: 0\.tempo /],
    ['describeModel', 'an unknown model kind', [NABIYA, 'gru', {}], /^describeModel: 1 /],
    ['describeModel', '0 units', [NABIYA, 'mlp', { units: 0 }], /^describeModel: 2\.units /],
    ['describeModel', 'an option it does not know', [NABIYA, 'mlp', { colour: 'red' }], /^describeModel: 2 .*colour/],
    ['startTraining', '0 epochs', [{ ...REQUEST, epochs: 0 }], /^startTraining: 0\.epochs /],
    ['startTraining', 'a pitch over 127', [{ ...REQUEST, melody: { ...NABIYA, notes: [{ pitch: 128, startTicks: 0, durationTicks: 480 }] } }], /^startTraining: 0\.melody\.notes\.0\.pitch /],
    ['startTraining', 'a request with no song and no corpus', [{ model: 'lstm', epochs: 3, untilPerfect: false }], /^startTraining: 0 .*\(melody\).*\(corpus\)/],
    ['startTraining', 'a resumeFrom run id that is a path', [{ ...REQUEST, resumeFrom: { runId: '../run-a', afterEpoch: 1 } }], /^startTraining: 0\.resumeFrom\.runId /],
    ['stopTraining', 'a run id that is a path', ['../../etc/passwd'], /^stopTraining: 0 /],
    ['predictAgain', 'no run id', [], /^predictAgain: /],
    ['continueMelody', '0 bars', ['run-a', { bars: 0, temperature: 0, seed: 1, variations: 1 }], /^continueMelody: 1\.bars /],
    ['exportSong', 'an unknown format', [NABIYA, 'ogg'], /^exportSong: 1 /],
    ['exportSong', 'an unknown instrument', [NABIYA, 'wav', { instrument: 'kazoo' }], /^exportSong: 2\.instrument /],
    ['exportSong', 'a tempo out of range', [NABIYA, 'mp3', { tempo: 0 }], /^exportSong: 2\.tempo /],
    ['exportSong', 'a note before the start', [{ ...NABIYA, notes: [{ pitch: 60, startTicks: -1, durationTicks: 480 }] }, 'midi'], /^exportSong: 0\.notes\.0\.startTicks /],
    ['importFile', 'an empty file name', ['', base64(BOOK)], /^importFile: 0 /],
    ['loadLibrary', 'arguments that are not a list', 'all of it', /^loadLibrary: arguments /],
    ['saveSong', 'a song that is not text', [null], /^saveSong: 0 /],
    ['saveSettings', 'a language it does not have', [{ language: 'fr' }], /^saveSettings: 0\.language /],
    ['deleteRun', 'a run id that is a path', ['runs/../../home'], /^deleteRun: 0 /],
    ['saveProject', 'a song that is not text', [{ abc: 'X:1' }], /^saveProject: 0 /],
    ['openProject', 'a file that is not text', ['song.mstudio', 42], /^openProject: 1 /]
  ]
  for (const [method, what, args, message] of cases) {
    it(`refuses ${method} with ${what}, naming the method and the field`, async () => {
      const studio = recordingStudio()
      try {
        const refused = studio.service.invoke(method, args)
        await expect(refused).rejects.toBeInstanceOf(InvalidMessageError)
        await expect(refused).rejects.toThrow(message)
        // No handler ran: the training host was asked nothing and the library wrote nothing.
        expect(studio.training.calls).toEqual([])
        expect(readdirSync(studio.data)).toEqual([])
      } finally {
        studio.cleanUp()
      }
    })
  }
})

describe('startTraining', () => {
  const corpusOf = (...lengths: number[]) => ({
    files: lengths.map((length, i) => ({ name: `song-${i}.abc`, base64: 'A'.repeat(length) })),
    validationShare: 0.1,
    transpose: 0
  })
  // The largest file the schema takes: 11,184,812 base64 characters, 8,388,609 bytes.
  const LARGEST = Math.ceil(IMPORT_MAX_BYTES / 3) * 4

  it('refuses a song with no notes (none, or rests only) before starting anything', async () => {
    const { service, training, cleanUp } = recordingStudio()
    const rests = [0, 1920].map((startTicks) => ({ pitch: null, startTicks, durationTicks: 1920 }))
    for (const notes of [[], rests]) {
      const refused = service.invoke('startTraining', [{ ...REQUEST, melody: { ...NABIYA, notes } }])
      await expect(refused).rejects.toBeInstanceOf(InvalidMessageError)
      await expect(refused).rejects.toThrow('the song has no notes to train on')
    }
    // One sounding note is enough.
    const one = { ...NABIYA, notes: [...rests, { pitch: 60, startTicks: 3840, durationTicks: 480 }] }
    expect(await service.invoke('startTraining', [{ ...REQUEST, melody: one }])).toEqual({ runId: 'run-fake-1' })
    expect(training.calls).toEqual([['start', { ...REQUEST, melody: one }, undefined]])
    cleanUp()
  })

  it('refuses a corpus over CORPUS_MAX_BYTES, and takes one of exactly CORPUS_MAX_BYTES', async () => {
    const { service, training, cleanUp } = recordingStudio()
    // Four files of 8,388,606 bytes and one of 8: exactly the limit.
    const atLimit = corpusOf(LARGEST - 4, LARGEST - 4, LARGEST - 4, LARGEST - 4, 11)
    expect(corpusBytes(atLimit.files)).toBe(CORPUS_MAX_BYTES)
    const over = corpusOf(LARGEST - 4, LARGEST - 4, LARGEST - 4, LARGEST - 4, 12)
    expect(corpusBytes(over.files)).toBe(CORPUS_MAX_BYTES + 1)
    const { abc: _abc, melody: _melody, ...noSong } = REQUEST
    const refused = service.invoke('startTraining', [{ ...noSong, corpus: over }])
    await expect(refused).rejects.toBeInstanceOf(InvalidMessageError)
    await expect(refused).rejects.toThrow(/^the songs come to 32\.0 MiB; at most 32 MiB at once$/)
    await expect(service.invoke('startTraining', [{ ...noSong, corpus: corpusOf(LARGEST, LARGEST, LARGEST, LARGEST) }])).rejects.toThrow(/at most 32 MiB/)
    expect(training.calls).toEqual([])
    expect(await service.invoke('startTraining', [{ ...noSong, corpus: atLimit }])).toEqual({ runId: 'run-fake-1' })
    expect(training.calls).toHaveLength(1)
    cleanUp()
  })

  it('refuses a request with neither a song nor a corpus, or both, and one that resumes a run the library does not have', async () => {
    const { data, service, training, cleanUp } = recordingStudio()
    const { abc: _abc, melody: _melody, ...noSong } = REQUEST
    await expect(service.invoke('startTraining', [noSong])).rejects.toThrow(InvalidMessageError)
    // The song's text alone is not a song to train on: the melody is.
    await expect(service.invoke('startTraining', [{ ...noSong, abc: NABIYA_ABC }])).rejects.toThrow(InvalidMessageError)
    await expect(service.invoke('startTraining', [{ ...REQUEST, corpus: corpusOf(8) }])).rejects.toThrow(InvalidMessageError)
    await expect(service.invoke('startTraining', [{ ...REQUEST, resumeFrom: { runId: 'run-gone', afterEpoch: 2 } }])).rejects.toThrow(
      /^there is no finished run run-gone to go on from$/
    )
    // A failed run is not one to go on from either.
    await new StudioLibrary(data).saveFailedRun(runRequest(REQUEST), [{ epoch: 1, loss: 1, accuracy: 0 }], 'run-failed', { name: 'Error', message: 'boom' })
    const refused = service.invoke('startTraining', [{ ...REQUEST, resumeFrom: { runId: 'run-failed', afterEpoch: 1 } }])
    await expect(refused).rejects.toBeInstanceOf(InvalidMessageError)
    await expect(refused).rejects.toThrow('there is no finished run run-failed to go on from')
    expect(training.calls).toEqual([])
    cleanUp()
  })

  it('passes a resumed run the earlier run’s curve up to afterEpoch (an empty one from epoch 0)', async () => {
    const { data, service, training, cleanUp } = recordingStudio()
    const earlier = recordOf('run-earlier', 5)
    await new StudioLibrary(data).saveRun(earlier)
    const resumed = { ...REQUEST, epochs: 8, resumeFrom: { runId: 'run-earlier', afterEpoch: 3 } }
    expect(await service.invoke('startTraining', [resumed])).toEqual({ runId: 'run-fake-1' })
    expect(training.calls).toEqual([['start', resumed, earlier.history.slice(0, 3)]])
    const fromStart = { ...REQUEST, resumeFrom: { runId: 'run-earlier', afterEpoch: 0 } }
    await service.invoke('startTraining', [fromStart])
    expect(training.calls[1]).toEqual(['start', fromStart, []])
    cleanUp()
  })

  it('records a resumed run that fails with the earlier points and its own, in order', async () => {
    const { data, service, training, eventsOf, cleanUp } = recordingStudio()
    await new StudioLibrary(data).saveRun(recordOf('run-earlier', 5))
    const resumed = { ...REQUEST, epochs: 8, resumeFrom: { runId: 'run-earlier', afterEpoch: 3 } }
    const { runId } = (await service.invoke('startTraining', [resumed])) as { runId: string }
    const point = (epoch: number) => ({ epoch, loss: 0.1 * epoch, accuracy: 0.5 })
    training.emit('progress', { runId, epoch: 4, epochs: 8, loss: 0.4, accuracy: 0.5, elapsedMs: 1, etaMs: 1, samplesPerSecond: 1, points: [point(4)] })
    training.emit('progress', { runId, epoch: 6, epochs: 8, loss: 0.6, accuracy: 0.5, elapsedMs: 1, etaMs: 1, samplesPerSecond: 1, points: [point(5), point(6)] })
    const error = { name: 'WasmMemoryError', message: 'out of memory' }
    training.emit('error', { runId, error })
    expect(await eventsOf('trainingError')).toEqual([{ runId, error }])
    const { failedRuns } = await new StudioLibrary(data).load()
    expect(failedRuns).toHaveLength(1)
    expect(failedRuns?.[0]).toMatchObject({ runId, status: 'failed', error, request: { resumeFrom: { runId: 'run-earlier', afterEpoch: 3 }, epochs: 8 } })
    expect(failedRuns?.[0]?.history.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    expect(failedRuns?.[0]?.history.slice(3)).toEqual([point(4), point(5), point(6)])
    cleanUp()
  })

  it('does not record a resumed run refused before its first new epoch, but does one whose process died then', async () => {
    const { data, service, training, eventsOf, cleanUp } = recordingStudio()
    await new StudioLibrary(data).saveRun(recordOf('run-earlier', 5))
    const resumed = { ...REQUEST, epochs: 8, resumeFrom: { runId: 'run-earlier', afterEpoch: 3 } }
    const refused = ((await service.invoke('startTraining', [resumed])) as { runId: string }).runId
    const died = ((await service.invoke('startTraining', [resumed])) as { runId: string }).runId
    // Refused at once: only the earlier run's points, nothing of its own to keep.
    training.emit('error', { runId: refused, error: { name: 'OptionError', message: 'val_loss is measured on held-out songs' } })
    training.emit('error', { runId: died, error: { name: 'TrainingProcessError', message: 'the training process was killed (SIGKILL); start the run again' } })
    await eventsOf('trainingError', 2)
    const { failedRuns } = await new StudioLibrary(data).load()
    expect(failedRuns?.map((run) => [run.runId, run.error.name, run.history.map((p) => p.epoch)])).toEqual([[died, 'TrainingProcessError', [1, 2, 3]]])
    cleanUp()
  })

  it('refuses to delete a run still training, and deletes it once it has ended', async () => {
    const { data, service, training, eventsOf, cleanUp } = recordingStudio()
    const { runId } = (await service.invoke('startTraining', [REQUEST])) as { runId: string }
    const refused = service.invoke('deleteRun', [runId])
    await expect(refused).rejects.toBeInstanceOf(InvalidMessageError)
    await expect(refused).rejects.toThrow(/still training/)
    training.emit('done', recordOf(runId, 3))
    await eventsOf('trainingDone')
    expect(existsSync(join(data, 'runs', `${runId}.json`))).toBe(true)
    await service.invoke('deleteRun', [runId])
    expect(existsSync(join(data, 'runs', `${runId}.json`))).toBe(false)
    cleanUp()
  })

  it('records a failed corpus run by its files’ names, never their bytes', async () => {
    const { data, service, training, eventsOf, cleanUp } = recordingStudio()
    const { abc: _abc, melody: _melody, ...noSong } = REQUEST
    const { runId } = (await service.invoke('startTraining', [{ ...noSong, corpus: corpusOf(8, 12) }])) as { runId: string }
    training.emit('error', { runId, error: { name: 'TrainingProcessError', message: 'the training process exited with code 1; start the run again' } })
    await eventsOf('trainingError')
    const { failedRuns } = await new StudioLibrary(data).load()
    expect(failedRuns?.[0]?.request.corpus).toStrictEqual({ validationShare: 0.1, transpose: 0, fileNames: ['song-0.abc', 'song-1.abc'] })
    cleanUp()
  })
})

describe('a project file through the service', () => {
  it('saves a song with its runs and their models, and opens them in an empty library, once', async () => {
    const from = recordingStudio()
    const into = recordingStudio()
    try {
      const library = new StudioLibrary(from.data)
      await library.saveRun(recordOf('run-mine', 2))
      // Another song's run and a corpus run stay out of the project.
      await library.saveRun({ ...recordOf('run-other', 1), request: runRequest({ ...REQUEST, abc: 'X:1\nT:Other\nK:C\nC|\n', melody: melodyOf('X:1\nT:Other\nK:C\nC|\n') }) })
      const { abc: _abc, melody: _melody, ...noSong } = REQUEST
      await library.saveRun({ ...recordOf('run-corpus', 1), request: runRequest({ ...noSong, corpus: { files: [{ name: 'a.abc', base64: 'QQ==' }], validationShare: 0.1, transpose: 0 } }) })
      mkdirSync(join(from.data, 'models', 'run-mine'), { recursive: true })
      writeFileSync(join(from.data, 'models', 'run-mine', 'model.json'), '{"format":"melody-studio-model"}')
      writeFileSync(join(from.data, 'models', 'run-mine', 'weights.bin'), Buffer.from([0, 1, 2, 255]))
      const file = (await from.service.invoke('saveProject', [NABIYA_ABC])) as { fileName: string; base64: string }
      expect(JSON.parse(Buffer.from(file.base64, 'base64').toString()).runs.map((run: { record: RunRecord }) => run.record.runId)).toEqual(['run-mine'])

      const opened = (await into.service.invoke('openProject', [file.fileName, file.base64])) as { song: string; runs: RunRecord[] }
      expect(opened.song).toBe(NABIYA_ABC)
      expect(opened.runs.map((run) => run.runId)).toEqual(['run-mine'])
      expect([...readFileSync(join(into.data, 'models', 'run-mine', 'weights.bin'))]).toEqual([0, 1, 2, 255])
      expect(readFileSync(join(into.data, 'models', 'run-mine', 'model.json'), 'utf8')).toBe('{"format":"melody-studio-model"}')
      // Opened again: the run is there already and is not added twice.
      await into.service.invoke('openProject', [file.fileName, file.base64])
      expect((await new StudioLibrary(into.data).load()).runs.map((run) => run.runId)).toEqual(['run-mine'])
    } finally {
      from.cleanUp()
      into.cleanUp()
    }
  })

  it('refuses a file that is not a project, writing nothing', async () => {
    const { data, service, cleanUp } = recordingStudio()
    try {
      await expect(service.invoke('openProject', ['song.mstudio', base64('X:1\nK:C\nC|\n')])).rejects.toThrow('this is not a Melody Studio project')
      await expect(service.invoke('openProject', ['song.mstudio', base64('{"format":"something-else"}')])).rejects.toThrow('this is not a Melody Studio project')
      expect(readdirSync(data)).toEqual([])
    } finally {
      cleanUp()
    }
  })

  it('never writes a model file outside its run’s folder', async () => {
    const { data, cleanUp } = recordingStudio()
    try {
      const library = new StudioLibrary(data)
      for (const name of ['../x', '..', '/etc/passwd', 'a/b', '.hidden']) {
        await expect(library.addRun(recordOf('run-a', 1), new Map([[name, new Uint8Array([1])]]))).rejects.toThrow(/is not a model file name/)
      }
      expect(readdirSync(data)).toEqual([])
    } finally {
      cleanUp()
    }
  })
})
