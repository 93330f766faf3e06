import * as tf from '@tensorflow/tfjs'
import type { FastNetwork } from '../fastcpu/fastNetwork'

/**
 * The parts the epoch runners share (windows in trainer.ts, sequences in sequenceRunner.ts, each on
 * tfjs and on the fast path): a copy of the weights to go back to, and the learning rate of Adam.
 */

/** Copies the weights now; `restore` puts them back, `dispose` frees the copy (also freed by the runner's finish through `held`). */
export function weightSnapshot(model: tf.LayersModel, held: Set<tf.Tensor[]>): { restore(): void; dispose(): void } {
  const weights = model.getWeights().map((weight) => weight.clone())
  held.add(weights)
  return {
    restore: () => model.setWeights(weights),
    dispose: () => {
      if (held.delete(weights)) tf.dispose(weights)
    }
  }
}

/** tfjs's Adam reads its learning rate at every step, from a field its typings keep private. */
export function setAdamLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  ;(optimizer as unknown as { learningRate: number }).learningRate = learningRate
}

/** The fast path's copy of its weights (plain arrays: nothing to free). */
export function fastWeightSnapshot(network: FastNetwork): { restore(): void; dispose(): void } {
  const weights = network.weightArrays()
  return { restore: () => network.setWeightArrays(weights), dispose: () => undefined }
}
