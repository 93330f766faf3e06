import * as tf from '@tensorflow/tfjs'
import { OptionError } from '../errors'
import { planFastNetwork, type NetworkPlan } from './fastNetwork'

/**
 * Whether to train and predict with the fast CPU path (our WebAssembly kernels) or with tfjs's
 * own operations. `auto` takes the fast path where it is measured faster: on the wasm and cpu
 * backends, for every model it supports. On tfjs-node (libtensorflow, CPU or CUDA) tfjs's own
 * path is kept unless `on` is asked for: that case has not been measured.
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

export interface TrainingPath {
  readonly name: 'fast-cpu' | 'tfjs'
  /** Why this path, in words, for logs, the CLI and the training screen. */
  readonly reason: string
}

export function chooseTrainingPath(
  model: tf.LayersModel,
  setting: FastPathSetting = 'auto',
  backend: string = tf.getBackend()
): { path: TrainingPath; plan?: NetworkPlan } {
  if (setting === 'off') return { path: { name: 'tfjs', reason: 'fast path switched off' } }
  const planned = planFastNetwork(model)
  if (!planned.ok) return { path: { name: 'tfjs', reason: `fast path cannot run this model: ${planned.reason}` } }
  if (setting === 'auto' && backend !== 'wasm' && backend !== 'cpu') {
    return { path: { name: 'tfjs', reason: `tfjs on the ${backend} backend (the fast path is used there only when asked for)` } }
  }
  const why = setting === 'on' ? 'asked for' : `faster here than tfjs's ${backend} backend (npm run bench measures both)`
  return { path: { name: 'fast-cpu', reason: `fast CPU path (WebAssembly SIMD kernels), ${why}` }, plan: planned.plan }
}
