// Both languages complete: every key the UI asks for exists in English and Korean, Korean
// translates every English message, and no component writes UI words outside t().
import { readdirSync, readFileSync } from 'node:fs'
import { OUTPUT_ROLES } from '../../../shared/modelGraph'
import { SEED_MODEL_KINDS } from '../../../shared/studioNames'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CORPUS_SCHEMES, MONITOR_NAMES, STUDIO_MODEL_KINDS } from '../../../shared/studioApi'
import { ENGINE_MESSAGES } from '../../../shared/engineMessages'
import { EN } from './en'
import { KO } from './ko'

const RENDERER = join(import.meta.dirname, '..')

/** Messages that read the same in both languages: names and symbols, not words to translate. */
const SAME_IN_BOTH = new Set(['Top-k'])

/** Words and names that are the same in every language (formats, model names, the app's name). */
const PROPER_NOUNS = ['Melody Studio', 'MIDI', 'ABC', 'SVG', 'PDF', 'LSTM', 'MLP', 'JSON', 'CSV', 'WebAssembly', 'TensorFlow']

/**
 * Words still hard-coded in components others are editing as this is written (issue 15): each has
 * its key in en.ts and ko.ts already, and must be routed through t() by the file's owner. An
 * entry fixed makes the test fail until it is taken off, so this list only shrinks.
 */
const PENDING: readonly string[] = []

/** The values a template key's `${name}` can take, by the name of the expression. */
const TEMPLATE_VALUES: Record<string, readonly string[]> = {
  kind: STUDIO_MODEL_KINDS,
  name: MONITOR_NAMES,
  scheme: CORPUS_SCHEMES,
  shown: CORPUS_SCHEMES,
  code: Object.keys(ENGINE_MESSAGES),
  seedKind: SEED_MODEL_KINDS,
  head: OUTPUT_ROLES,
  // the guide's screens (panes/tutorial/TutorialGuide.svelte)
  current: ['windows', 'models', 'predictions', 'state']
}

/** Markup attributes whose text a person reads (or hears from a screen reader). */
const READ_ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-description', 'aria-roledescription']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(svelte|ts)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) && !/\/i18n\/(en|ko)\.ts$/.test(path) ? [path] : []
  })
}

const SOURCES = sourceFiles(RENDERER).map((path) => ({ path: relative(RENDERER, path), text: readFileSync(path, 'utf8') }))

/** The index just past the expression that opens at `open` (a bracket), strings and nested brackets skipped. */
function skipBalanced(text: string, open: number): number {
  const closing: Record<string, string> = { '(': ')', '{': '}', '[': ']' }
  const stack: string[] = []
  for (let i = open; i < text.length; i++) {
    const c = text[i] ?? ''
    if (c === "'" || c === '"' || c === '`') {
      i = skipString(text, i) - 1
    } else if (c in closing) {
      stack.push(closing[c] ?? '')
    } else if (c === stack.at(-1)) {
      stack.pop()
      if (stack.length === 0) return i + 1
    }
  }
  return text.length
}

/** The index just past the string literal that opens at `start` (a template's `${…}` skipped whole). */
function skipString(text: string, start: number): number {
  const quote = text[start]
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (quote === '`' && c === '$' && text[i + 1] === '{') i = skipBalanced(text, i + 1) - 1
    else if (c === quote) return i + 1
  }
  return text.length
}

/** The string literals in an expression: plain text, and templates with their `${…}` kept. */
function stringLiterals(expression: string): string[] {
  const found: string[] = []
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i]
    if (c === "'" || c === '"' || c === '`') {
      const end = skipString(expression, i)
      found.push(expression.slice(i + 1, end - 1))
      i = end - 1
    }
  }
  return found
}

/** The first argument of every `t(…)` call in the source: the key expression. */
function keyExpressions(source: string): string[] {
  const found: string[] = []
  for (const match of source.matchAll(/(?<![\w.$]|function )t\(/g)) {
    const open = match.index + 1
    const end = skipBalanced(source, open)
    const args = source.slice(open + 1, end - 1)
    // The first argument ends at the first comma outside brackets and strings.
    let depth = 0
    let cut = args.length
    for (let i = 0; i < args.length; i++) {
      const c = args[i] ?? ''
      if (c === "'" || c === '"' || c === '`') i = skipString(args, i) - 1
      else if ('([{'.includes(c)) depth++
      else if (')]}'.includes(c)) depth--
      else if (c === ',' && depth === 0) {
        cut = i
        break
      }
    }
    found.push(args.slice(0, cut).trim())
  }
  return found
}

/** The keys a key expression can give: its literals, a template expanded over its known values. */
function keysOf(expression: string): string[] {
  return stringLiterals(expression).flatMap((literal) => {
    const holes = [...literal.matchAll(/\$\{\s*([\w.?]+)\s*\}/g)]
    if (holes.length === 0) return [literal]
    let keys = [literal]
    for (const hole of holes) {
      const name = hole[1]?.split(/[.?]/).at(-1) ?? ''
      const values = TEMPLATE_VALUES[name]
      if (!values) throw new Error(`t(\`${literal}\`): no known values for \${${hole[1]}}; add them to TEMPLATE_VALUES`)
      keys = keys.flatMap((key) => values.map((value) => key.replace(hole[0], value)))
    }
    return keys
  })
}

/** The keys written as data for t() elsewhere (a map from values to keys), e.g. `wasm: 'backendName.wasm'`. */
function keyTableEntries(source: string): string[] {
  return [...source.matchAll(/Record<string, MessageKey>> = \{([^}]*)\}/g)].flatMap((table) => [...(table[1] ?? '').matchAll(/:\s*'([^']+)'/g)].map((m) => m[1] ?? ''))
}

/** A Svelte file's markup, read as a person reads it: its text, and the attributes named in READ_ATTRIBUTES. */
function readableMarkup(svelte: string): { text: string[]; attributes: { name: string; literals: string[] }[] } {
  const markup = svelte
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
  const text: string[] = []
  const attributes: { name: string; literals: string[] }[] = []
  let run = ''
  const flush = () => {
    if (run.trim()) text.push(run.trim())
    run = ''
  }
  for (let i = 0; i < markup.length; i++) {
    const c = markup[i] ?? ''
    if (c === '{') {
      // An expression: {#if …}, {t('key')}, {value}. Its strings are code, or keys checked above.
      flush()
      i = skipBalanced(markup, i) - 1
    } else if (c === '<' && /[A-Za-z/]/.test(markup[i + 1] ?? '')) {
      flush()
      i = readTag(markup, i, attributes) - 1
    } else {
      run += c
    }
  }
  flush()
  return { text, attributes }
}

/** Reads the tag opening at `start`, noting its readable attributes; returns the index past its `>`. */
function readTag(markup: string, start: number, attributes: { name: string; literals: string[] }[]): number {
  let i = start + 1
  while (i < markup.length && markup[i] !== '>') {
    const c = markup[i] ?? ''
    if (c === '{') {
      i = skipBalanced(markup, i)
      continue
    }
    const name = /^[\w:-]+/.exec(markup.slice(i))?.[0]
    if (!name) {
      i++
      continue
    }
    i += name.length
    if (markup[i] !== '=') continue
    i++
    const open = markup[i] ?? ''
    const end = open === '{' ? skipBalanced(markup, i) : open === '"' || open === "'" ? markup.indexOf(open, i + 1) + 1 : i + (/^[^\s>]*/.exec(markup.slice(i))?.[0].length ?? 0)
    const value = markup.slice(i, end)
    i = end
    if (!READ_ATTRIBUTES.includes(name)) continue
    attributes.push({ name, literals: attributeLiterals(value) })
  }
  return i + 1
}

/** The literal text of an attribute's value: quoted text outside `{…}`, and string literals inside, t()'s keys left out. */
function attributeLiterals(value: string): string[] {
  const quoted = value.startsWith('"') || value.startsWith("'")
  const inner = quoted ? value.slice(1, -1) : value
  const literals: string[] = []
  let outside = ''
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '{') {
      const end = skipBalanced(inner, i)
      const expression = inner.slice(i + 1, end - 1)
      literals.push(...stringLiterals(withoutCallArguments(expression)))
      outside += ' '
      i = end - 1
    } else {
      outside += inner[i]
    }
  }
  if (quoted) literals.push(outside)
  return literals.map((literal) => literal.replace(/\$\{[^}]*\}/g, ' '))
}

/** An expression with every call's arguments left out: t('key') and command('train') pass ids, not words to read. */
function withoutCallArguments(expression: string): string {
  let out = ''
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i] ?? ''
    if (c === "'" || c === '"' || c === '`') {
      const end = skipString(expression, i)
      out += expression.slice(i, end)
      i = end - 1
    } else if (c === '(' && /[\w$]$/.test(out)) {
      out += '()'
      i = skipBalanced(expression, i) - 1
    } else {
      out += c
    }
  }
  return out
}

/** Whether text holds words a person reads (English or Korean), once names and code-like values are set aside. */
function hasWords(text: string): boolean {
  let rest = text
  for (const noun of PROPER_NOUNS) rest = rest.split(noun).join(' ')
  try {
    // A JSON example (the layer editor's placeholder) is code, not prose.
    if (typeof JSON.parse(rest) === 'object') return false
  } catch {
    // not JSON
  }
  return /[A-Za-z]{2,}|[\uAC00-\uD7A3]/.test(rest)
}

const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('both languages are complete', () => {
  it('every key the renderer asks t() for is defined in English and Korean', () => {
    const used = new Map<string, string>()
    for (const { path, text } of SOURCES) {
      for (const expression of keyExpressions(text)) {
        const keys = keysOf(expression)
        // A key held in a variable (t(shortcut.description)) is typed MessageKey, which svelte-check
        // and tsc hold to en.ts; literals and templates are checked here, a template's values named.
        for (const key of keys) used.set(key, path)
      }
      for (const key of keyTableEntries(text)) used.set(key, path)
    }
    expect(used.size).toBeGreaterThan(100)
    const missing = [...used].filter(([key]) => !(key in EN) || !(key in KO)).map(([key, path]) => `${path}: ${key}`)
    expect(missing).toEqual([])
  })

  it('Korean has every English key and no other, each with the same {placeholders}', () => {
    expect(Object.keys(KO).sort()).toEqual(Object.keys(EN).sort())
    const differ = Object.entries(EN)
      .filter(([key, en]) => placeholders(en).join() !== placeholders(KO[key as keyof typeof KO]).join())
      .map(([key]) => key)
    expect(differ).toEqual([])
  })

  it('Korean translates every English message (same text only for names on the allow-list)', () => {
    const untranslated = Object.entries(EN)
      .filter(([key, en]) => KO[key as keyof typeof KO] === en && !SAME_IN_BOTH.has(en) && hasWords(en.replace(/\{\w+\}/g, ' ')))
      .map(([key, en]) => `${key}: ${en}`)
    expect(untranslated).toEqual([])
    const empty = Object.entries(KO).filter(([, ko]) => ko.trim() === '')
    expect(empty).toEqual([])
  })

  it('no component writes words outside t(): markup text, aria-label, title, placeholder, label', () => {
    const found: string[] = []
    for (const { path, text } of SOURCES.filter((source) => source.path.endsWith('.svelte'))) {
      const markup = readableMarkup(text)
      for (const words of markup.text) if (hasWords(words)) found.push(`${path}: text "${words}"`)
      for (const { name, literals } of markup.attributes) for (const literal of literals) if (hasWords(literal)) found.push(`${path}: ${name}="${literal}"`)
    }
    const pending = PENDING.filter((entry) => found.includes(entry))
    // A pending entry that is fixed must leave the list, so the list only shrinks.
    expect(PENDING.filter((entry) => !found.includes(entry)), 'fixed: remove from PENDING').toEqual([])
    expect(found.filter((entry) => !pending.includes(entry))).toEqual([])
  })
})

describe('the completeness checks themselves', () => {
  it('find the keys of t() calls: literals, both sides of a choice, templates expanded', () => {
    const source = "t('a') t(x ? 'b' : 'c', { n: 1 }) t(`model.${kind}`) format(t('d'))"
    expect(keyExpressions(source).flatMap(keysOf)).toEqual(['a', 'b', 'c', ...STUDIO_MODEL_KINDS.map((kind) => `model.${kind}`), 'd'])
  })

  it('find hard-coded words in markup and readable attributes, not in expressions or code', () => {
    const svelte = `<script>const x = 'code'</script>
<p title="a title" data-testid="not read">{t('key')} · ✎ Melody Studio</p>
<Score label="song score" abc={abc} />
<button aria-label={t(playing ? 'stopScore' : 'playScore', { label })} onclick={() => (a > b ? 1 : 2)}>hello {name}</button>
<b aria-label="{playing ? 'stop' : 'play'} {label}">노래</b>
<textarea placeholder={'[{"type": "gru"}]'}></textarea>`
    const markup = readableMarkup(svelte)
    expect(markup.text.filter(hasWords)).toEqual(['hello', '노래'])
    expect(markup.attributes.flatMap((a) => a.literals.filter(hasWords).map((l) => `${a.name}=${l.trim()}`))).toEqual([
      'title=a title',
      'label=song score',
      'aria-label=stop',
      'aria-label=play'
    ])
  })
})
