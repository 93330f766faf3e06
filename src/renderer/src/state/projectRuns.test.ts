import { describe, expect, it } from 'vitest'
import type { RunRecord } from '../../../shared/studioApi'
import { newestRun, withRunsAdded } from './projectRuns'

const run = (runId: string, savedAt: string, name = runId) => ({ runId, savedAt, name }) as unknown as RunRecord

describe('a project’s runs merged into the library’s', () => {
  it('adds the new ones in order of saving and keeps a run the library has already as it is', () => {
    const library = [run('run-a', '2025-01-02', 'mine'), run('run-c', '2025-01-04')]
    const project = [run('run-a', '2025-01-02', 'theirs'), run('run-b', '2025-01-03')]
    const merged = withRunsAdded(library, project)
    expect(merged.map((record) => record.runId)).toEqual(['run-a', 'run-b', 'run-c'])
    expect(merged[0]?.name).toBe('mine')
  })

  it('finds the run saved last', () => {
    expect(newestRun([run('run-a', '2025-01-02'), run('run-b', '2025-01-05'), run('run-c', '2025-01-03')])?.runId).toBe('run-b')
    expect(newestRun([])).toBeUndefined()
  })
})
