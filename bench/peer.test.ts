import { describe, expect, it } from 'vitest'
import { atBestThreadCount, classifyPeerBlas, peerEnv, peerThreadCounts, type PeerProbe } from './peer'

const probe = (overrides: Partial<PeerProbe>): PeerProbe => ({ torch: '2.1', torch_blas_info: null, numpy: '1.26', blas_libraries: [], openblas: null, ...overrides })

describe('the peer BLAS', () => {
  it('names OpenBLAS with its version and kernel, and is no handicap', () => {
    const found = classifyPeerBlas(
      probe({
        openblas: { library: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so', corename: 'Cooperlake', config: 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH', threads: 2 }
      })
    )
    expect(found).toEqual({
      description: 'OpenBLAS 0.3.21 (kernel Cooperlake, /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so)',
      openblasCore: 'Cooperlake',
      handicapped: false
    })
  })

  it('takes MKL or BLIS as optimised', () => {
    expect(classifyPeerBlas(probe({ blas_libraries: ['/opt/intel/lib/libmkl_rt.so.2'] })).handicapped).toBe(false)
    expect(classifyPeerBlas(probe({ blas_libraries: ['/usr/lib/libblis.so.4'] })).handicapped).toBe(false)
  })

  it("marks Debian's reference BLAS, or none found, as a handicapped peer and says how to fix it", () => {
    const reference = classifyPeerBlas(probe({ blas_libraries: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3'] }))
    expect(reference.handicapped).toBe(true)
    expect(reference.description).toContain('apt-get install libopenblas0-pthread')
    const unknown = classifyPeerBlas(probe({ torch_blas_info: 'mkl' }))
    expect(unknown).toMatchObject({ handicapped: true, openblasCore: null })
    expect(unknown.description).toContain('BLAS_INFO=mkl')
  })
})

describe('running the peer', () => {
  it('unsets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE together and sets both thread variables', () => {
    const saved = { ...process.env }
    process.env['OPENBLAS_CORETYPE'] = 'Haswell'
    process.env['OPENBLAS_L2_SIZE'] = '512'
    try {
      const env = peerEnv(3)
      expect(env['OPENBLAS_CORETYPE']).toBeUndefined()
      expect(env['OPENBLAS_L2_SIZE']).toBeUndefined()
      expect([env['OMP_NUM_THREADS'], env['OPENBLAS_NUM_THREADS']]).toEqual(['3', '3'])
      expect(process.env['OPENBLAS_CORETYPE']).toBe('Haswell')
    } finally {
      process.env = saved
    }
  })

  it('measures at one thread and at every core, keeping the better and every figure', () => {
    const counts = peerThreadCounts()
    expect(counts[0]).toBe(1)
    const rate = (threads: number) => (threads === 1 ? 100 : 150)
    const figures = atBestThreadCount((threads) => rate(threads), (a, b) => a > b)
    expect(Object.keys(figures?.byThreads ?? {})).toEqual(counts.map(String))
    expect(figures?.best).toBe(Math.max(...counts.map(rate)))
    // a failed run is left out; all failed is null
    expect(atBestThreadCount<number>((threads) => (threads === 1 ? 7 : null), (a, b) => a > b)).toEqual({ best: 7, threads: 1, byThreads: { '1': 7 } })
    expect(atBestThreadCount<number>(() => null, (a, b) => a > b)).toBeNull()
  })
})

describe('splitting the peer threads', () => {
  it('tries both at N, then OpenBLAS alone at N, then torch alone at N, without repeats', async () => {
    const { peerThreadSplits, peerEnvSplit } = await import('./peer')
    expect(peerThreadSplits(4)).toEqual([
      { torch: 4, blas: 4 },
      { torch: 1, blas: 4 },
      { torch: 4, blas: 1 }
    ])
    expect(peerThreadSplits(1)).toEqual([{ torch: 1, blas: 1 }])
    const env = peerEnvSplit({ torch: 1, blas: 4 })
    expect([env['OMP_NUM_THREADS'], env['OPENBLAS_NUM_THREADS']]).toEqual(['1', '4'])
  })
})
