import { OptionError } from '../errors'
import type { ModelSpec } from '../models/spec'
import { shuffledOrder } from './random'

/**
 * The sample indices of each batch of one epoch, as Keras's `fit` forms them: in order (or
 * shuffled), cut into `batchSize` pieces, the last one shorter. A stateful model keeps one state
 * per batch row, so row r of batch k continues row r of batch k − 1: the samples must fill every
 * batch exactly.
 * @throws OptionError when a stateful model's batch size does not divide the sample count
 */
export function epochBatches(spec: ModelSpec, samples: number, random: () => number): number[][] {
  if (spec.stateful && samples % spec.batchSize !== 0) {
    throw new OptionError(
      `a stateful model needs the ${samples} samples to split into equal batches; batch size ${spec.batchSize} does not divide ${samples}`
    )
  }
  const order = spec.shuffle ? shuffledOrder(samples, random) : Array.from({ length: samples }, (_, i) => i)
  const batches: number[][] = []
  for (let start = 0; start < samples; start += spec.batchSize) {
    batches.push(order.slice(start, start + spec.batchSize))
  }
  return batches
}
