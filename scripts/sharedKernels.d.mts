// Types for sharedKernels.mjs, for the test of the committed kernel modules (src/engine/fastcpu/parallelGemm.test.ts).
export declare const DECLARED_MEMORY: string
export declare const SHARED_MEMORY_MAX_PAGES: number
export declare function sharedKernelsWat(wat: string): string
