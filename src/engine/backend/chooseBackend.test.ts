import { describe, expect, it } from 'vitest'
import { OptionError } from '../errors'
import {
  BACKEND_ENV_VAR,
  chooseBackend,
  describeBackendChoice,
  explainBackendFailure,
  type BackendLoaders
} from './chooseBackend'

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
    expect(describeBackendChoice(choice)).toMatch(/^backend: wasm\n {2}skipped tfjs-node-gpu: libcudart/)
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
})
