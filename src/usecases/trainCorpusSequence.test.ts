// Sequence training of a corpus end to end: a short run on jigs beats the bigram baseline on the
// held-out tunes, and its record keeps the scheme (an old record without one reads as windows).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { corpusSongsFromFiles, type SequenceDataset } from '../engine'
import { sharedPath } from '../engine/testing/seedSong'
import { loadRunRecord } from './runRecords'
import { trainCorpus } from './trainCorpus'

/** Next token from the previous one by the training steps' counts, scored on the held-out steps. */
function bigramAccuracy(training: SequenceDataset, validation: SequenceDataset, classes: number): number {
  const counts = new Float64Array(classes * classes)
  training.inputs.forEach((input, i) => {
    if (training.weights[i]) counts[input * classes + (training.labels[i] ?? 0)]! += 1
  })
  let hits = 0
  validation.inputs.forEach((input, i) => {
    if (!validation.weights[i]) return
    let best = 0
    for (let j = 1; j < classes; j++) if (counts[input * classes + j]! > counts[input * classes + best]!) best = j
    if (best === validation.labels[i]) hits++
  })
  return hits / validation.steps
}

describe('sequence training of a corpus', () => {
  const bytes = readFileSync(sharedPath('corpus/nottingham/abc/jigs.abc'))
  const songs = corpusSongsFromFiles([{ name: 'jigs.abc', bytes }]).songs.slice(0, 150)

  it('beats the bigram baseline on held-out jigs and records its scheme', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'studio-sequence-'))
    const { setup, outcome, record } = await trainCorpus({
      runId: 'run-jigs-sequence',
      songs,
      request: {
        model: 'lstm',
        epochs: 4,
        untilPerfect: false,
        options: { layers: [{ type: 'embedding', outputDim: 16 }, { type: 'lstm', units: 64 }], window: 16, batchSize: 8, learningRate: 0.01, seed: 5 },
        corpus: { validationShare: 0.2, transpose: 0, fileNames: ['jigs.abc'], scheme: 'sequence' }
      },
      saveTo: folder
    })
    expect(setup.scheme).toBe('sequence')
    expect(setup.sequences?.streams).toBe(8)
    expect(outcome.path.name).toBe('fast-cpu')
    const bigram = bigramAccuracy(setup.sequences!, setup.validationSequences!, setup.spec.classes)
    const best = Math.max(...outcome.history.map((e) => e.valAccuracy ?? 0))
    expect(best).toBeGreaterThan(bigram)
    const last = outcome.history.at(-1)!
    expect(last.valAccuracyFromWindow).toBeGreaterThan(0)
    expect(last.valAccuracyFromWindow).not.toBe(last.valAccuracy)
    // the loss goes down
    expect(last.loss).toBeLessThan(outcome.history[0]!.loss)
    expect(record.request.corpus?.scheme).toBe('sequence')
    // the result's summary says so too (the UI shows it there), counting steps
    expect(record.result.corpus?.scheme).toBe('sequence')
    expect(record.result.corpus?.windows).toBe(setup.sequences?.steps)
    const read = await loadRunRecord(folder)
    expect(read.request.corpus?.scheme).toBe('sequence')
    // a record from before the scheme existed still reads, as a windows run
    const json = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as { request: { corpus: Record<string, unknown> } }
    delete json.request.corpus['scheme']
    writeFileSync(join(folder, 'run.json'), JSON.stringify(json))
    expect((await loadRunRecord(folder)).request.corpus?.scheme ?? 'windows').toBe('windows')
    // 30 s was too tight: 65 s on two busy cores (the neighbouring training tests allow 120–300 s)
  }, 300_000)
})
