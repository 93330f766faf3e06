import * as tf from '@tensorflow/tfjs'
import { OptionError } from '../errors'
import { saying } from '../../shared/engineMessages'
import { gpuVerdict, isNotInstalled, TFJS_GPU_NEEDS, judgeGpuLoadFailure, judgeLoadedGpu, probeCuda, type CudaProbe, type GpuVerdict } from './gpuProbe'
import { registerMissingWasmKernels } from './wasmMissingKernels'

/**
 * Picks the fastest TensorFlow.js backend this machine can run, in this order:
 * tfjs-node-gpu (libtensorflow with CUDA, and a CUDA device visible), tfjs-node (libtensorflow on
 * the CPU), the WebAssembly backend, the plain JavaScript cpu backend. It says which it chose and,
 * for every one it passed over, why in words.
 */
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]

/** The environment variable that forces a backend, as `--backend` does on the command line. */
export const BACKEND_ENV_VAR = 'MELODY_STUDIO_BACKEND'

export interface SkippedBackend {
  readonly name: BackendName
  readonly reason: string
}

export interface BackendChoice {
  readonly name: BackendName
  /** The name TensorFlow.js knows the backend by (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string
  readonly skipped: SkippedBackend[]
  /** Set when the choice was forced rather than found. */
  readonly forcedBy?: 'option' | 'environment'
  /** Whether the GPU trains and why (or why not): said to people beside the backend. */
  readonly gpu: GpuVerdict
}

/** A loader's answer: the TensorFlow.js backend's name, and for the GPU what it found. */
export interface LoadedBackend {
  readonly tfBackend: string
  readonly gpu?: GpuVerdict
}

/**
 * Makes one backend ready, or throws an Error whose message says why it cannot be.
 * Returns the name TensorFlow.js registered it under (or that name with what the GPU loader found).
 */
export type BackendLoader = () => Promise<string | LoadedBackend>

/** tfjs-node-gpu did not give a GPU: loaded on the CPU only, or not loaded; `verdict` says why. */
export class GpuNotUsedError extends Error {
  override readonly name = 'GpuNotUsedError'
  constructor(
    readonly verdict: GpuVerdict,
    options?: { cause: unknown }
  ) {
    super(verdict.reason, options)
  }
}

/** What the GPU loader is made of, so that every machine can be played in a test. */
export interface GpuLoaderParts {
  /** Imports tfjs-node-gpu, makes its backend current and asks TensorFlow whether it uses a GPU device. */
  readonly load: () => Promise<{ tfBackend: string; usingGpu: boolean }>
  /** Looks at the driver, CUDA runtime and cuDNN (only once the package is there). */
  readonly probe: () => CudaProbe
}

/**
 * The tfjs-node-gpu loader: it succeeds only when TensorFlow says it uses a GPU device, and
 * otherwise throws a GpuNotUsedError saying why, from what the machine has.
 */
export function gpuBackendLoader(parts: GpuLoaderParts): BackendLoader {
  return async () => {
    let loaded: { tfBackend: string; usingGpu: boolean }
    try {
      loaded = await parts.load()
    } catch (error) {
      throw new GpuNotUsedError(judgeGpuLoadFailure(error, parts.probe), { cause: error })
    }
    const verdict = judgeLoadedGpu(loaded.usingGpu, parts.probe())
    if (!verdict.used) throw new GpuNotUsedError(verdict)
    return { tfBackend: loaded.tfBackend, gpu: verdict }
  }
}

export type BackendLoaders = Record<BackendName, BackendLoader>

export function isBackendName(text: string): text is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(text)
}

/** The GPU verdicts that come from looking at the machine rather than from the loader's error. */
const PROBED_CODES: ReadonlySet<string> = new Set(['gpuNoDriver', 'gpuDriverTooOld', 'gpuNoCudaRuntime', 'gpuCudaMismatch', 'gpuNoCudnn', 'gpuCudnnMismatch', 'gpuNotSeen'])

/** Turns a loader's failure into a sentence a person can act on. */
export function explainBackendFailure(name: BackendName, error: unknown): string {
  // What the machine has (another CUDA, no driver) says more than the loader's own error.
  if (error instanceof GpuNotUsedError) return error.cause === undefined || PROBED_CODES.has(error.verdict.said.code) ? `${name}: ${error.verdict.reason}` : explainBackendFailure(name, error.cause)
  const message = error instanceof Error ? error.message : String(error)
  const firstLine = message.split('\n')[0]?.trim() ?? ''
  const missingLibrary = /(lib[\w.+-]+\.so(?:\.[\d.]+)?)/.exec(message)?.[1]
  if (isNotInstalled(message)) {
    return name === 'wasm'
      ? `${name}: @tensorflow/tfjs-backend-wasm is not installed — run npm install`
      : `${name}: not installed — @tensorflow/${name} downloads libtensorflow when it installs, which needs internet; run npm install on a machine online`
  }
  if (name === 'tfjs-node-gpu' && missingLibrary && /libcu|libcudnn|libnv/.test(missingLibrary)) {
    return `${name}: ${missingLibrary} not found — it needs CUDA 11.2 and cuDNN 8.1 (libtensorflow 2.9.1)`
  }
  if (missingLibrary) return `${name}: ${missingLibrary} not found — ${firstLine}`
  return `${name}: ${firstLine || 'failed to load'}`
}

/** What tfjs-core warns when a package registers a kernel a package loaded before it already has. */
const KERNEL_AGAIN = /^The kernel '[^']+' for backend '[^']+' is already registered$/

async function importOptional(specifier: string): Promise<void> {
  // tfjs-node and tfjs-node-gpu register the same kernels: after one that failed half-way (its
  // kernels registered, its libtensorflow missing), the other would print one warning per kernel,
  // some 150 lines on every command. Those warnings alone are kept quiet, only while importing.
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (!(args.length === 1 && typeof args[0] === 'string' && KERNEL_AGAIN.test(args[0]))) warn(...args)
  }
  try {
    // A variable specifier keeps bundlers from resolving a package that may not be installed.
    await import(/* @vite-ignore */ specifier)
  } finally {
    console.warn = warn
  }
}

async function activate(tfBackend: string): Promise<string> {
  if (!(await tf.setBackend(tfBackend))) throw new Error(`the ${tfBackend} backend did not initialise`)
  await tf.ready()
  return tfBackend
}

/**
 * TensorFlow's own answer, read by tfjs-node's backend from libtensorflow when it starts
 * (`NodeJSKernelBackend.isUsingGpuDevice`): true only when it found a CUDA device it can use.
 */
export function backendUsesGpu(): boolean {
  return (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true
}

let machineSeen: CudaProbe | undefined

/** The real loaders. Tests inject their own. */
export const defaultBackendLoaders: BackendLoaders = {
  'tfjs-node-gpu': gpuBackendLoader({
    load: async () => {
      await importOptional('@tensorflow/tfjs-node-gpu')
      const tfBackend = await activate('tensorflow')
      return { tfBackend, usingGpu: backendUsesGpu() }
    },
    // The machine does not change while the studio runs: it is looked at once.
    probe: () => (machineSeen ??= probeCuda())
  }),
  'tfjs-node': async () => {
    // tfjs-node-gpu, once loaded, registers the same `tensorflow` backend: loading a second copy
    // of libtensorflow into the process would clash, and the first one runs on the CPU as well.
    if (!tf.findBackendFactory('tensorflow')) await importOptional('@tensorflow/tfjs-node')
    return activate('tensorflow')
  },
  wasm: async () => {
    await importOptional('@tensorflow/tfjs-backend-wasm')
    registerMissingWasmKernels()
    return activate('wasm')
  },
  cpu: async () => activate('cpu')
}

export interface ChooseBackendOptions {
  /** Forces one backend (from `--backend`); wins over the environment. */
  readonly force?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly loaders?: BackendLoaders
}

/** The choice in progress: tfjs cannot initialise backends twice at once. */
let choosing: Promise<unknown> = Promise.resolve()

/**
 * One choice at a time: a second call while the first is still initialising a backend waits for
 * it, since tfjs, asked to set the same backend again mid-initialisation, answers that it failed
 * (the studio asks for the backend and starts a run at nearly the same moment).
 * @throws OptionError when the forced name is unknown, or the forced backend cannot load
 */
export function chooseBackend(options: ChooseBackendOptions = {}): Promise<BackendChoice> {
  const choice = choosing.then(() => chooseBackendNow(options))
  choosing = choice.catch(() => undefined)
  return choice
}

async function chooseBackendNow(options: ChooseBackendOptions): Promise<BackendChoice> {
  const loaders = options.loaders ?? defaultBackendLoaders
  const fromEnv = options.env?.[BACKEND_ENV_VAR]?.trim() || undefined
  const forced = options.force ?? fromEnv
  const forcedBy = options.force !== undefined ? 'option' : fromEnv !== undefined ? 'environment' : undefined
  if (forced !== undefined) {
    if (!isBackendName(forced)) {
      throw new OptionError(`unknown backend '${forced}': choose one of ${BACKEND_NAMES.join(', ')}`)
    }
    try {
      const loaded = loadedBackend(forced, await loaders[forced]())
      const gpu = loaded.gpu ?? gpuVerdict(false, saying('gpuNotTried', { backend: forced }))
      return { name: forced, tfBackend: loaded.tfBackend, skipped: [], gpu, ...(forcedBy ? { forcedBy } : {}) }
    } catch (error) {
      throw new OptionError(`backend ${explainBackendFailure(forced, error)}`)
    }
  }
  const skipped: SkippedBackend[] = []
  let gpu: GpuVerdict | undefined
  for (const name of BACKEND_NAMES) {
    try {
      const loaded = loadedBackend(name, await loaders[name]())
      gpu ??= loaded.gpu
      if (!gpu) throw new Error('the GPU loader answered without its verdict')
      return { name, tfBackend: loaded.tfBackend, skipped, gpu }
    } catch (error) {
      if (name === 'tfjs-node-gpu') gpu = error instanceof GpuNotUsedError ? error.verdict : judgeGpuLoadFailure(error)
      skipped.push({ name, reason: explainBackendFailure(name, error) })
    }
  }
  throw new OptionError(`no TensorFlow.js backend could start: ${skipped.map((s) => s.reason).join('; ')}`)
}

/**
 * A loader's answer as name and GPU verdict. A GPU loader that answers with a bare name (tests'
 * stand-ins) is taken at its word that TensorFlow uses the GPU.
 */
function loadedBackend(name: BackendName, answer: string | LoadedBackend): LoadedBackend {
  const loaded = typeof answer === 'string' ? { tfBackend: answer } : answer
  if (name !== 'tfjs-node-gpu' || loaded.gpu) return loaded
  return { ...loaded, gpu: gpuVerdict(true, saying('gpuInUse', { gpu: 'GPU:0', cuda: TFJS_GPU_NEEDS.cuda })) }
}

/**
 * The backend, whether the GPU trains and why, then every backend passed over and why. The GPU's
 * line stands for tfjs-node-gpu's own skip, which would say the same.
 */
export function describeBackendChoice(choice: BackendChoice): string {
  const how = choice.forcedBy ? ` (forced by ${choice.forcedBy === 'option' ? '--backend' : BACKEND_ENV_VAR})` : ''
  const gpuLine = choice.gpu.said.code === 'gpuNotTried' ? '' : `\n  ${choice.gpu.used ? '' : 'GPU not used: '}${choice.gpu.reason}`
  const passedOver = choice.skipped
    .filter((s) => s.name !== 'tfjs-node-gpu')
    .map((s) => `\n  skipped ${s.reason}`)
    .join('')
  return `backend: ${choice.name}${how}${gpuLine}${passedOver}`
}
