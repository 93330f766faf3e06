// How a model is fed windows of codes and how its outputs are scored and read as one probability
// per code: the same for a stack (one softmax over the codes) and for a functional model (named
// inputs, one softmax per output head), so training, checks, predictions and continuations
// never ask which kind they have.
import * as tf from '@tensorflow/tfjs'
import { GraphIo } from './graph'
import { graphContext, type ModelSpec } from './spec'

/** A batch's figures as tensors: what is minimised, and the sums an epoch reports. */
export interface BatchScores {
  /** The loss to minimise: the mean cross-entropy, or the heads' weighted sum of theirs (Keras's `loss`). */
  readonly loss: tf.Scalar
  /** Summed over the batch's samples: the loss as Keras reports it, and the codes predicted right. */
  readonly lossSum: tf.Scalar
  readonly correct: tf.Scalar
  /** Each output head's summed cross-entropy and hits (a functional model; empty for a stack). */
  readonly heads: readonly { readonly lossSum: tf.Scalar; readonly correct: tf.Scalar }[]
}

export interface ModelScoring {
  /** The output heads' names (a functional model's), in the model's output order; empty for a stack. */
  readonly heads: readonly string[]
  /** The model's input(s) for a batch of encoded windows. */
  inputs(x: tf.Tensor): tf.Tensor | tf.Tensor[]
  /** Scores the model's output(s) for the batch against the codes that follow the windows. */
  score(outputs: tf.Tensor | tf.Tensor[], labels: tf.Tensor1D): BatchScores
  /** One probability per code, `[batch, classes]`. */
  codeProbabilities(outputs: tf.Tensor | tf.Tensor[]): tf.Tensor2D
}

const asList = (outputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(outputs) ? outputs : [outputs])

/** The scoring of a spec's model; call `score` and `codeProbabilities` inside a tidy or a minimise. */
export function modelScoring(spec: ModelSpec): ModelScoring {
  if (!spec.graph) {
    return {
      heads: [],
      inputs: (x) => x,
      score(outputs, labels) {
        const probabilities = asList(outputs)[0] as tf.Tensor2D
        const sampleLosses = tf.metrics.categoricalCrossentropy(tf.oneHot(labels.toInt(), spec.classes).toFloat(), probabilities)
        // Sums, not means, so the epoch figure is the mean over samples as Keras reports it.
        return { loss: sampleLosses.mean(), lossSum: sampleLosses.sum(), correct: tf.equal(probabilities.argMax(-1), labels).sum(), heads: [] }
      },
      codeProbabilities: (outputs) => asList(outputs)[0] as tf.Tensor2D
    }
  }
  const io = new GraphIo(spec.graph, graphContext(spec), spec.lossWeights)
  const sizes = io.headSizes()
  return {
    heads: io.heads,
    inputs: (x) => io.inputs(x),
    score(outputs, labels) {
      const list = asList(outputs)
      const targets = io.targets(labels)
      const heads = io.heads.map((_, index) => {
        const probabilities = list[index] as tf.Tensor2D
        const target = targets[index] as tf.Tensor1D
        const sampleLosses = tf.metrics.categoricalCrossentropy(tf.oneHot(target, sizes[index] ?? 1).toFloat(), probabilities)
        return { sampleLosses, correct: tf.equal(probabilities.argMax(-1), target).sum() as tf.Scalar }
      })
      const weighted = heads.map((head, index) => tf.mul(head.sampleLosses, io.lossWeights[index] ?? 1))
      const sampleLoss = weighted.length > 1 ? tf.addN(weighted) : (weighted[0] as tf.Tensor)
      const joint = io.codeProbabilities(list)
      return {
        loss: sampleLoss.mean(),
        lossSum: sampleLoss.sum(),
        correct: tf.equal(joint.argMax(-1), labels).sum(),
        heads: heads.map((head) => ({ lossSum: head.sampleLosses.sum() as tf.Scalar, correct: head.correct }))
      }
    },
    codeProbabilities: (outputs) => io.codeProbabilities(asList(outputs))
  }
}
