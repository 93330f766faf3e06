import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerMissingWasmKernels } from './wasmMissingKernels'

let before = ''
beforeAll(() => {
  before = tf.getBackend()
  registerMissingWasmKernels()
})
afterAll(async () => {
  if (before) await tf.setBackend(before)
})

/** The gradients of an Embedding-like gather and a Conv1D's filter on one backend. */
async function gradientsOn(backend: string): Promise<number[][]> {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const table = tf.tensor2d([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8, -0.9], [3, 3])
    const ids = tf.tensor1d([2, 0, 2, 1], 'int32')
    const gatherGrad = tf.grad((t: tf.Tensor) => tf.gather(t, ids).mul(tf.range(1, 13).reshape([4, 3])).sum())(table)
    const x = tf.tensor3d([0.5, -1, 2, 0.25, 1.5, -0.75, 1, 0.5], [1, 4, 2])
    const filter = tf.tensor3d([0.2, -0.1, 0.4, 0.3, -0.6, 0.5], [3, 2, 1])
    const convGrad = tf.grad((f: tf.Tensor) => tf.conv1d(x, f as tf.Tensor3D, 1, 'valid').square().sum())(filter)
    return [Array.from(gatherGrad.dataSync()), Array.from(convGrad.dataSync())]
  })
}

describe('kernels the wasm backend lacks', () => {
  it('give the cpu backend’s gradients for a gather (Embedding) and a convolution filter (Conv1D)', async () => {
    const onCpu = await gradientsOn('cpu')
    const onWasm = await gradientsOn('wasm')
    onWasm.forEach((values, i) => values.forEach((value, j) => expect(value).toBeCloseTo(onCpu[i]![j]!, 5)))
    // row 2 of the table was gathered twice: its gradient is the sum of both uses
    expect(onWasm[0]!.slice(6)).toEqual([1 + 7, 2 + 8, 3 + 9])
  })
})
