#!/usr/bin/env python3
"""float32 matrix multiply (sgemm) through numpy, for the `gemm` case of `npm run bench`.

numpy calls the libblas.so.3 the alternatives system points at (OpenBLAS when installed), the
same library torch uses here; so this is the peer's matrix multiply with nothing around it.
The thread count is set by the caller through OPENBLAS_NUM_THREADS (read when OpenBLAS loads).

Usage: numpy_gemm.py M,K,N [M,K,N ...] [--seconds 0.5]
Prints one JSON line per shape: {"m", "k", "n", "gflops", "ms", "repeats"}.
"""
import argparse
import json
import time

import numpy as np


def time_gemm(m, k, n, seconds):
    rng = np.random.default_rng(5)
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up: threads started, pages touched
    # repeat until `seconds` have passed, then take the best of five such rounds (noise is one-sided)
    best = float('inf')
    repeats = 0
    for _ in range(5):
        count, started = 0, time.perf_counter()
        while True:
            np.matmul(a, b, out=c)
            count += 1
            elapsed = time.perf_counter() - started
            if elapsed >= seconds / 5:
                break
        best = min(best, elapsed / count)
        repeats += count
    return {'m': m, 'k': k, 'n': n, 'gflops': 2 * m * k * n / best / 1e9, 'ms': best * 1000, 'repeats': repeats}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('shapes', nargs='+', help='M,K,N: C[M×N] = A[M×K]·B[K×N]')
    ap.add_argument('--seconds', type=float, default=0.5)
    a = ap.parse_args()
    for shape in a.shapes:
        m, k, n = (int(x) for x in shape.split(','))
        print(json.dumps(time_gemm(m, k, n, a.seconds)), flush=True)


if __name__ == '__main__':
    main()
