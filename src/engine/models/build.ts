import * as tf from '@tensorflow/tfjs'
import type { ModelSpec } from './spec'

/**
 * Builds the layers of a spec with Keras's default initialisers (Glorot-uniform kernels,
 * orthogonal recurrent kernels, zero biases with the LSTM's forget bias at 1), each seeded
 * from `spec.seed` so a run can be repeated exactly.
 */
export function buildModel(spec: ModelSpec): tf.Sequential {
  // tfjs-layers leaves a few intermediate tensors of the initialisers behind; the tidy frees
  // them while the weights, being variables, stay.
  let model: tf.Sequential | undefined
  tf.tidy(() => {
    model = buildLayers(spec)
  })
  return model as unknown as tf.Sequential
}

/**
 * Disposes the weights and, for a stateful model, the state tensors, which `model.dispose()`
 * leaves alive.
 */
export function disposeModel(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    const recurrent = layer as unknown as { stateful?: boolean; states: tf.Tensor[] | null }
    if (recurrent.stateful && recurrent.states) {
      layer.resetStates()
      tf.dispose(recurrent.states)
      recurrent.states = null
    }
  }
  model.dispose()
}

function buildLayers(spec: ModelSpec): tf.Sequential {
  let nextSeed = spec.seed * 1000
  const seeded = () => ({ seed: nextSeed++ })
  const featureCount = spec.encoding === 'pitch-length' ? 2 : 1
  const model = tf.sequential({ name: spec.kind })
  if (spec.kind === 'mlp') {
    model.add(
      tf.layers.dense({
        units: spec.units,
        activation: 'relu',
        inputShape: [spec.window * featureCount],
        kernelInitializer: tf.initializers.glorotUniform(seeded())
      })
    )
    model.add(
      tf.layers.dense({ units: spec.units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform(seeded()) })
    )
  } else {
    model.add(
      tf.layers.lstm({
        units: spec.units,
        stateful: spec.stateful,
        ...(spec.stateful
          ? { batchInputShape: [spec.batchSize, spec.window, featureCount] }
          : { inputShape: [spec.window, featureCount] }),
        kernelInitializer: tf.initializers.glorotUniform(seeded()),
        recurrentInitializer: tf.initializers.orthogonal({ gain: 1, ...seeded() }),
        unitForgetBias: true
      })
    )
  }
  model.add(
    tf.layers.dense({ units: spec.classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform(seeded()) })
  )
  return model
}

/** The shape one batch of inputs must have for this model. */
export function inputShape(spec: ModelSpec, samples: number): number[] {
  const featureCount = spec.encoding === 'pitch-length' ? 2 : 1
  return spec.kind === 'mlp' ? [samples, spec.window * featureCount] : [samples, spec.window, featureCount]
}
