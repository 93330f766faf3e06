import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../../shared/studioApi'
import type { MemoryTraceView } from '../../../../shared/studioApi'
import { defaultPartner, heatColour, runIsStateful, stepOfPlayedNote, typicalMagnitude } from './memoryRuns'

const run = (runId: string, savedAt: string, model: RunRecord['request']['model'], abc = 'X:1\nK:C\nCDEF|', stateful?: boolean) =>
  ({ runId, savedAt, request: { model, abc, epochs: 1, untilPerfect: false, ...(stateful !== undefined ? { options: { stateful } } : {}) } }) as unknown as RunRecord

describe('the runs the Memory panel sets side by side', () => {
  it('reads statefulness from the run’s option, else its preset', () => {
    expect(runIsStateful(run('run-a', '1', 'lstm'))).toBe(false)
    expect(runIsStateful(run('run-a', '1', 'stateful-lstm-2f'))).toBe(true)
    expect(runIsStateful(run('run-a', '1', 'lstm', undefined, true))).toBe(true)
    expect(runIsStateful(run('run-a', '1', 'stateful-lstm', undefined, false))).toBe(false)
  })

  it('sets beside a run the latest run of the same song with the other statefulness', () => {
    const runs = [
      run('run-old-lstm', '2025-01-01', 'lstm'),
      run('run-new-lstm', '2025-01-03', 'lstm'),
      run('run-other-song', '2025-01-05', 'lstm', 'X:1\nK:C\nGABc|'),
      run('run-mlp', '2025-01-06', 'mlp'),
      run('run-stateful', '2025-01-04', 'stateful-lstm-2f'),
      run('run-stateful-2', '2025-01-07', 'stateful-lstm')
    ]
    // An LSTM before an MLP, newer though the MLP is: it has a state to show.
    expect(defaultPartner('run-stateful', runs)?.runId).toBe('run-new-lstm')
    expect(defaultPartner('run-stateful', runs.filter((record) => record.request.model !== 'lstm'))?.runId).toBe('run-mlp')
    expect(defaultPartner('run-old-lstm', runs)?.runId).toBe('run-stateful-2')
    expect(defaultPartner('run-other-song', runs)).toBeUndefined()
    expect(defaultPartner('run-unknown', runs)).toBeUndefined()
  })

  it('follows the played note: the note after the first window is step 0’s prediction', () => {
    const trace = { window: 4, steps: new Array(50).fill(null) }
    expect(stepOfPlayedNote(3, trace)).toBeNull()
    expect(stepOfPlayedNote(4, trace)).toBe(0)
    expect(stepOfPlayedNote(53, trace)).toBe(49)
    expect(stepOfPlayedNote(60, trace)).toBe(49)
  })

  it('colours a state red above zero and blue below, white at zero', () => {
    expect(heatColour(0, 1)).toBe('rgb(255, 255, 255)')
    expect(heatColour(1, 1)).toBe('rgb(255, 0, 0)')
    expect(heatColour(-2, 1)).toBe('rgb(0, 0, 255)')
    expect(heatColour(Number.NaN, 1)).toBe('rgb(200, 200, 200)')
  })

  it('scales a map to most of its values, not its few largest', () => {
    const steps = Array.from({ length: 20 }, (_, i) => ({ c: [i === 0 ? 40 : 1, -0.5] }))
    expect(typicalMagnitude({ steps } as unknown as MemoryTraceView, 'c')).toBe(1)
    expect(typicalMagnitude({ steps } as unknown as MemoryTraceView, 'h')).toBe(1e-6)
  })
})
