// Types for relaxedKernels.mjs, for the tests of the relaxed kernel modules (src/engine/fastcpu/relaxedKernels.test.ts).
export declare const GEMM_FUNCTIONS: readonly string[]
export declare function sexprEnd(text: string, start: number): number
export declare function relaxedKernelsWat(wat: string): string
