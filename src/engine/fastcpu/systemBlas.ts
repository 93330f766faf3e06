/**
 * The machine's own optimised BLAS (OpenBLAS, MKL, BLIS, Apple Accelerate), reached through the
 * koffi FFI, for the large matrix products of corpus-sized models. Measured on a 2-core EPYC:
 * OpenBLAS's sgemm runs a 64×256 by 256×1024 product at about 140 GFLOPS on both cores, our
 * single-threaded WebAssembly kernel at about 30. The WebAssembly kernels stay the fallback and the
 * choice for small products, where a call through the FFI and OpenBLAS's thread hand-off cost more
 * than the arithmetic (see BLAS_MIN_MULTIPLY_ADDS).
 *
 * A reference BLAS (netlib's, Debian's libblas3) is refused: it is slower than our kernels.
 *
 * Loading is asynchronous (koffi is an optional dependency, imported on demand) and happens once,
 * before a network is laid out: `loadSystemBlas()`. Kernel arenas made afterwards use it.
 */

/** `off` never uses a system BLAS; a path loads that library; unset: the first one found. */
export const BLAS_ENV_VAR = 'MELODY_STUDIO_BLAS'

/**
 * Products of at least this many multiply-adds (m·n·k) go to the system BLAS. Measured with
 * OpenBLAS 0.3.21 on 2 cores: from 64×128×32 (262,144) up OpenBLAS is 2–5× faster than our kernel
 * (64×1024×256: 0.24 ms against 1.31 ms); below, a call through the FFI costs about as much as the
 * arithmetic, and the seed's tiny models keep their exact WebAssembly arithmetic.
 */
export const BLAS_MIN_MULTIPLY_ADDS = 1 << 18

/** C[m×n] += op(A)·op(B), row-major, element strides; a view of the operands' memory each. */
export interface SystemBlas {
  /** The library file and what it is, for logs and the bench: "OpenBLAS 0.3.21 (Cooperlake kernel, 2 threads)". */
  readonly description: string
  readonly library: string
  readonly vendor: 'OpenBLAS' | 'MKL' | 'BLIS' | 'Accelerate'
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number): void
  /** Threads the library uses, where it can say. */
  threads(): number | undefined
  /** Sets the library's thread count where it lets us (OpenBLAS, MKL, BLIS); false where not. */
  setThreads(count: number): boolean
}

export type BlasLoad = { readonly ok: true; readonly blas: SystemBlas } | { readonly ok: false; readonly reason: string }

/** Library files to try, most specific first, by platform. */
export function blasCandidates(platform: string = typeof process === 'undefined' ? '' : process.platform): string[] {
  switch (platform) {
    case 'darwin':
      return ['/System/Library/Frameworks/Accelerate.framework/Accelerate', '/opt/homebrew/opt/openblas/lib/libopenblas.dylib', '/usr/local/opt/openblas/lib/libopenblas.dylib']
    case 'win32':
      return ['libopenblas.dll', 'openblas.dll', 'mkl_rt.2.dll', 'mkl_rt.dll']
    default:
      return ['libopenblas.so.0', 'libopenblas.so', 'libmkl_rt.so.2', 'libmkl_rt.so', 'libblis.so.4', 'libblis.so', 'libblas.so.3']
  }
}

const CBLAS_ROW_MAJOR = 101
const CBLAS_NO_TRANS = 111
const CBLAS_TRANS = 112

interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown }
}

let loaded: Promise<BlasLoad> | undefined
let current: SystemBlas | undefined

/** The BLAS loaded by `loadSystemBlas`, if one was. */
export function systemBlas(): SystemBlas | undefined {
  return current
}

/**
 * Finds and loads the system's optimised BLAS once (later calls answer the same), checking it
 * multiplies correctly before it is used. Never throws: where there is none the answer says why.
 */
export function loadSystemBlas(env: Readonly<Record<string, string | undefined>> = typeof process === 'undefined' ? {} : process.env): Promise<BlasLoad> {
  loaded ??= findSystemBlas(env).then((result) => {
    if (result.ok) current = result.blas
    return result
  })
  return loaded
}

/** Forgets the loaded BLAS (tests compare with and without it); the library stays mapped. */
export function setSystemBlas(blas: SystemBlas | undefined): void {
  current = blas
  loaded = Promise.resolve(blas ? { ok: true, blas } : { ok: false, reason: 'switched off' })
}

/** Looks for the system BLAS as `loadSystemBlas` does, anew each call, without making it the one used. */
export async function findSystemBlas(env: Readonly<Record<string, string | undefined>>): Promise<BlasLoad> {
  const setting = env[BLAS_ENV_VAR]?.trim()
  if (setting === 'off' || setting === '0') return { ok: false, reason: `switched off by ${BLAS_ENV_VAR}=${setting}` }
  let koffi: Koffi
  try {
    const module = (await import(/* @vite-ignore */ 'koffi')) as { default?: Koffi } & Koffi
    koffi = module.default ?? module
  } catch (error) {
    return { ok: false, reason: `the koffi FFI is not installed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` }
  }
  const tried: string[] = []
  for (const library of setting ? [setting] : blasCandidates()) {
    const opened = openBlas(koffi, library)
    if (opened.ok) return opened
    tried.push(`${library}: ${opened.reason}`)
  }
  return { ok: false, reason: `no optimised BLAS found (${tried.join('; ')})` }
}

function optional(lib: ReturnType<Koffi['load']>, signature: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    return lib.func(signature)
  } catch {
    return undefined
  }
}

function openBlas(koffi: Koffi, library: string): BlasLoad {
  let lib: ReturnType<Koffi['load']>
  try {
    lib = koffi.load(library)
  } catch (error) {
    return { ok: false, reason: `not found (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` }
  }
  const sgemm = optional(
    lib,
    'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, _Inout_ float *c, int ldc)'
  )
  if (!sgemm) return { ok: false, reason: 'has no cblas_sgemm' }
  const openblasConfig = optional(lib, 'const char *openblas_get_config()')
  const openblasCore = optional(lib, 'const char *openblas_get_corename()')
  const openblasThreads = optional(lib, 'int openblas_get_num_threads()')
  const openblasSetThreads = optional(lib, 'void openblas_set_num_threads(int)')
  const mklVersion = optional(lib, 'int MKL_Get_Max_Threads()')
  const mklSetThreads = optional(lib, 'void MKL_Set_Num_Threads(int)')
  const blisVersion = optional(lib, 'const char *bli_info_get_version_str()')
  const blisThreads = optional(lib, 'long bli_thread_get_num_threads()')
  const blisSetThreads = optional(lib, 'void bli_thread_set_num_threads(long)')
  let vendor: SystemBlas['vendor']
  let detail: string
  if (openblasConfig) {
    vendor = 'OpenBLAS'
    const config = String(openblasConfig())
    detail = `${config.split(' ').slice(0, 2).join(' ')} (${String(openblasCore?.() ?? '?')} kernel)`
  } else if (mklVersion) {
    vendor = 'MKL'
    detail = 'Intel MKL'
  } else if (blisVersion) {
    vendor = 'BLIS'
    detail = `BLIS ${String(blisVersion())}`
  } else if (library.includes('Accelerate')) {
    vendor = 'Accelerate'
    detail = 'Apple Accelerate'
  } else {
    return { ok: false, reason: 'a reference BLAS (not OpenBLAS, MKL, BLIS or Accelerate), slower than our own kernels' }
  }
  const blas: SystemBlas = {
    library,
    vendor,
    get description() {
      const threads = this.threads()
      return `${detail}${threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''} from ${library}`
    },
    sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc) {
      sgemm(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS, transB ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, 1, a, lda, b, ldb, 1, c, ldc)
    },
    threads() {
      const count = openblasThreads?.() ?? mklVersion?.() ?? blisThreads?.()
      return typeof count === 'number' || typeof count === 'bigint' ? Number(count) : undefined
    },
    setThreads(count) {
      const set = openblasSetThreads ?? mklSetThreads ?? blisSetThreads
      if (!set) return false
      set(count)
      return true
    }
  }
  const check = checkProduct(blas)
  return check ? { ok: false, reason: check } : { ok: true, blas }
}

/** A small product with transposes and strides whose answer is known; a message if it is wrong. */
function checkProduct(blas: SystemBlas): string | undefined {
  // A = [[1,2,3],[4,5,6]] (2×3, stored with row stride 4), B = Aᵀ stored as A: A·Aᵀ = [[14,32],[32,77]]
  const a = Float32Array.of(1, 2, 3, 0, 4, 5, 6, 0)
  const c = Float32Array.of(1, 1, 1, 1)
  try {
    blas.sgemm(false, true, 2, 2, 3, a, 4, a, 4, c, 2)
  } catch (error) {
    return `cblas_sgemm failed (${error instanceof Error ? error.message : String(error)})`
  }
  const expected = [15, 33, 33, 78]
  return expected.every((value, i) => c[i] === value) ? undefined : `cblas_sgemm answered ${Array.from(c).join(',')} instead of ${expected.join(',')}`
}
