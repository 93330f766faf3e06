import * as tf from '@tensorflow/tfjs'
import { backendUsesGpu } from '../backend/chooseBackend'
import { OptionError } from '../errors'
import { planFastNetwork, type NetworkPlan } from './fastNetwork'
import { kernelFlavour } from './kernelFlavour'

/**
 * Whether to train and predict with the fast CPU path (our WebAssembly kernels) or with tfjs's
 * own operations. `auto` takes the fast path where it is measured faster: on the wasm and cpu
 * backends, for every model it supports. With a GPU in use (tfjs-node-gpu, and TensorFlow says it
 * uses a device), by the model's size: below GPU_MIN_PARAMS the fast path, as a small model's
 * batches are too small to pay for the GPU's launches and copies (tfjs issue #8509); from it up,
 * tfjs on the GPU. On tfjs-node on the CPU tfjs's own path is kept unless `on` is asked for: that
 * case has not been measured.
 */
export const FAST_PATH_SETTINGS = ['auto', 'on', 'off'] as const
export type FastPathSetting = (typeof FAST_PATH_SETTINGS)[number]

/** The environment variable that sets the fast path, as `--fast-path` does on the command line. */
export const FAST_PATH_ENV_VAR = 'MELODY_STUDIO_FAST_PATH'

/** @throws OptionError for a value other than auto, on or off */
export function resolveFastPathSetting(option: string | undefined, env: Record<string, string | undefined> = {}): FastPathSetting {
  const value = option ?? env[FAST_PATH_ENV_VAR] ?? 'auto'
  const setting = FAST_PATH_SETTINGS.find((name) => name === value)
  if (!setting) throw new OptionError(`fast path must be one of ${FAST_PATH_SETTINGS.join(', ')}, got ${value}`)
  return setting
}

/**
 * The parameter count from which a model trains on the GPU rather than on the fast CPU path, when
 * a GPU is in use. A first guess, not a measurement: set it from `npm run bench -- --backend
 * tfjs-node-gpu` against `--backend wasm` on a machine whose GPU tfjs-node-gpu can use (CUDA 11.2,
 * cuDNN 8.1), which none of ours has been. The seed's models (under 70,000 parameters) are far
 * below it, the corpus's two 256-unit LSTMs (about 800,000) below it too.
 */
export const GPU_MIN_PARAMS = 1_000_000

/** The TensorFlow.js backend in use and whether it trains on a GPU. */
export interface BackendInUse {
  readonly tfBackend: string
  readonly usesGpu: boolean
}

/** The backend tfjs is using now, asking TensorFlow whether that is a GPU. */
export function backendInUse(): BackendInUse {
  return { tfBackend: tf.getBackend(), usesGpu: backendUsesGpu() }
}

export interface TrainingPath {
  readonly name: 'fast-cpu' | 'tfjs'
  /** Why this path, in words, for logs, the CLI and the training screen. */
  readonly reason: string
}

/** The fast path's kernels, in words, naming the relaxed-SIMD flavour where it is loaded. */
function kernelsInWords(): string {
  return kernelFlavour() === 'relaxed-simd' ? 'WebAssembly SIMD kernels with relaxed SIMD (fused multiply-add)' : 'WebAssembly SIMD kernels'
}

/** `backend` as a bare name is a backend on the CPU. */
export function chooseTrainingPath(
  model: tf.LayersModel,
  setting: FastPathSetting = 'auto',
  inUse: string | BackendInUse = backendInUse()
): { path: TrainingPath; plan?: NetworkPlan } {
  const { tfBackend: backend, usesGpu } = typeof inUse === 'string' ? { tfBackend: inUse, usesGpu: false } : inUse
  if (setting === 'off') return { path: { name: 'tfjs', reason: 'fast path switched off' } }
  const planned = planFastNetwork(model)
  if (!planned.ok) return { path: { name: 'tfjs', reason: `fast path cannot run this model: ${planned.reason}` } }
  if (setting === 'auto' && usesGpu) {
    const params = model.countParams()
    const size = `${params.toLocaleString('en-US')} parameters`
    const threshold = GPU_MIN_PARAMS.toLocaleString('en-US')
    if (params >= GPU_MIN_PARAMS) {
      return { path: { name: 'tfjs', reason: `tfjs on the GPU: ${size}, at least the ${threshold} from which the GPU is used` } }
    }
    return {
      path: { name: 'fast-cpu', reason: `fast CPU path (${kernelsInWords()}), though a GPU is in use: ${size}, under the ${threshold} from which the GPU is used (a small model trains faster on the CPU)` },
      plan: planned.plan
    }
  }
  if (setting === 'auto' && backend !== 'wasm' && backend !== 'cpu') {
    return { path: { name: 'tfjs', reason: `tfjs on the ${backend} backend (the fast path is used there only when asked for)` } }
  }
  const why = setting === 'on' ? 'asked for' : `faster here than tfjs's ${backend} backend (npm run bench measures both)`
  return { path: { name: 'fast-cpu', reason: `fast CPU path (${kernelsInWords()}), ${why}` }, plan: planned.plan }
}
