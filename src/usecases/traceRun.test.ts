// A saved run's memory trace as the training process serves it to the studio (traceRun): real
// runs trained and saved, traced from their folders, and every answer the contract's schema.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { abcToMelodies } from '../engine'
import { REPO_ROOT } from '../engine/testing/seedSong'
import { MEMORY_TRACE_MAX_UNITS, MEMORY_TRACE_TOP_K } from '../shared/limits'
import { MEMORY_TRACE_SCHEMA } from '../shared/studioSchemas'
import { traceStudioRun, trainStudioRun } from './studioRuns'

const NABIYA_ABC = readFileSync(join(REPO_ROOT, 'resources/songs/nabiya.abc'), 'utf8')
const melody = abcToMelodies(NABIYA_ABC).tunes[0]?.melody ?? undefined
const models = mkdtempSync(join(tmpdir(), 'studio-trace-runs-'))
afterAll(() => rmSync(models, { recursive: true, force: true }))

describe('traceRun on saved runs', () => {
  it('traces a stateful LSTM one-step and full song: the first units, the top candidates, the ambiguous windows', async () => {
    await trainStudioRun('run-trace-stateful', { melody, abc: NABIYA_ABC, model: 'stateful-lstm-2f', epochs: 20, untilPerfect: false }, models)
    for (const fullSong of [false, true]) {
      const trace = await traceStudioRun('run-trace-stateful', models, fullSong)
      // What crosses the contract: the schema takes it as it is.
      expect(MEMORY_TRACE_SCHEMA.parse(trace)).toEqual(trace)
      expect(trace).toMatchObject({ runId: 'run-trace-stateful', model: 'stateful-lstm-2f', fullSong, stateful: true, window: 4, totalSteps: 50 })
      expect(trace.lstm).toEqual({ layer: expect.any(String), units: 128, shown: MEMORY_TRACE_MAX_UNITS, recurrentActivation: 'hardSigmoid' })
      expect(trace.steps).toHaveLength(50)
      for (const step of trace.steps) {
        expect(step.h).toHaveLength(MEMORY_TRACE_MAX_UNITS)
        expect(step.c).toHaveLength(MEMORY_TRACE_MAX_UNITS)
        expect(step.top).toHaveLength(MEMORY_TRACE_TOP_K)
        // Most probable first; the prediction is the first of them.
        expect(step.top[0]?.index).toBe(step.predicted)
        for (let i = 1; i < step.top.length; i++) expect(step.top[i]!.probability).toBeLessThanOrEqual(step.top[i - 1]!.probability)
        expect(trace.codes[step.truth]).toMatch(/^[a-g][48]$/)
      }
      if (!fullSong) {
        // The song's own windows that come again with another note next (four in 나비야), e8 e8 e8 e8 among them: e8, then f8 next.
        const marked = trace.steps.flatMap((step, index) => (step.ambiguousWith.length > 0 ? [index] : []))
        expect(marked).toEqual([3, 14, 17, 27, 28, 34, 35, 36, 44])
        expect(trace.steps[34]!.inputs.map((code) => trace.codes[code]).join(' ')).toBe('e8 e8 e8 e8')
        expect(trace.steps[35]!.inputs).toEqual(trace.steps[34]!.inputs)
        expect([trace.steps[34]!.ambiguousWith, trace.steps[35]!.ambiguousWith]).toEqual([[35], [34]])
        expect([34, 35].map((index) => trace.codes[trace.steps[index]!.truth])).toEqual(['e8', 'f8'])
      }
    }
  }, 120_000)

  it('traces an MLP with its probabilities only, saying why there is no state', async () => {
    await trainStudioRun('run-trace-mlp', { melody, abc: NABIYA_ABC, model: 'mlp', epochs: 5, untilPerfect: false }, models)
    const trace = await traceStudioRun('run-trace-mlp', models, false)
    expect(MEMORY_TRACE_SCHEMA.parse(trace)).toEqual(trace)
    expect(trace.lstm).toBeNull()
    expect(trace.noState).toMatch(/no LSTM/)
    expect(trace.stateful).toBe(false)
    expect(trace.steps.every((step) => step.h === undefined && step.top.length === MEMORY_TRACE_TOP_K)).toBe(true)
  }, 60_000)
})
