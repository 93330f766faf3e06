import type { RunRecord } from '../../../shared/studioApi'

/** The library's runs with a project's added: a run it has already is kept as it is; oldest first, as the library lists them. */
export function withRunsAdded(runs: readonly RunRecord[], added: readonly RunRecord[]): RunRecord[] {
  const known = new Set(runs.map((record) => record.runId))
  return [...runs, ...added.filter((record) => !known.has(record.runId))].sort((a, b) => a.savedAt.localeCompare(b.savedAt))
}

/** The run saved last, or undefined where there is none. */
export function newestRun(runs: readonly RunRecord[]): RunRecord | undefined {
  return runs.reduce<RunRecord | undefined>((latest, record) => (latest === undefined || record.savedAt > latest.savedAt ? record : latest), undefined)
}
