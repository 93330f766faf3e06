// The training process after a failure: a model too big to train is refused with its figures
// before anything is built, and the process is replaced so the next run starts clean.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'
import type { RunRecord, TrainingFailure, TrainingRequest, TrainingResult } from '../shared/studioApi'
import { midiToMelody } from '../engine/notation/midi'
import { abcToMelodies } from '../engine/notation/abcIn'
import type { Melody } from '../engine/notation/melody'
import { TrainingHost } from './trainingHost'

const NABIYA_ABC = readFileSync(join(REPO_ROOT, 'resources/songs/nabiya.abc'), 'utf8')

let folder: string
let host: TrainingHost
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'studio-host-recovery-'))
  host = new TrainingHost(folder)
})
afterEach(() => {
  host.dispose()
  rmSync(folder, { recursive: true, force: true })
})

function finish(runId: string): Promise<{ result?: TrainingResult; failure?: TrainingFailure }> {
  return new Promise((resolve) => {
    const done = (record: RunRecord) => record.runId === runId && resolve({ result: record.result })
    const failed = (failure: TrainingFailure) => failure.runId === runId && resolve({ failure })
    host.on('done', done)
    host.on('error', failed)
  })
}

/** The first tune of ABC as the UI sends it: the melody checkSong read. */
function melodyOf(abc: string): Melody {
  const melody = abcToMelodies(abc).tunes[0]?.melody
  if (!melody) throw new Error('no tune with notes')
  return melody
}

const small: TrainingRequest = { melody: melodyOf(NABIYA_ABC), model: 'mlp', epochs: 2, untilPerfect: false, options: { units: 16 } }

describe('the training host after a failed run', () => {
  it('refuses 16 stacked LSTM(4096) with the figures, replaces the process, and the next run trains', async () => {
    const huge: TrainingRequest = {
      ...small,
      model: 'lstm',
      options: { layers: Array.from({ length: 16 }, (_, i) => ({ type: 'lstm' as const, units: 4096, returnSequences: i < 15 })) }
    }
    const first = finish(host.start(huge))
    const firstPid = host.pid
    const { failure } = await first
    expect(failure?.error.name).toBe('LimitError')
    expect(failure?.error.message).toMatch(/the model has 2,080,702,476 parameters; at most 20,000,000 .*\(limit MODEL_MAX_PARAMS\)/)
    // The failed process is gone; the next run gets a fresh one and finishes.
    expect(host.pid).toBeUndefined()
    const second = finish(host.start(small))
    expect(host.pid).not.toBe(firstPid)
    const { result } = await second
    expect(result?.epochs).toBe(2)
    expect(result?.oneStep.accuracy).toBeGreaterThanOrEqual(0)

    // A long continuation stops when asked, like training, and the process stays for the next call.
    const pid = host.pid
    const continuing = host.continueMelody(result!.runId, { bars: 256, temperature: 1, seed: 1, variations: 16 })
    host.stop(result!.runId)
    await expect(continuing).rejects.toMatchObject({ name: 'GenerationCancelledError' })
    const again = await host.continueMelody(result!.runId, { bars: 2, temperature: 0, seed: 1, variations: 1 })
    expect(again).toHaveLength(1)
    expect(host.pid).toBe(pid)
  })

  it('keeps the process after a stop: a stop is not a failure', async () => {
    const runId = host.start({ ...small, epochs: 5000 })
    const pid = host.pid
    const stopped = finish(runId)
    await new Promise<void>((resolve) => host.once('progress', () => resolve()))
    host.stop(runId)
    const { result, failure } = await stopped
    // Stopped after its first epoch, the run keeps its work (a result) — either way the process stays.
    expect(result ?? failure).toBeDefined()
    expect(host.pid).toBe(pid)
  })
})

describe('exports in the training process', () => {
  it('writes a song of 16,000 notes as MIDI off this thread, and refuses a song over a limit without replacing the process', async () => {
    const bars = Array.from({ length: 2000 }, (_, i) => (i % 2 ? 'CDEF GABc' : 'cBAG FEDC') + (i % 8 === 7 ? '|\n' : '|')).join('')
    const abc = `X:1\nT:long\nM:4/4\nL:1/8\nK:C\n${bars}`
    const file = await host.exportSong(melodyOf(abc), 'midi')
    expect(file.fileName).toBe('long.mid')
    const notes = midiToMelody(Buffer.from(file.base64, 'base64')).melody.notes
    expect(notes).toHaveLength(16_000)
    const pid = host.pid
    // A melody that fits the contract's bounds but not the engine's: one note of 100 quarter notes.
    const tooLong = { ...melodyOf('X:1\nT:t\nK:C\nC|\n'), notes: [{ pitch: 60, startTicks: 0, durationTicks: 100 * 480 }] }
    await expect(host.exportSong(tooLong, 'pdf')).rejects.toThrow(/NOTE_MAX_QUARTERS/)
    expect(host.pid).toBe(pid)
  })
})
