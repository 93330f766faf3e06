import { describe, expect, it } from 'vitest'
import { OptionError } from '../errors'
import {
  BACKEND_ENV_VAR,
  chooseBackend,
  describeBackendChoice,
  explainBackendFailure,
  gpuBackendLoader,
  type BackendLoaders
} from './chooseBackend'
import type { CudaProbe } from './gpuProbe'

const fails = (message: string) => async (): Promise<string> => {
  throw new Error(message)
}
const works = (tfBackend: string) => async () => tfBackend

/** Loaders that fail the way each backend fails on a real machine without it. */
function loaders(overrides: Partial<BackendLoaders> = {}): BackendLoaders {
  return {
    'tfjs-node-gpu': fails(
      'libcudart.so.11.0: cannot open shared object file: No such file or directory'
    ),
    'tfjs-node': fails("Cannot find module '@tensorflow/tfjs-node'"),
    wasm: works('wasm'),
    cpu: works('cpu'),
    ...overrides
  }
}

describe('backend choice', () => {
  it('takes the first that loads and says why each before it was skipped', async () => {
    const choice = await chooseBackend({ loaders: loaders() })
    expect(choice.name).toBe('wasm')
    expect(choice.tfBackend).toBe('wasm')
    expect(choice.skipped).toEqual([
      { name: 'tfjs-node-gpu', reason: 'tfjs-node-gpu: libcudart.so.11.0 not found — it needs CUDA 11.2 and cuDNN 8.1 (libtensorflow 2.9.1)' },
      {
        name: 'tfjs-node',
        reason:
          'tfjs-node: not installed — @tensorflow/tfjs-node downloads libtensorflow when it installs, which needs internet; run npm install on a machine online'
      }
    ])
    expect(choice.gpu).toMatchObject({ used: false, said: { code: 'gpuLibraryMissing', values: { library: 'libcudart.so.11.0' } } })
    // The GPU's line stands for tfjs-node-gpu's skip; the other skips follow.
    expect(describeBackendChoice(choice)).toBe(
      'backend: wasm\n  GPU not used: libcudart.so.11.0 not found: this TensorFlow needs CUDA 11.2 and cuDNN 8.1; training on the CPU\n' +
        '  skipped tfjs-node: not installed — @tensorflow/tfjs-node downloads libtensorflow when it installs, which needs internet; run npm install on a machine online'
    )
  })

  it('prefers the GPU when it loads and sees a device', async () => {
    const choice = await chooseBackend({ loaders: loaders({ 'tfjs-node-gpu': works('tensorflow'), 'tfjs-node': works('tensorflow') }) })
    expect(choice).toMatchObject({ name: 'tfjs-node-gpu', tfBackend: 'tensorflow', skipped: [] })
  })

  it('explains a missing cuDNN, a GPU package without a device, and a broken wasm', async () => {
    const choice = await chooseBackend({
      loaders: loaders({
        'tfjs-node-gpu': fails('libcudnn.so.8: cannot open shared object file'),
        'tfjs-node': works('tensorflow')
      })
    })
    expect(choice.name).toBe('tfjs-node')
    expect(choice.skipped[0]?.reason).toBe('tfjs-node-gpu: libcudnn.so.8 not found — it needs CUDA 11.2 and cuDNN 8.1 (libtensorflow 2.9.1)')
    expect(explainBackendFailure('tfjs-node-gpu', new Error('loaded, but TensorFlow sees no CUDA device'))).toBe(
      'tfjs-node-gpu: loaded, but TensorFlow sees no CUDA device'
    )
    const cpuOnly = await chooseBackend({ loaders: loaders({ wasm: fails('WebAssembly.instantiate(): out of memory') }) })
    expect(cpuOnly.name).toBe('cpu')
    expect(cpuOnly.skipped.map((s) => s.reason)[2]).toBe('wasm: WebAssembly.instantiate(): out of memory')
  })

  it('is forced by the option, which wins over the environment', async () => {
    const env = { [BACKEND_ENV_VAR]: 'wasm' }
    expect(await chooseBackend({ loaders: loaders(), env })).toMatchObject({ name: 'wasm', forcedBy: 'environment' })
    const forced = await chooseBackend({ loaders: loaders(), env, force: 'cpu' })
    expect(forced).toMatchObject({ name: 'cpu', forcedBy: 'option', skipped: [] })
    expect(describeBackendChoice(forced)).toBe('backend: cpu (forced by --backend)')
  })

  it('refuses an unknown or unloadable forced backend with the reason', async () => {
    await expect(chooseBackend({ loaders: loaders(), force: 'metal' })).rejects.toThrow(OptionError)
    await expect(chooseBackend({ loaders: loaders(), force: 'metal' })).rejects.toThrow(
      "unknown backend 'metal': choose one of tfjs-node-gpu, tfjs-node, wasm, cpu"
    )
    await expect(chooseBackend({ loaders: loaders(), env: { [BACKEND_ENV_VAR]: 'tfjs-node-gpu' } })).rejects.toThrow(
      /backend tfjs-node-gpu: libcudart.so.11.0 not found/
    )
  })

  it('answers calls made at once one after the other, as tfjs cannot initialise a backend twice at once', async () => {
    // The first call to reach the wasm loader holds it until the test opens the gate; a second
    // call let in meanwhile would find it initialising and fail, as tfjs does.
    let openGate: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (openGate = resolve))
    let initialising = false
    let entered = 0
    const missing = () => Promise.reject(new Error("Cannot find package '@tensorflow/tfjs-node'"))
    const racy: BackendLoaders = {
      'tfjs-node-gpu': missing,
      'tfjs-node': missing,
      wasm: async () => {
        entered++
        if (initialising) throw new Error('the wasm backend did not initialise')
        initialising = true
        if (entered === 1) await gate
        initialising = false
        return 'wasm'
      },
      cpu: () => Promise.resolve('cpu')
    }
    const calls = Promise.all([chooseBackend({ loaders: racy }), chooseBackend({ loaders: racy }), chooseBackend({ loaders: racy })])
    // Every promise settled so far has run its callbacks by the next turn of the event loop:
    // unserialised calls would have reached the loader by now.
    await new Promise((resolve) => setImmediate(resolve))
    expect(entered).toBe(1)
    openGate()
    const choices = await calls
    expect(choices.map((choice) => choice.name)).toEqual(['wasm', 'wasm', 'wasm'])
    expect(entered).toBe(3)
  })

  it('with the real loaders, picks a working backend here and explains every one passed over', async () => {
    const choice = await chooseBackend()
    const order = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']
    expect(choice.skipped.map((s) => s.name)).toEqual(order.slice(0, order.indexOf(choice.name)))
    for (const skipped of choice.skipped) expect(skipped.reason).toMatch(new RegExp(`^${skipped.name}: .{10,}`))
    console.log(describeBackendChoice(choice))
  })

  describe('the GPU loader, which succeeds only when TensorFlow uses a GPU device', () => {
    const H200: CudaProbe = {
      driver: '550.54.14',
      driverCuda: '12.4',
      gpus: ['NVIDIA H200'],
      cudaRuntimes: [{ major: 11, version: '11.2', path: '/usr/local/cuda-11.2/lib64/libcudart.so.11.0' }],
      cudnns: [{ major: 8, version: '8.1.0', path: '/usr/lib/x86_64-linux-gnu/libcudnn.so.8.1.0' }]
    }
    const CUDA12: CudaProbe = { ...H200, cudaRuntimes: [{ major: 12, version: '12.4', path: '/usr/local/cuda-12.4/lib64/libcudart.so.12' }], cudnns: [] }
    const NO_NVIDIA: CudaProbe = { gpus: [], cudaRuntimes: [], cudnns: [] }
    /** tfjs-node-gpu loading with TensorFlow answering `usingGpu`, on a machine seen as `probe`. */
    const gpuOn = (probe: CudaProbe, usingGpu: boolean) => gpuBackendLoader({ load: () => Promise.resolve({ tfBackend: 'tensorflow', usingGpu }), probe: () => probe })
    const choose = (gpu: BackendLoaders['tfjs-node-gpu']) => chooseBackend({ loaders: loaders({ 'tfjs-node-gpu': gpu, 'tfjs-node': works('tensorflow') }) })

    it('uses the GPU and names it when TensorFlow sees a device', async () => {
      const choice = await choose(gpuOn(H200, true))
      expect(choice).toMatchObject({ name: 'tfjs-node-gpu', tfBackend: 'tensorflow', skipped: [], gpu: { used: true } })
      expect(describeBackendChoice(choice)).toBe('backend: tfjs-node-gpu\n  GPU in use: NVIDIA H200 (CUDA 11.2)')
    })

    it('trains on the CPU, saying CUDA 12 is not the 11.2 it needs, when it loads on a CUDA 12 machine', async () => {
      const choice = await choose(gpuOn(CUDA12, false))
      expect(choice.name).toBe('tfjs-node')
      expect(choice.gpu).toMatchObject({ used: false, said: { code: 'gpuCudaMismatch' } })
      expect(choice.skipped).toEqual([{ name: 'tfjs-node-gpu', reason: 'tfjs-node-gpu: CUDA 12.4 found, this TensorFlow needs 11.2 and cuDNN 8.1; training on the CPU' }])
      expect(describeBackendChoice(choice)).toBe('backend: tfjs-node\n  GPU not used: CUDA 12.4 found, this TensorFlow needs 11.2 and cuDNN 8.1; training on the CPU')
    })

    it('says it loaded but sees no device when the machine has no NVIDIA driver', async () => {
      const choice = await choose(gpuOn(NO_NVIDIA, false))
      expect(choice.gpu.reason).toBe('loaded, but TensorFlow sees no CUDA device (no NVIDIA driver found); training on the CPU')
      expect(choice.name).toBe('tfjs-node')
    })

    it('says it is not installed, without looking at the machine', async () => {
      let probed = false
      const missing = gpuBackendLoader({
        load: () => Promise.reject(new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from /x")),
        probe: () => {
          probed = true
          return H200
        }
      })
      const choice = await choose(missing)
      expect(choice.gpu).toMatchObject({ used: false, reason: 'tfjs-node-gpu not installed' })
      // The skip keeps the loader's own advice: how the package gets its libtensorflow.
      expect(choice.skipped[0]?.reason).toMatch(/^tfjs-node-gpu: not installed — @tensorflow\/tfjs-node-gpu downloads libtensorflow/)
      expect(probed).toBe(false)
    })

    it('says a missing CUDA library as the CUDA the machine has', async () => {
      const failing = gpuBackendLoader({ load: () => Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file')), probe: () => CUDA12 })
      expect((await choose(failing)).gpu.said.code).toBe('gpuCudaMismatch')
    })

    it('refuses a forced GPU that is not used, with the reason, and says the GPU was not tried when another is forced', async () => {
      await expect(chooseBackend({ loaders: loaders({ 'tfjs-node-gpu': gpuOn(CUDA12, false) }), force: 'tfjs-node-gpu' })).rejects.toThrow(
        'backend tfjs-node-gpu: CUDA 12.4 found, this TensorFlow needs 11.2 and cuDNN 8.1; training on the CPU'
      )
      const forced = await chooseBackend({ loaders: loaders(), force: 'wasm' })
      expect(forced.gpu).toMatchObject({ used: false, said: { code: 'gpuNotTried', values: { backend: 'wasm' } } })
    })
  })
})
