// The shared-memory variant of kernels.wat, for the threaded matrix products (parallelGemm.ts):
// the same code, its memory imported as a shared one (so the main thread and the workers
// instantiate it on one WebAssembly.Memory) instead of declared. Used by `npm run build:kernels`
// and by the test that checks the committed modules are what the .wat assembles to.

/** The line kernels.wat declares its memory with. */
export const DECLARED_MEMORY = '(memory (export "memory") 1)'

/** The largest shared memory the module takes, in 64 KiB pages (4 GiB, wasm32's whole range). */
export const SHARED_MEMORY_MAX_PAGES = 65536

/** kernels.wat with its memory imported as a shared one (and exported again, as the arena reads it). */
export function sharedKernelsWat(wat) {
  const at = wat.indexOf(DECLARED_MEMORY)
  if (at < 0 || wat.indexOf(DECLARED_MEMORY, at + 1) >= 0) {
    throw new Error(`kernels.wat must declare its memory once as ${DECLARED_MEMORY}`)
  }
  const shared = `(import "env" "memory" (memory 1 ${SHARED_MEMORY_MAX_PAGES} shared)) (export "memory" (memory 0))`
  return wat.slice(0, at) + shared + wat.slice(at + DECLARED_MEMORY.length)
}
