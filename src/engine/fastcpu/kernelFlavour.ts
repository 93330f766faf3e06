// Which flavour of the WebAssembly kernels this process loads: the relaxed-SIMD one (the matrix
// products' accumulations fused into f32x4.relaxed_madd, a fused multiply-add where the CPU has
// one) where the engine validates it, else the plain SIMD one. Node 20 runs relaxed SIMD only
// behind --experimental-wasm-relaxed-simd; Electron's V8 runs it by default.
// MELODY_STUDIO_RELAXED_SIMD=0 keeps the plain kernels.
import { FAST_KERNELS_RELAXED_WASM_BASE64 } from './fastKernelsWasm'

export const RELAXED_SIMD_ENV_VAR = 'MELODY_STUDIO_RELAXED_SIMD'

export type KernelFlavour = 'relaxed-simd' | 'simd'

/** The bytes of a module written as base64. */
export function decodeModule(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

let relaxedValidates: boolean | undefined

/** Whether this engine accepts the relaxed-SIMD kernels (checked once per process). */
export function relaxedSimdSupported(): boolean {
  relaxedValidates ??= typeof WebAssembly.validate === 'function' && WebAssembly.validate(decodeModule(FAST_KERNELS_RELAXED_WASM_BASE64))
  return relaxedValidates
}

/** Whether the environment switches the relaxed-SIMD kernels off (MELODY_STUDIO_RELAXED_SIMD=0, off or false). */
export function relaxedSimdSwitchedOff(env: Readonly<Record<string, string | undefined>>): boolean {
  const setting = env[RELAXED_SIMD_ENV_VAR]?.trim().toLowerCase()
  return setting === '0' || setting === 'off' || setting === 'false'
}

/** The kernels the arenas load: relaxed SIMD where it validates and is not switched off. */
export function kernelFlavour(
  env: Readonly<Record<string, string | undefined>> = typeof process === 'undefined' ? {} : process.env,
  supported: () => boolean = relaxedSimdSupported
): KernelFlavour {
  return !relaxedSimdSwitchedOff(env) && supported() ? 'relaxed-simd' : 'simd'
}
