#!/usr/bin/env python3
"""Which BLAS the PyTorch peer really multiplies with, for `npm run bench`.

Debian's torch is built with BLAS_INFO=generic: it calls whatever libblas.so.3 the alternatives
system points at, which may be OpenBLAS or the (much slower) reference BLAS. So we import torch,
make it multiply once (which loads the BLAS), and read the shared objects this process mapped.
If OpenBLAS is among them we ask it, through ctypes, which kernel (core) it chose and how many
threads it runs. Run this with the same environment as the peers (bench/peer.ts peerEnv).

Prints one JSON line: {"torch", "torch_blas_info", "numpy", "blas_libraries": [paths],
                       "openblas": {"library", "corename", "config", "threads"} or null}.
"""
import ctypes
import json
import re


def mapped_libraries(pattern):
    """The distinct shared objects mapped into this process whose path matches `pattern`."""
    found = []
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1]
            if path.startswith('/') and re.search(pattern, path) and path not in found:
                found.append(path)
    return found


def openblas_facts(libraries):
    """OpenBLAS's own answer to which kernel it runs; None when no OpenBLAS is loaded."""
    for path in libraries:
        if 'openblas' not in path:
            continue
        lib = ctypes.CDLL(path)
        if not hasattr(lib, 'openblas_get_corename'):
            continue
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return {
            'library': path,
            'corename': lib.openblas_get_corename().decode(),
            'config': lib.openblas_get_config().decode(),
            'threads': lib.openblas_get_num_threads(),
        }
    return None


def main():
    import torch
    a = torch.ones(64, 64)
    (a @ a).sum().item()  # loads and runs the BLAS torch links
    info = re.search(r'BLAS_INFO=([^,\s]+)', torch.__config__.show())
    try:
        import numpy
        numpy_version = numpy.__version__
    except ImportError:
        numpy_version = None
    libraries = mapped_libraries(r'blas|mkl|blis|atlas')
    print(json.dumps({
        'torch': torch.__version__,
        'torch_blas_info': info.group(1) if info else None,
        'numpy': numpy_version,
        'blas_libraries': libraries,
        'openblas': openblas_facts(libraries),
    }))


if __name__ == '__main__':
    main()
