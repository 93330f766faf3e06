// The app's main process serves the window and routes calls: training, drawing and exporting run
// in the training process. So nothing main loads at start may bring in TensorFlow.js, jsdom or
// pdfkit (seconds of start-up and hundreds of megabytes). This follows main's static imports
// through the source, as the bundler does, and names the chain that brings one in.
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'

const HEAVY = [/^@tensorflow\//, /^jsdom$/, /^pdfkit$/, /^svg-to-pdfkit$/]

/** Static imports and re-exports of a module (`import type` loads nothing; `import()` only with `dynamic`). */
function staticImports(source: string, dynamic = false): string[] {
  const found: string[] = []
  const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm
  for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1])
  if (dynamic) for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) if (match[1]) found.push(match[1])
  return found
}

function resolveModule(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier)
  return [`${base}.ts`, join(base, 'index.ts'), base].find((path) => existsSync(path) && path.endsWith('.ts'))
}

/**
 * Every package a module loads when it starts, with the chain of modules that imports it; with
 * `dynamicFromEntry`, also what the entry itself loads later with `import()` (and all that loads).
 */
function packagesLoadedBy(entry: string, dynamicFromEntry = false): Map<string, string[]> {
  const packages = new Map<string, string[]>()
  const seen = new Set<string>()
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const specifier of staticImports(readFileSync(file, 'utf8'), dynamicFromEntry && file === entry)) {
      if (specifier.startsWith('.')) {
        const next = resolveModule(file, specifier)
        if (next) walk(next, [...chain, next.slice(REPO_ROOT.length + 1)])
      } else if (!packages.has(specifier)) {
        packages.set(specifier, chain)
      }
    }
  }
  walk(entry, [entry.slice(REPO_ROOT.length + 1)])
  return packages
}

describe('the Electron main process', () => {
  it('opens its window before loading any package but Electron', () => {
    const packages = [...packagesLoadedBy(join(REPO_ROOT, 'src/main/index.ts')).keys()]
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual(['electron'])
  })

  it('loads no TensorFlow.js, jsdom or pdfkit, then or after', () => {
    const packages = packagesLoadedBy(join(REPO_ROOT, 'src/main/index.ts'), true)
    const heavy = [...packages].filter(([name]) => HEAVY.some((pattern) => pattern.test(name))).map(([name, chain]) => `${name} via ${chain.join(' → ')}`)
    expect(heavy).toEqual([])
    // The walk does find what main really uses: it would pass vacuously if it read no imports.
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['electron', 'zod', 'abcjs']))
  })

  it('the training process does load TensorFlow.js (the check above can see it)', () => {
    const packages = packagesLoadedBy(join(REPO_ROOT, 'src/host/trainingProcess.ts'))
    expect([...packages.keys()].some((name) => name.startsWith('@tensorflow/'))).toBe(true)
  })
})
