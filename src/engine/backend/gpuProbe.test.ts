import { describe, expect, it } from 'vitest'
import { judgeGpuLoadFailure, judgeLoadedGpu, probeCuda, type CudaProbe, type MachineAccess } from './gpuProbe'

/** A machine made of files, command outputs and folders; anything not given is absent. */
function machine(parts: { files?: Record<string, string>; commands?: Record<string, string>; dirs?: Record<string, string[]>; env?: Record<string, string> }): MachineAccess {
  return {
    readFile: (path) => parts.files?.[path],
    run: (command, args) => parts.commands?.[[command, ...args].join(' ')],
    listDir: (path) => parts.dirs?.[path],
    env: parts.env ?? {}
  }
}

const PROC_VERSION = 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\nGCC version:  gcc version 12.2.0\n'
const SMI_HEADER = `+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.54.14              Driver Version: 550.54.14      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+`
const SMI_QUERY = 'NVIDIA H200, 550.54.14\n'
const LDCONFIG_CUDA12 = `1234 libs found in cache \`/etc/ld.so.cache'
\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9
\tlibcudart.so.12 (libc6,x86-64) => /usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12
\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6
`
const LDCONFIG_CUDA11 = `\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8
\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda-11.2/lib64/libcudart.so.11.0
`

describe('probing the machine for CUDA', () => {
  it('reads the driver, the GPU and the CUDA 12 runtime and cuDNN 9 the loader sees', () => {
    const probe = probeCuda(
      machine({
        files: { '/proc/driver/nvidia/version': PROC_VERSION },
        commands: { 'nvidia-smi': SMI_HEADER, 'nvidia-smi --query-gpu=name,driver_version --format=csv,noheader': SMI_QUERY, 'ldconfig -p': LDCONFIG_CUDA12 }
      })
    )
    expect(probe).toEqual({
      driver: '550.54.14',
      driverCuda: '12.4',
      gpus: ['NVIDIA H200'],
      cudaRuntimes: [{ major: 12, version: '12.4', path: '/usr/local/cuda-12.4/targets/x86_64-linux/lib/libcudart.so.12' }],
      cudnns: [{ major: 9, version: '9', path: '/usr/lib/x86_64-linux-gnu/libcudnn.so.9' }]
    })
  })

  it('finds libraries in LD_LIBRARY_PATH too, with the version their file names give', () => {
    const probe = probeCuda(
      machine({
        env: { LD_LIBRARY_PATH: '/opt/cuda13/lib:/nowhere' },
        dirs: { '/opt/cuda13/lib': ['libcudart.so', 'libcudart.so.13', 'libcudart.so.13.0.48', 'libcudnn.so.9.10.2', 'libcublas.so.13'] }
      })
    )
    expect(probe.driver).toBeUndefined()
    expect(probe.gpus).toEqual([])
    expect(probe.cudaRuntimes).toEqual([{ major: 13, version: '13.0.48', path: '/opt/cuda13/lib/libcudart.so.13.0.48' }])
    expect(probe.cudnns.map((found) => found.version)).toEqual(['9.10.2'])
  })

  it('takes the driver from nvidia-smi when /proc has none, and sees nothing on a machine without NVIDIA', () => {
    expect(probeCuda(machine({ commands: { 'nvidia-smi': SMI_HEADER } })).driver).toBe('550.54.14')
    expect(probeCuda(machine({}))).toEqual({ gpus: [], cudaRuntimes: [], cudnns: [] })
  })

  it('keeps a CUDA 11 runtime beside a CUDA 12 one, newest first; libcudart.so.11.0 is CUDA 11 of any minor', () => {
    const probe = probeCuda(machine({ commands: { 'ldconfig -p': LDCONFIG_CUDA12 + '\tlibcudart.so.11.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudart.so.11.0\n' } }))
    expect(probe.cudaRuntimes.map((found) => [found.major, found.version])).toEqual([
      [12, '12.4'],
      [11, '11']
    ])
  })
})

const H200_CUDA12: CudaProbe = probeCuda(
  machine({
    files: { '/proc/driver/nvidia/version': PROC_VERSION },
    commands: { 'nvidia-smi': SMI_HEADER, 'nvidia-smi --query-gpu=name,driver_version --format=csv,noheader': SMI_QUERY, 'ldconfig -p': LDCONFIG_CUDA12 }
  })
)
const H200_CUDA11: CudaProbe = { ...H200_CUDA12, driverCuda: '12.4', cudaRuntimes: probeCuda(machine({ commands: { 'ldconfig -p': LDCONFIG_CUDA11 } })).cudaRuntimes, cudnns: probeCuda(machine({ commands: { 'ldconfig -p': LDCONFIG_CUDA11 } })).cudnns }

describe('judging whether the GPU trains', () => {
  it('says the GPU and its CUDA when TensorFlow uses it', () => {
    expect(judgeLoadedGpu(true, H200_CUDA11)).toEqual({
      used: true,
      said: { code: 'gpuInUse', values: { gpu: 'NVIDIA H200', cuda: '11.2' } },
      reason: 'GPU in use: NVIDIA H200 (CUDA 11.2)'
    })
  })

  it('says CUDA 12 or 13 is not the 11.2 this TensorFlow needs', () => {
    expect(judgeLoadedGpu(false, H200_CUDA12).reason).toBe('CUDA 12.4 found, this TensorFlow needs 11.2 and cuDNN 8.1; training on the CPU')
    const cuda13 = { ...H200_CUDA12, driverCuda: '13.0', cudaRuntimes: [{ major: 13, version: '13.0', path: '/usr/local/cuda-13.0/lib64/libcudart.so.13' }] }
    expect(judgeLoadedGpu(false, cuda13)).toMatchObject({ used: false, said: { code: 'gpuCudaMismatch', values: { found: '13.0', needed: '11.2', cudnn: '8.1' } } })
  })

  it('says no driver, a driver too old, no runtime, and a cuDNN missing or of another version', () => {
    expect(judgeLoadedGpu(false, { gpus: [], cudaRuntimes: [], cudnns: [] }).reason).toBe(
      'loaded, but TensorFlow sees no CUDA device (no NVIDIA driver found); training on the CPU'
    )
    expect(judgeLoadedGpu(false, { ...H200_CUDA11, driver: '418.67', driverCuda: '10.1' }).said).toEqual({
      code: 'gpuDriverTooOld',
      values: { driver: '418.67', driverCuda: '10.1', needed: '11.2', minDriver: '450.80.02' }
    })
    expect(judgeLoadedGpu(false, { ...H200_CUDA12, cudaRuntimes: [] }).reason).toBe(
      'NVIDIA driver 550.54.14 found, but no CUDA runtime library that the loader can see; this TensorFlow needs CUDA 11.2 and cuDNN 8.1; training on the CPU'
    )
    expect(judgeLoadedGpu(false, { ...H200_CUDA11, cudnns: [] }).said.code).toBe('gpuNoCudnn')
    expect(judgeLoadedGpu(false, { ...H200_CUDA11, cudnns: H200_CUDA12.cudnns }).reason).toBe(
      'cuDNN 9 found, this TensorFlow needs cuDNN 8.1 with CUDA 11.2; training on the CPU'
    )
  })

  it('says when everything is there and TensorFlow still sees no device', () => {
    expect(judgeLoadedGpu(false, H200_CUDA11).said).toEqual({ code: 'gpuNotSeen', values: { driver: '550.54.14', found: '11.2' } })
  })

  it('explains a load failure: not installed, a CUDA library missing as the machine has it, anything else in its first line', () => {
    expect(judgeGpuLoadFailure(new Error("Cannot find module '@tensorflow/tfjs-node-gpu'")).reason).toBe('tfjs-node-gpu not installed')
    expect(judgeGpuLoadFailure(new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: /x')).said.code).toBe('gpuPackageMissing')
    const libraryMissing = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory')
    expect(judgeGpuLoadFailure(libraryMissing).said).toEqual({ code: 'gpuLibraryMissing', values: { library: 'libcudart.so.11.0', needed: '11.2', cudnn: '8.1' } })
    expect(judgeGpuLoadFailure(libraryMissing, () => H200_CUDA12).said.code).toBe('gpuCudaMismatch')
    expect(judgeGpuLoadFailure(new Error('Illegal instruction\nmore')).reason).toBe('tfjs-node-gpu did not load: Illegal instruction')
  })
})
