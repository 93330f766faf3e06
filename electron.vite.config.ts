import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          trainingProcess: resolve(__dirname, 'src/host/trainingProcess.ts')
        },
        // tfjs and its native bindings, and the koffi FFI the fast path reaches the system BLAS
        // through, load at run time from node_modules, never bundled.
        external: [/^@tensorflow\//, /^koffi(\/|$)/, /^@koromix\//]
      }
    }
  },
  preload: {
    build: {
      // A sandboxed preload cannot require packages: the contract's table and zod are bundled in.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload must be one CommonJS file: it cannot import ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.js') })]
  }
})
