// A project file written and read back, and hostile ones refused with a clear error, never a crash.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'
import { PROJECT_MAX_BYTES, PROJECT_MAX_RUNS } from '../shared/limits'
import type { RunRecord, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { buildProjectFile, isProjectFileName, isRunOfSong, ProjectFileError, readProjectFile, type ProjectRun } from './projectFiles'
import { runRequest } from './runRecords'
import { readSongReport } from './songFiles'

const NABIYA_ABC = readFileSync(join(REPO_ROOT, 'resources/songs/nabiya.abc'), 'utf8')
const NABIYA = readSongReport(NABIYA_ABC).melody!
const SONG = { abc: NABIYA_ABC, title: '나비야 (Butterfly)' }
const REQUEST: TrainingRequest = { melody: NABIYA, abc: NABIYA_ABC, model: 'lstm', epochs: 3, untilPerfect: false }

function recordOf(runId: string, request: TrainingRequest = REQUEST): RunRecord {
  const prediction = { accuracy: 0.5, abc: 'X:1\nK:C\nC D E F|\n', melody: NABIYA, wrong: [1] }
  const result: TrainingResult = { runId, model: 'lstm', backend: 'cpu', params: 42, epochs: 2, trainMs: 10, oneStep: prediction, fullSong: prediction }
  const history = [1, 2].map((epoch) => ({ epoch, loss: 1 / epoch, accuracy: epoch / 4 }))
  return { format: 'melody-studio-run', version: 2, runId, savedAt: '2025-01-01T00:00:00.000Z', request: runRequest(request), history, result }
}

const RUN: ProjectRun = { record: recordOf('run-a'), model: new Map([['model.json', new TextEncoder().encode('{"x":1}')], ['weights.bin', new Uint8Array([0, 128, 255])]]) }

/** A project's JSON as a file's bytes. */
const bytesOf = (json: unknown) => new TextEncoder().encode(typeof json === 'string' ? json : JSON.stringify(json))
/** The JSON of a good project, to bend in one place. */
const projectJson = (): { runs: { record: Record<string, unknown>; model: Record<string, string> }[] } & Record<string, unknown> =>
  JSON.parse(Buffer.from(buildProjectFile(SONG, [RUN]).base64, 'base64').toString('utf8'))

describe('isRunOfSong', () => {
  it('takes runs of the same text, or of a song with the same title; never a corpus run', () => {
    expect(isRunOfSong(recordOf('run-a'), SONG)).toBe(true)
    // Edited since, same title.
    expect(isRunOfSong(recordOf('run-a'), { abc: `${NABIYA_ABC}\n% edited`, title: '나비야 (Butterfly)' })).toBe(true)
    // Another song.
    expect(isRunOfSong(recordOf('run-a'), { abc: 'X:1\nT:Other\nK:C\nC|\n', title: 'Other' })).toBe(false)
    // An untitled song matches by its text only, not every untitled run.
    const untitled = readSongReport('X:1\nK:C\nCDEF|\n').melody!
    const untitledRun = recordOf('run-b', { ...REQUEST, melody: untitled, abc: 'X:1\nK:C\nCDEF|\n' })
    expect(isRunOfSong(untitledRun, { abc: 'X:1\nK:C\nGABc|\n', title: '' })).toBe(false)
    expect(isRunOfSong(untitledRun, { abc: 'X:1\nK:C\nCDEF|\n', title: '' })).toBe(true)
    const { melody: _melody, abc: _abc, ...noSong } = REQUEST
    const corpus = recordOf('run-c', { ...noSong, corpus: { files: [{ name: 'a.abc', base64: 'QQ==' }], validationShare: 0.1, transpose: 0 } })
    expect(isRunOfSong(corpus, SONG)).toBe(false)
  })
})

describe('a project file', () => {
  it('is named for the song and reads back as it was written: song, records, model files byte for byte', () => {
    const file = buildProjectFile(SONG, [RUN], new Date('2025-02-03T04:05:06Z'))
    expect(file.fileName).toBe('나비야 (Butterfly).mstudio')
    expect(isProjectFileName(file.fileName)).toBe(true)
    expect(isProjectFileName('nabiya.abc')).toBe(false)
    const json = JSON.parse(Buffer.from(file.base64, 'base64').toString('utf8'))
    expect(json).toMatchObject({ format: 'melody-studio-project', version: 1, savedAt: '2025-02-03T04:05:06.000Z', song: { abc: NABIYA_ABC } })
    const opened = readProjectFile(Buffer.from(file.base64, 'base64'))
    expect(opened.song).toBe(NABIYA_ABC)
    expect(opened.runs).toHaveLength(1)
    expect(opened.runs[0]?.record).toEqual(RUN.record)
    expect([...(opened.runs[0]?.model.get('weights.bin') ?? [])]).toEqual([0, 128, 255])
    expect(new TextDecoder().decode(opened.runs[0]?.model.get('model.json'))).toBe('{"x":1}')
  })

  it('keeps nothing of why a run could not be saved in this studio', () => {
    const json = JSON.parse(Buffer.from(buildProjectFile(SONG, [{ ...RUN, record: { ...RUN.record, unsaved: 'disk full' } }]).base64, 'base64').toString())
    expect(json.runs[0].record.unsaved).toBeUndefined()
  })

  it('reads an old run record (version 1 of the command line) through its migration', () => {
    const project = projectJson()
    project.runs[0]!.record = { format: 'melody-studio-run', version: 1, name: 'old one', kind: 'lstm', params: 5, trainedOn: 'nabiya.abc', epochs: 2, trainMs: 1, path: 'tfjs', history: [] }
    expect(readProjectFile(bytesOf(project)).runs[0]?.record).toMatchObject({ runId: 'run-old-one', version: 2 })
  })
})

describe('a hostile or damaged project file is a clear error', () => {
  const refuses = (json: unknown, message: RegExp | string) => {
    expect(() => readProjectFile(bytesOf(json))).toThrow(message)
  }

  it('refuses what is not a project', () => {
    refuses('X:1\nK:C\nC|', 'this is not a Melody Studio project (it is not JSON)')
    refuses('{"format": "melody-studio-proj', 'this is not a Melody Studio project (it is not JSON)')
    for (const json of [null, 42, [], 'text', { format: 'melody-studio-run' }, { ...projectJson(), format: 'x' }]) refuses(json, 'this is not a Melody Studio project')
    expect(() => readProjectFile(bytesOf({}))).toThrow(ProjectFileError)
  })

  it('refuses a newer version, saying so', () => {
    refuses({ ...projectJson(), version: 2 }, /saved by a newer Melody Studio/)
  })

  it('refuses a file over PROJECT_MAX_BYTES before parsing it', () => {
    expect(() => readProjectFile(new Uint8Array(PROJECT_MAX_BYTES + 1))).toThrow(/the project is 32\.0 MB, larger than 32\.0 MB/)
  })

  it('refuses more runs than PROJECT_MAX_RUNS, on reading and on writing', () => {
    const project = projectJson()
    project.runs = Array.from({ length: PROJECT_MAX_RUNS + 1 }, () => ({ record: {}, model: {} }))
    refuses(project, /the project is damaged: runs: /)
    expect(() => buildProjectFile(SONG, Array.from({ length: PROJECT_MAX_RUNS + 1 }, () => RUN))).toThrow(/more than a project holds/)
  })

  it('refuses model files that are not base64', () => {
    for (const bad of ['not base64!', 'QQ', 'QQ=A', '====']) {
      const project = projectJson()
      project.runs[0]!.model['weights.bin'] = bad
      refuses(project, /the project is damaged: runs\.0\.model\.weights\.bin: not base64/)
    }
  })

  it('refuses model file names that are paths', () => {
    for (const name of ['../x', '..', '../../etc/passwd', 'a/b', 'a\\b', '.hidden', '', 'x'.repeat(200)]) {
      const project = projectJson()
      project.runs[0]!.model = { [name]: 'QQ==' }
      expect(() => readProjectFile(bytesOf(project)), name).toThrow(/the project is damaged: runs\.0\.model/)
    }
    // JSON's own "__proto__" key is dropped by the schema: no file of that name, no prototype changed.
    const opened = readProjectFile(bytesOf(`{"format":"melody-studio-project","version":1,"savedAt":"","song":{"abc":""},"runs":[{"record":${JSON.stringify(RUN.record)},"model":{"__proto__":"QQ=="}}]}`))
    expect([...(opened.runs[0]?.model.keys() ?? [])]).toEqual([])
    expect(({} as Record<string, unknown>)['0']).toBeUndefined()
  })

  it('refuses the same run twice', () => {
    const project = projectJson()
    project.runs.push(project.runs[0]!)
    refuses(project, /holds run run-a twice/)
  })

  it('refuses a damaged run record, naming the run and the field', () => {
    const project = projectJson()
    project.runs[0]!.record = { ...project.runs[0]!.record, runId: '../../etc' }
    refuses(project, /the project's run 1 is damaged or not one of ours: runId/)
    project.runs[0]!.record = 'a record' as unknown as Record<string, unknown>
    refuses(project, /the project's run 1 is damaged/)
  })

  it('refuses a song that is not text or too long', () => {
    refuses({ ...projectJson(), song: { abc: 42 } }, /the project is damaged: song\.abc/)
    refuses({ ...projectJson(), song: null }, /the project is damaged: song/)
  })
})
