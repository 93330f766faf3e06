// The model lab's corpus check: a 2-layer LSTM trained on the Nottingham jigs (split by tune,
// fixed seed) against a bigram baseline (previous token → likeliest next token) on the same
// split: next-token accuracy on the held-out tunes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  abcToMelodies,
  buildModel,
  disposeModel,
  prepareCorpusTraining,
  trainModel,
  type FastPathSetting,
  type WindowDataset
} from '../src/engine'
import { SHARED } from './peer'

export const JIGS_MODEL = {
  window: 16,
  batchSize: 64,
  learningRate: 5e-3,
  layers: [
    { type: 'embedding', outputDim: 32 },
    { type: 'lstm', units: 128, returnSequences: true },
    { type: 'lstm', units: 128 }
  ]
} as const

/** Accuracy of predicting each window's label from its last token by the training windows' bigram counts. */
export function bigramAccuracy(training: WindowDataset, validation: WindowDataset, classes: number): number {
  const last = (dataset: WindowDataset, i: number) => dataset.inputs[i]?.at(-1)?.[0] ?? 0
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  const overall = new Array<number>(classes).fill(0)
  training.labels.forEach((label, i) => {
    const row = counts[last(training, i)]
    if (row) row[label] = (row[label] ?? 0) + 1
    overall[label] = (overall[label] ?? 0) + 1
  })
  const best = (row: number[]) => row.reduce((top, count, j) => (count > (row[top] ?? 0) ? j : top), 0)
  const fallback = best(overall)
  let hits = 0
  validation.labels.forEach((label, i) => {
    const row = counts[last(validation, i)]
    const guess = row && row.some((count) => count > 0) ? best(row) : fallback
    if (guess === label) hits++
  })
  return hits / Math.max(validation.labels.length, 1)
}

export async function runJigsNextToken(epochs: number, fastPath: FastPathSetting) {
  const text = readFileSync(join(SHARED, 'corpus/nottingham/abc/jigs.abc'), 'utf8')
  const songs = abcToMelodies(text).tunes.flatMap((tune) => (tune.melody ? [{ title: tune.title, melody: tune.melody }] : []))
  const setup = prepareCorpusTraining(songs, 'lstm', {
    layers: JIGS_MODEL.layers,
    window: JIGS_MODEL.window,
    batchSize: JIGS_MODEL.batchSize,
    learningRate: JIGS_MODEL.learningRate,
    epochs,
    seed: 5,
    // the windowed model lab check, as it has always been measured (sequences: the schemes case)
    scheme: 'windows'
  })
  const bigram = bigramAccuracy(setup.dataset, setup.validation, setup.spec.classes)
  const model = buildModel(setup.spec)
  const outcome = await trainModel(model, setup.spec, setup, {
    fastPath,
    validation: setup.validation,
    earlyStopping: { monitor: 'val_accuracy', patience: 2, restoreBestWeights: true },
    onEpochEnd: (e) =>
      console.error(`  epoch ${e.epoch}: loss ${e.loss.toFixed(3)}, accuracy ${(e.accuracy * 100).toFixed(1)} %, validation ${((e.valAccuracy ?? 0) * 100).toFixed(1)} % (${(e.elapsedMs / 1000).toFixed(0)} s)`)
  })
  disposeModel(model)
  const best = Math.max(...outcome.history.map((e) => e.valAccuracy ?? 0))
  return {
    modelAccuracy: best,
    bigramAccuracy: bigram,
    trainingWindows: setup.dataset.labels.length,
    validationWindows: setup.validation.labels.length,
    vocabulary: setup.vocabulary.codes.length,
    validationTunes: setup.validationTitles.length,
    epochs: outcome.history.length,
    trainS: outcome.trainMs / 1000,
    path: outcome.path.reason
  }
}
