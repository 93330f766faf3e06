import * as tf from '@tensorflow/tfjs'

/** The parts of a tfjs backend these adapters use (both the wasm and the cpu backend have them). */
interface BackendSlice {
  readSync(dataId: object): tf.backend_util.BackendValues
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object
  disposeData(dataId: object, force?: boolean): boolean
}

interface WasmBackendSlice extends BackendSlice {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo
}

/** Kernels a layer needs to train that tfjs-backend-wasm 4.22 lacks (the gradients of Embedding and Conv1D). */
const TRAINING_KERNELS = ['UnsortedSegmentSum', 'Conv2DBackpropFilter'] as const

/**
 * tfjs-backend-wasm 4.22 has no kernel for the gradient of a gather (Embedding) or of a
 * convolution's filter (Conv1D), so those layers cannot train on it ("Kernel 'UnsortedSegmentSum'
 * not registered for backend 'wasm'"). This registers each missing one as tfjs's own cpu kernel,
 * run on copies of the inputs: slower than a native kernel, but the same answer.
 */
export function registerMissingWasmKernels(): void {
  for (const kernelName of TRAINING_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm')) continue
    const cpuKernel = tf.getKernel(kernelName, 'cpu')
    if (!cpuKernel) continue
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const wasm = backend as unknown as WasmBackendSlice
        const cpu = tf.findBackend('cpu') as unknown as BackendSlice
        const copies: Record<string, tf.TensorInfo> = {}
        for (const [name, info] of Object.entries(inputs)) {
          if (info) copies[name] = { dataId: cpu.write(wasm.readSync(info.dataId), info.shape, info.dtype), shape: info.shape, dtype: info.dtype }
        }
        const output = cpuKernel.kernelFunc({ inputs: copies, backend: cpu as unknown as tf.KernelBackend, attrs }) as tf.TensorInfo
        const values = cpu.readSync(output.dataId)
        for (const copy of [...Object.values(copies), output]) cpu.disposeData(copy.dataId, true)
        return wasm.makeOutput(output.shape, output.dtype, undefined, values)
      }
    })
  }
}
