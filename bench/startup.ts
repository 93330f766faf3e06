// Start-up figures (issue 16): what the desktop app's main process loads before its window can
// open, and how long web mode takes from `node` to a usable studio in Chromium. Electron cannot
// run on the machines this is written on, so the window itself is measured in web mode, and main
// by its bundle: the bytes of out/main/index.js and of the chunks it imports statically, and the
// time a fresh Node takes to import the packages those chunks import statically (all of them
// load before any line of main runs; electron itself is left out).
import { chromium } from '@playwright/test'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { CHROMIUM_PATH } from '../playwright.config'

const ROOT = resolve(import.meta.dirname, '..')
const MAIN_ENTRY = join(ROOT, 'out/main/index.js')
/** Modules the runtime gives (node:*, electron): not part of what main's bundle brings. */
const BUILT_IN = /^(node:|electron$)/

/** The files of main's bundle loaded before its first line runs, and the packages they import. */
export function mainStaticClosure(entry = MAIN_ENTRY): { files: string[]; bytes: number; packages: string[] } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const text = readFileSync(file, 'utf8')
    // Static imports only (`import … from "x"` and `import "x"`); `import("x")` loads later.
    for (const match of text.matchAll(/^\s*import\s+(?:[^'"()]*?\s+from\s+)?["']([^"']+)["']/gm)) {
      const specifier = match[1] ?? ''
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier))
      else if (!BUILT_IN.test(specifier)) packages.add(specifier)
    }
  }
  visit(entry)
  const list = [...files]
  return { files: list.map((file) => file.slice(ROOT.length + 1)), bytes: list.reduce((sum, file) => sum + statSync(file).size, 0), packages: [...packages].sort() }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

/** Milliseconds a fresh Node takes to import `packages` (the median of `runs`). */
export function packageImportMs(packages: readonly string[], runs = 5): number {
  if (packages.length === 0) return 0
  const script = `const t = performance.now(); ${packages.map((name) => `await import(${JSON.stringify(name)});`).join(' ')} console.log(performance.now() - t)`
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
    if (run.status !== 0) throw new Error(`importing ${packages.join(', ')} failed: ${run.stderr.split('\n')[0]}`)
    times.push(Number(run.stdout.trim()))
  }
  return median(times)
}

export interface WebStartup {
  /** From spawning the web server to its URL printed. */
  readonly serverReadyMs: number
  /** In Chromium, from navigation start to the first contentful paint. */
  readonly firstPaintMs: number
  /** From navigation start to the library loaded (the studio usable). */
  readonly libraryLoadedMs: number
}

/** One start of web mode, timed (the server runs from source through tsx, as `npm run web` does). */
export async function webStartup(): Promise<WebStartup> {
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) throw new Error('build first: npx electron-vite build')
  const dataDir = mkdtempSync(join(tmpdir(), 'startup-bench-'))
  const started = performance.now()
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--data', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const url = await new Promise<string>((done, fail) => {
      let output = ''
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const found = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output)?.[1]
        if (found) done(found)
      })
      server.once('exit', (code) => fail(new Error(`the web server exited (${code}) before printing its URL`)))
    })
    const serverReadyMs = performance.now() - started
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH })
    try {
      const page = await browser.newPage()
      await page.goto(url)
      await page.locator('main[data-library="loaded"]').waitFor({ timeout: 60_000 })
      const { firstPaintMs, libraryLoadedMs } = await page.evaluate(() => ({
        firstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        libraryLoadedMs: performance.now()
      }))
      return { serverReadyMs, firstPaintMs, libraryLoadedMs }
    } finally {
      await browser.close()
    }
  } finally {
    server.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The start-up figures, each web-mode figure the median of `runs` starts. */
export async function measureStartup(runs = 3): Promise<{ main: ReturnType<typeof mainStaticClosure> & { importMs: number }; web: WebStartup }> {
  const closure = mainStaticClosure()
  const importMs = packageImportMs(closure.packages)
  const starts: WebStartup[] = []
  for (let i = 0; i < runs; i++) starts.push(await webStartup())
  return {
    main: { ...closure, importMs },
    web: {
      serverReadyMs: median(starts.map((s) => s.serverReadyMs)),
      firstPaintMs: median(starts.map((s) => s.firstPaintMs)),
      libraryLoadedMs: median(starts.map((s) => s.libraryLoadedMs))
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const figures = await measureStartup()
  console.log(JSON.stringify(figures, null, 2))
}
