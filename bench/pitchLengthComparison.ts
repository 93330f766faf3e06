// Pitch and length as two outputs against one vocabulary of codes, for the same wall time: the
// Nottingham jigs (split by tune, seed 5, window 16, by windows), the single-vocabulary model
// (Embedding(32) → LSTM(128) → softmax over the codes, on the fast path) and the pitch-and-length
// functional model (pitch and length ids → Embedding(16) each → Concatenate → LSTM(128) → two
// softmaxes, on tfjs) each trained the same seconds, then both scored the same way on the held-out
// windows: the predicted code's pitch, its length, and the whole code.
import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { abcToMelodies, buildModel, disposeModel, prepareCorpusTraining, trainModel, TrainingCancelledError, type FastPathSetting, type ModelGraph } from '../src/engine'
import { inputShape } from '../src/engine/models/build'
import { modelScoring } from '../src/engine/models/modelOutputs'
import type { ModelSpec } from '../src/engine/models/spec'
import { notePartsOf, type NoteParts } from '../src/engine/notation/vocabulary'
import type { WindowDataset } from '../src/engine/dataset/windows'
import { pitchLengthGraph } from '../src/shared/modelPresets'
import { JIGS_MODEL } from './jigsNextToken'
import { SHARED } from './peer'

/** The pitch-and-length model for the jigs: the preset's shape with the jigs model's LSTM and embedding widths. */
export const PITCH_LENGTH_JIGS_GRAPH: ModelGraph = pitchLengthGraph({ name: 'pitch_length_jigs', units: 128, pitchEmbedding: 16, lengthEmbedding: 16 })

export interface PitchLengthFigures {
  readonly model: 'single-vocabulary' | 'pitch-length'
  /** `default`: each on the path the studio picks for it (the stack on the fast path); `tfjs`: both on tfjs. */
  readonly paths: 'default' | 'tfjs'
  /** Epochs trained, a fraction where the time ran out within one. */
  readonly epochs: number
  readonly trainS: number
  /** Held-out windows: the predicted code right, its pitch right, its length right. */
  readonly noteAccuracy: number
  readonly pitchAccuracy: number
  readonly lengthAccuracy: number
  readonly params: number
  readonly path: string
}

/** The model's predicted code for every held-out window, scored by its whole code, its pitch and its length. */
function heldOutAccuracies(model: tf.LayersModel, spec: ModelSpec, validation: WindowDataset, parts: NoteParts): { note: number; pitch: number; length: number } {
  const scoring = modelScoring(spec)
  let [note, pitch, length] = [0, 0, 0]
  for (let start = 0; start < validation.labels.length; start += 256) {
    const end = Math.min(start + 256, validation.labels.length)
    const predicted = tf.tidy(() => {
      const x = tf.tensor(validation.inputs.slice(start, end).flat(2), inputShape(spec, end - start))
      return scoring.codeProbabilities(model.predictOnBatch(scoring.inputs(x))).argMax(-1).dataSync()
    })
    predicted.forEach((code, i) => {
      const truth = validation.labels[start + i] ?? -1
      if (code === truth) note++
      if (parts.pitchOf[code] === parts.pitchOf[truth]) pitch++
      if (parts.lengthOf[code] === parts.lengthOf[truth]) length++
    })
  }
  const count = Math.max(validation.labels.length, 1)
  return { note: note / count, pitch: pitch / count, length: length / count }
}

/**
 * Each model trained for exactly `seconds` (stopped between batches, mid-epoch if need be: the
 * weights are the model's as they are then), first each on its own path (the stack on the fast
 * path, the functional model on tfjs: what a person gets), then both on tfjs (the same operations,
 * so the models alone differ).
 */
export async function runPitchLengthComparison(seconds: number, fastPath: FastPathSetting): Promise<PitchLengthFigures[]> {
  const text = readFileSync(join(SHARED, 'corpus/nottingham/abc/jigs.abc'), 'utf8')
  const songs = abcToMelodies(text).tunes.flatMap((tune) => (tune.melody ? [{ title: tune.title, melody: tune.melody }] : []))
  const results: PitchLengthFigures[] = []
  for (const paths of ['default', 'tfjs'] as const) {
    for (const kind of ['single-vocabulary', 'pitch-length'] as const) {
      const setup = prepareCorpusTraining(songs, 'lstm', {
        ...(kind === 'pitch-length' ? { graph: PITCH_LENGTH_JIGS_GRAPH } : { layers: [JIGS_MODEL.layers[0], { type: 'lstm', units: 128 }] }),
        window: JIGS_MODEL.window,
        batchSize: JIGS_MODEL.batchSize,
        learningRate: JIGS_MODEL.learningRate,
        epochs: 100_000,
        seed: 5,
        scheme: 'windows'
      })
      const model = buildModel(setup.spec)
      const stop = new AbortController()
      const batchesPerEpoch = Math.ceil(setup.dataset.labels.length / setup.spec.batchSize)
      let batches = 0
      let trainedMs = 0
      let path = ''
      const started = performance.now()
      try {
        const outcome = await trainModel(model, setup.spec, setup, {
          fastPath: paths === 'tfjs' ? 'off' : fastPath,
          signal: stop.signal,
          callbacks: [
            {
              onBatchEnd: () => {
                batches++
                if (performance.now() - started > seconds * 1000) stop.abort()
              }
            }
          ],
          onEpochEnd: (e) => console.error(`  ${kind} (${paths}) epoch ${e.epoch}: loss ${e.loss.toFixed(3)}, ${Math.round(e.samplesPerSecond)} windows/s (${(e.elapsedMs / 1000).toFixed(0)} s)`)
        })
        path = outcome.path.reason
      } catch (error) {
        // the time ran out: the weights trained so far are the model's (the fast path writes them back as it ends)
        if (!(error instanceof TrainingCancelledError)) throw error
        path = paths === 'tfjs' || kind === 'pitch-length' ? 'tfjs' : 'fast CPU path'
      }
      trainedMs = performance.now() - started
      const held = heldOutAccuracies(model, setup.spec, setup.validation, notePartsOf(setup.vocabulary))
      console.error(`  ${kind} (${paths}): ${(batches / batchesPerEpoch).toFixed(2)} epochs in ${(trainedMs / 1000).toFixed(0)} s`)
      results.push({
        model: kind,
        paths,
        epochs: batches / batchesPerEpoch,
        trainS: trainedMs / 1000,
        noteAccuracy: held.note,
        pitchAccuracy: held.pitch,
        lengthAccuracy: held.length,
        params: model.countParams(),
        path
      })
      disposeModel(model)
    }
  }
  return results
}
