// Sequence training's two implementations (see dataset/sequences.ts): tfjs's operations, or the
// fast CPU path's per-step mode. Both train a twin of the model that returns every time step
// (`buildSequenceModel`) and put its weights, which have the same shapes, back into the model.
import * as tf from '@tensorflow/tfjs'
import { sequenceBatchRows, sequenceStartRows, type SequenceDataset } from '../dataset/sequences'
import { TrainingCancelledError } from '../errors'
import type { TrainingPath } from '../fastcpu/choosePath'
import { FastNetwork, planFastNetwork, type NetworkPlan } from '../fastcpu/fastNetwork'
import { buildSequenceModel, disposeModel } from '../models/build'
import { featureCount, type ModelSpec } from '../models/spec'
import type { InputEncoding } from '../notation/vocabulary'
import { resetStateRows } from './trainer'
import { fastWeightSnapshot, setAdamLearningRate, weightSnapshot } from './runnerParts'

/** Summed loss and hits over unmasked steps; `count` the steps; `late*` the steps whose label is at position ≥ window. */
export interface SequenceTotals {
  readonly lossSum: number
  readonly correct: number
  readonly count: number
  readonly lateCorrect: number
  readonly lateCount: number
}

/** The inputs of every step encoded as the model takes them (sample after sample, window × features each). */
export function encodeSequenceInputs(dataset: SequenceDataset, encoding: InputEncoding): Float32Array {
  const features = encoding.featureCount
  const table = new Map<number, number[]>()
  const out = new Float32Array(dataset.inputs.length * features)
  dataset.inputs.forEach((id, i) => {
    let code = table.get(id)
    if (!code) table.set(id, (code = encoding.encode(id)))
    for (let f = 0; f < features; f++) out[i * features + f] = code[f] ?? 0
  })
  return out
}

/**
 * The masked mean cross-entropy of a sequence batch (probabilities [rows, steps, classes],
 * labels and weights [rows, steps]), as the fast path computes it: tfjs's categorical
 * cross-entropy per step, weighted, over the sum of the weights; with the weighted sum and hits.
 */
export function maskedSequenceLoss(probabilities: tf.Tensor, labels: tf.Tensor, weights: tf.Tensor, classes: number): { loss: tf.Scalar; lossSum: tf.Scalar; correct: tf.Scalar; hits: tf.Tensor } {
  const y = tf.oneHot(labels.toInt(), classes).toFloat()
  const perStep = tf.metrics.categoricalCrossentropy(y, probabilities)
  const lossSum = tf.sum(tf.mul(perStep, weights))
  const hits = tf.mul(tf.equal(probabilities.argMax(-1), labels.toInt()).toFloat(), weights)
  return { loss: tf.div(lossSum, tf.maximum(tf.sum(weights), 1e-9)) as tf.Scalar, lossSum: lossSum as tf.Scalar, correct: tf.sum(hits) as tf.Scalar, hits }
}

function lateTotals(dataset: SequenceDataset, hitsPerStep: ArrayLike<number>): { lateCorrect: number; lateCount: number } {
  let lateCorrect = 0
  let lateCount = 0
  for (let i = 0; i < dataset.positions.length; i++) {
    if ((dataset.weights[i] ?? 0) === 0 || (dataset.positions[i] ?? 0) < dataset.window) continue
    lateCount++
    if ((hitsPerStep[i] ?? 0) > 0) lateCorrect++
  }
  return { lateCorrect, lateCount }
}

/** What the trainer drives: one epoch over the sequence batches, an evaluation, and the weights' moves. */
export interface SequenceRunner {
  readonly path: TrainingPath
  resetStates(): void
  runEpoch(signal: AbortSignal | undefined, epochsDone: number, yieldNow: () => Promise<void>, afterBatch: ((batch: number) => void | Promise<void>) | undefined): Promise<SequenceTotals>
  /** Each held-out tune walked from a zero state, every step counted. */
  evaluate(dataset: SequenceDataset): SequenceTotals
  setLearningRate(learningRate: number): void
  snapshot(): { restore(): void; dispose(): void }
  /** Puts the trained weights into the (windowed) model. */
  syncModel(): void
  finish(): void
}

/**
 * The runner for sequence training of `model` (whose weights it starts from and ends in): the
 * fast path when `fastPlanWanted` and the per-step twin plans, else tfjs.
 */
export function sequenceRunner(
  model: tf.LayersModel,
  spec: ModelSpec,
  dataset: SequenceDataset,
  encoding: InputEncoding,
  chosen: { path: TrainingPath; plan?: NetworkPlan }
): SequenceRunner {
  const twin = buildSequenceModel(spec)
  twin.setWeights(model.getWeights())
  const inputs = encodeSequenceInputs(dataset, encoding)
  if (chosen.plan) {
    const planned = planFastNetwork(twin)
    if (planned.ok) return fastSequenceRunner(model, twin, spec, dataset, inputs, encoding, planned.plan, chosen.path)
    return tfjsSequenceRunner(model, twin, spec, dataset, inputs, encoding, { name: 'tfjs', reason: `fast path cannot run the per-step model: ${planned.reason}` })
  }
  return tfjsSequenceRunner(model, twin, spec, dataset, inputs, encoding, chosen.path)
}

function fastSequenceRunner(
  model: tf.LayersModel,
  twin: tf.LayersModel,
  spec: ModelSpec,
  dataset: SequenceDataset,
  inputs: Float32Array,
  encoding: InputEncoding,
  plan: NetworkPlan,
  path: TrainingPath
): SequenceRunner {
  const network = new FastNetwork(plan, dataset.streams)
  network.readWeightsFrom(twin)
  disposeModel(twin)
  const adam = { learningRate: spec.learningRate }
  return {
    path,
    resetStates: () => network.resetStates(),
    async runEpoch(signal, epochsDone, yieldNow, afterBatch) {
      let lossSum = 0
      let correct = 0
      let count = 0
      for (let k = 0; k < dataset.batches; k++) {
        if (signal?.aborted) throw new TrainingCancelledError(epochsDone)
        network.resetRows(sequenceStartRows(dataset, k))
        const totals = network.trainSequenceBatch(inputs, dataset.labels, dataset.weights, sequenceBatchRows(dataset, k), adam)
        lossSum += totals.lossSum
        correct += totals.correct
        count += totals.steps
        await afterBatch?.(k)
        await yieldNow()
      }
      return { lossSum, correct, count, lateCorrect: 0, lateCount: 0 }
    },
    evaluate(held) {
      const heldInputs = encodeSequenceInputs(held, encoding)
      const hits = new Uint8Array(held.inputs.length)
      let lossSum = 0
      let correct = 0
      let count = 0
      network.resetStates()
      for (let k = 0; k < held.batches; k++) {
        network.resetRows(sequenceStartRows(held, k))
        const totals = network.evaluateSequence(heldInputs, held.labels, held.weights, sequenceBatchRows(held, k), hits)
        lossSum += totals.lossSum
        correct += totals.correct
        count += totals.steps
      }
      network.resetStates()
      return { lossSum, correct, count, ...lateTotals(held, hits) }
    },
    setLearningRate: (learningRate) => {
      adam.learningRate = learningRate
    },
    snapshot: () => fastWeightSnapshot(network),
    syncModel: () => network.writeWeightsTo(model),
    finish: () => {
      try {
        network.writeWeightsTo(model)
      } finally {
        // ends the kernel's worker threads, as the windowed fast runner does
        network.dispose()
      }
      if (spec.stateful) model.resetStates()
    }
  }
}

function tfjsSequenceRunner(
  model: tf.LayersModel,
  twin: tf.LayersModel,
  spec: ModelSpec,
  dataset: SequenceDataset,
  inputs: Float32Array,
  encoding: InputEncoding,
  path: TrainingPath
): SequenceRunner {
  const optimizer = tf.train.adam(spec.learningRate)
  const snapshots = new Set<tf.Tensor[]>()
  const S = dataset.streams
  const W = dataset.window
  const features = featureCount(spec.encoding)
  const shape = spec.encoding === 'token' ? [S, W] : [S, W, features]
  const batchOf = (held: SequenceDataset, heldInputs: Float32Array, k: number) => {
    const from = k * S * W
    return {
      x: tf.tensor(heldInputs.subarray(from * features, (from + S * W) * features), shape),
      labels: tf.tensor2d(held.labels.subarray(from, from + S * W), [S, W], 'int32'),
      weights: tf.tensor2d(held.weights.subarray(from, from + S * W), [S, W])
    }
  }
  return {
    path,
    resetStates: () => twin.resetStates(),
    async runEpoch(signal, epochsDone, yieldNow, afterBatch) {
      const sums: tf.Tensor[] = []
      let count = 0
      try {
        for (let k = 0; k < dataset.batches; k++) {
          if (signal?.aborted) throw new TrainingCancelledError(epochsDone)
          resetStateRows(twin, sequenceStartRows(dataset, k))
          const batch = batchOf(dataset, inputs, k)
          optimizer.minimize(() => {
            const probabilities = twin.apply(batch.x, { training: true }) as tf.Tensor
            const { loss, lossSum, correct } = maskedSequenceLoss(probabilities, batch.labels, batch.weights, spec.classes)
            sums.push(tf.keep(tf.stack([lossSum, correct])))
            return loss
          })
          tf.dispose([batch.x, batch.labels, batch.weights])
          for (let i = k * S * W; i < (k + 1) * S * W; i++) count += dataset.weights[i] ?? 0
          await afterBatch?.(k)
          await yieldNow()
        }
        const [lossSum = 0, correct = 0] = sums.length > 0 ? tf.tidy(() => Array.from(tf.addN(sums).dataSync())) : []
        return { lossSum, correct, count, lateCorrect: 0, lateCount: 0 }
      } finally {
        tf.dispose(sums)
      }
    },
    evaluate(held) {
      const heldInputs = encodeSequenceInputs(held, encoding)
      const hits = new Float32Array(held.inputs.length)
      let lossSum = 0
      let correct = 0
      let count = 0
      twin.resetStates()
      for (let k = 0; k < held.batches; k++) {
        resetStateRows(twin, sequenceStartRows(held, k))
        const batch = batchOf(held, heldInputs, k)
        const [loss, right, stepHits] = tf.tidy(() => {
          const probabilities = twin.predictOnBatch(batch.x) as tf.Tensor
          const totals = maskedSequenceLoss(probabilities, batch.labels, batch.weights, spec.classes)
          return [totals.lossSum.dataSync()[0] ?? 0, totals.correct.dataSync()[0] ?? 0, totals.hits.dataSync() as Float32Array] as const
        })
        tf.dispose([batch.x, batch.labels, batch.weights])
        hits.set(stepHits, k * S * W)
        lossSum += loss
        correct += right
        for (let i = k * S * W; i < (k + 1) * S * W; i++) count += held.weights[i] ?? 0
      }
      twin.resetStates()
      return { lossSum, correct, count, ...lateTotals(held, hits) }
    },
    setLearningRate: (learningRate) => setAdamLearningRate(optimizer, learningRate),
    snapshot: () => weightSnapshot(twin, snapshots),
    syncModel: () => model.setWeights(twin.getWeights()),
    finish: () => {
      model.setWeights(twin.getWeights())
      tf.dispose([...snapshots].flat())
      optimizer.dispose()
      disposeModel(twin)
      if (spec.stateful) model.resetStates()
    }
  }
}
