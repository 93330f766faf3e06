// Whether tfjs-node-gpu really trains on the GPU, and if not, why, in words a person can act on.
// tfjs-node-gpu 4.22 carries libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1. TensorFlow
// opens the CUDA libraries itself when it starts (dlopen, by their sonames); on a machine with
// CUDA 12 or 13 it finds none of its own, warns once in its log and quietly runs on the CPU
// (tfjs issues #8269, #8362). So the package loading says nothing: the backend is asked whether it
// uses a GPU device, and the machine is looked at independently (driver, CUDA runtime and cuDNN
// the dynamic loader can see) to say why not.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { englishOf, saying, type EngineSaying } from '../../shared/engineMessages'

/** What tfjs-node-gpu 4.22's libtensorflow 2.9.1 was built for. */
export const TFJS_GPU_NEEDS = {
  cuda: '11.2',
  /** libcudart's soname major: every CUDA 11.x runtime is libcudart.so.11.0. */
  cudaMajor: 11,
  cudnn: '8.1',
  cudnnMajor: 8,
  /** The oldest Linux driver that runs CUDA 11.x applications (CUDA's minor-version compatibility). */
  minDriver: '450.80.02'
} as const

/** The machine as the probe reads it; tests inject their own. */
export interface MachineAccess {
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined
  /** A command's standard output, or undefined when it is absent, fails or hangs. */
  run(command: string, args: readonly string[]): string | undefined
  /** A folder's file names, or undefined when it cannot be listed. */
  listDir(path: string): readonly string[] | undefined
  readonly env: Readonly<Record<string, string | undefined>>
}

/** One CUDA library the dynamic loader can see. */
export interface FoundLibrary {
  readonly major: number
  /** As precisely as the file name or its folder says it (`12.4`, `12.4.127`), else the major. */
  readonly version: string
  readonly path: string
}

export interface CudaProbe {
  /** The NVIDIA kernel driver's version, when one is loaded. */
  readonly driver?: string
  /** The newest CUDA the driver runs (nvidia-smi's "CUDA Version"). */
  readonly driverCuda?: string
  /** The GPUs' names (nvidia-smi). */
  readonly gpus: readonly string[]
  readonly cudaRuntimes: readonly FoundLibrary[]
  readonly cudnns: readonly FoundLibrary[]
}

export interface GpuVerdict {
  /** Whether training on tfjs-node-gpu runs on a GPU. */
  readonly used: boolean
  /** Why, as a code the UI translates. */
  readonly said: EngineSaying
  /** Why, in the engine's English (the CLI's and the log's). */
  readonly reason: string
}

export function gpuVerdict(used: boolean, said: EngineSaying): GpuVerdict {
  return { used, said, reason: englishOf(said) }
}

/** How long nvidia-smi or ldconfig may take: a wedged driver can hang nvidia-smi for minutes. */
const COMMAND_TIMEOUT_MS = 5000

/** The real machine. */
export const nodeMachine: MachineAccess = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return undefined
    }
  },
  run(command, args) {
    const result = spawnSync(command, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] })
    return result.status === 0 && typeof result.stdout === 'string' ? result.stdout : undefined
  },
  listDir(path) {
    try {
      return readdirSync(path)
    } catch {
      return undefined
    }
  },
  env: process.env
}

const LIBRARIES = { cudart: 'libcudart', cudnn: 'libcudnn' } as const

/** `libcudart.so.12`, `libcudart.so.12.4.127`, `libcudnn.so.8.1.0` → major and the version the name gives. */
function libraryVersion(library: string, fileName: string): { major: number; version: string } | undefined {
  const match = new RegExp(`^${library}\\.so\\.(\\d+(?:\\.\\d+)*)$`).exec(fileName)
  const version = match?.[1]
  if (!version) return undefined
  return { major: Number(version.split('.')[0]), version }
}

/**
 * A more precise version from the library's folder (`/usr/local/cuda-12.4/…`) than its soname
 * gives (`libcudart.so.12`), for CUDA's runtime; CUDA 11's soname is `11.0` whatever the minor.
 */
function refineFromPath(found: FoundLibrary, library: string): FoundLibrary {
  if (library !== LIBRARIES.cudart) return found
  // `libcudart.so.11.0` says CUDA 11, not 11.0.
  const version = found.version === `${found.major}.0` ? String(found.major) : found.version
  const fromFolder = /cuda-(\d+\.\d+)/.exec(found.path)?.[1]
  const folderFits = fromFolder !== undefined && Number(fromFolder.split('.')[0]) === found.major && fromFolder.length > version.length
  return { ...found, version: folderFits ? fromFolder : version }
}

/** The libraries named `library` that the dynamic loader can see: its cache (`ldconfig -p`) and LD_LIBRARY_PATH. */
function findLibraries(machine: MachineAccess, library: string, ldconfig: string | undefined): FoundLibrary[] {
  const found: FoundLibrary[] = []
  for (const line of (ldconfig ?? '').split('\n')) {
    const match = /^\s*(\S+)\s.*=>\s*(\S+)\s*$/.exec(line)
    const parsed = match?.[1] ? libraryVersion(library, match[1]) : undefined
    if (parsed && match?.[2]) found.push({ ...parsed, path: match[2] })
  }
  for (const folder of (machine.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    for (const name of machine.listDir(folder) ?? []) {
      const parsed = libraryVersion(library, name)
      if (parsed) found.push({ ...parsed, path: `${folder.replace(/\/$/, '')}/${name}` })
    }
  }
  const refined = found.map((one) => refineFromPath(one, library))
  // One entry per major, the most precise version first.
  const byMajor = new Map<number, FoundLibrary>()
  for (const one of refined) {
    const known = byMajor.get(one.major)
    if (!known || one.version.length > known.version.length) byMajor.set(one.major, one)
  }
  return [...byMajor.values()].sort((a, b) => b.major - a.major)
}

/** Looks at the machine's NVIDIA driver, GPUs, CUDA runtime and cuDNN without loading any of them. */
export function probeCuda(machine: MachineAccess = nodeMachine): CudaProbe {
  const procVersion = machine.readFile('/proc/driver/nvidia/version')
  const smi = machine.run('nvidia-smi', [])
  const query = machine.run('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'])
  const queried = (query ?? '')
    .split('\n')
    .map((line) => line.split(',').map((field) => field.trim()))
    .filter(([name]) => name)
  const driver =
    /Kernel Module\s+(\d+(?:\.\d+)+)/.exec(procVersion ?? '')?.[1] ??
    /Driver Version:\s*(\d+(?:\.\d+)+)/.exec(smi ?? '')?.[1] ??
    queried[0]?.[1]
  const driverCuda = /CUDA Version:\s*(\d+\.\d+)/.exec(smi ?? '')?.[1]
  const ldconfig = machine.run('ldconfig', ['-p']) ?? machine.run('/sbin/ldconfig', ['-p'])
  return {
    ...(driver ? { driver } : {}),
    ...(driverCuda ? { driverCuda } : {}),
    gpus: queried.map(([name]) => name ?? '').filter(Boolean),
    cudaRuntimes: findLibraries(machine, LIBRARIES.cudart, ldconfig),
    cudnns: findLibraries(machine, LIBRARIES.cudnn, ldconfig)
  }
}

/** `11.0` < `11.2`, `12.4` ≥ `11.2`, by number. */
function versionBelow(version: string, floor: string): boolean {
  const [a, b] = [version.split('.').map(Number), floor.split('.').map(Number)]
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0]
    if (x !== y) return x < y
  }
  return false
}

const NEEDS = { needed: TFJS_GPU_NEEDS.cuda, cudnn: TFJS_GPU_NEEDS.cudnn }

/**
 * Says whether tfjs-node-gpu, loaded, trains on the GPU (`usingGpu`, TensorFlow's own answer) and
 * if not, why, from what the machine has: no driver, a driver too old, no CUDA runtime, another
 * CUDA or cuDNN than the one TensorFlow was built for, or everything there and still no device.
 */
export function judgeLoadedGpu(usingGpu: boolean, probe: CudaProbe): GpuVerdict {
  const cuda11 = probe.cudaRuntimes.find((found) => found.major === TFJS_GPU_NEEDS.cudaMajor)
  if (usingGpu) {
    return gpuVerdict(true, saying('gpuInUse', { gpu: probe.gpus.join(', ') || 'GPU:0', cuda: cuda11?.version ?? TFJS_GPU_NEEDS.cuda }))
  }
  if (!probe.driver) return gpuVerdict(false, saying('gpuNoDriver'))
  if (probe.driverCuda && versionBelow(probe.driverCuda, TFJS_GPU_NEEDS.cuda)) {
    return gpuVerdict(false, saying('gpuDriverTooOld', { driver: probe.driver, driverCuda: probe.driverCuda, needed: TFJS_GPU_NEEDS.cuda, minDriver: TFJS_GPU_NEEDS.minDriver }))
  }
  const otherCuda = probe.cudaRuntimes[0]
  if (!cuda11) {
    return otherCuda
      ? gpuVerdict(false, saying('gpuCudaMismatch', { found: otherCuda.version, ...NEEDS }))
      : gpuVerdict(false, saying('gpuNoCudaRuntime', { driver: probe.driver, ...NEEDS }))
  }
  const cudnn8 = probe.cudnns.find((found) => found.major === TFJS_GPU_NEEDS.cudnnMajor)
  if (!cudnn8) {
    const otherCudnn = probe.cudnns[0]
    return otherCudnn
      ? gpuVerdict(false, saying('gpuCudnnMismatch', { found: otherCudnn.version, ...NEEDS }))
      : gpuVerdict(false, saying('gpuNoCudnn', { found: cuda11.version, cudnn: TFJS_GPU_NEEDS.cudnn }))
  }
  return gpuVerdict(false, saying('gpuNotSeen', { driver: probe.driver, found: cuda11.version }))
}

/** True for the failure of a package that is not installed (or whose native part never downloaded). */
export function isNotInstalled(message: string): boolean {
  // tfjs-node's own words when its libtensorflow and binding were never downloaded (npm install offline).
  return /Cannot find (module|package)/i.test(message) || /ERR_MODULE_NOT_FOUND/.test(message) || /native addon module \S+ can not be found/i.test(message)
}

/**
 * Why tfjs-node-gpu failed to load: not installed, a CUDA library missing (said as the CUDA or
 * cuDNN on the machine against the one needed, when `probe` is given), or TensorFlow's first line.
 */
export function judgeGpuLoadFailure(error: unknown, probe?: () => CudaProbe): GpuVerdict {
  const message = error instanceof Error ? error.message : String(error)
  if (isNotInstalled(message)) return gpuVerdict(false, saying('gpuPackageMissing'))
  const library = /(lib(?:cu|nv)[\w.+-]*\.so(?:\.[\d.]+)?)/.exec(message)?.[1]
  if (library) {
    const seen = probe ? judgeLoadedGpu(false, probe()) : undefined
    // What the machine has says more than which library was first found missing.
    if (seen && seen.said.code !== 'gpuNotSeen') return seen
    return gpuVerdict(false, saying('gpuLibraryMissing', { library, ...NEEDS }))
  }
  return gpuVerdict(false, saying('gpuLoadFailed', { detail: message.split('\n')[0]?.trim() || String(error) }))
}
