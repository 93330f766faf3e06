import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    // Training tests run real models on the wasm/cpu backend: minutes, not milliseconds.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // Each file trains its own models; two cores, so two files at a time at most.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
