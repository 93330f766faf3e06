/**
 * fast-check arbitraries for each target: mutations of real tunes and MIDI files (../shared/corpus
 * and resources/songs), note-code strings, layer stacks, mutated saved models, and StudioApi
 * requests. Built once per process from the files on disk.
 */
import fc from 'fast-check'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { abcToMelodies } from '../engine/notation/abcIn'
import { melodyToMidi } from '../engine/notation/midi'
import { CORPUS_SCHEMES, EXPORT_FORMATS, STUDIO_MODEL_KINDS } from '../shared/studioApi'
import { STUDIO_METHOD_NAMES } from '../shared/studioContract'
import type { LayersInput, ModelsInput, TargetInputs, TargetName, WebInput } from './targets'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const CORPUS = resolve(ROOT, '../shared/corpus/nottingham')

// ── Seeds ───────────────────────────────────────────────────────────────────────────────────

function splitTunes(text: string): string[] {
  return text
    .split(/\n(?=X:)/)
    .map((tune) => tune.trim() + '\n')
    .filter((tune) => tune.startsWith('X:'))
}

let abcSeeds: string[] | undefined
/** Every tune of the example songs, and every 8th tune of the Nottingham files. */
export function abcCorpus(): string[] {
  if (abcSeeds) return abcSeeds
  const songs = join(ROOT, 'resources/songs')
  const examples = readdirSync(songs)
    .filter((name) => name.endsWith('.abc'))
    .sort()
    .map((name) => readFileSync(join(songs, name), 'utf8'))
  const folder = join(CORPUS, 'abc')
  const nottingham = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.abc'))
        .sort()
        .flatMap((name) => splitTunes(readFileSync(join(folder, name), 'utf8')).filter((_, i) => i % 8 === 0))
    : []
  abcSeeds = [...examples, ...nottingham]
  return abcSeeds
}

let midiSeeds: Uint8Array[] | undefined
/** Every 16th Nottingham MIDI file, and the example songs written by melodyToMidi. */
export function midiCorpus(): Uint8Array[] {
  if (midiSeeds) return midiSeeds
  const folder = join(CORPUS, 'midi')
  const files = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.mid'))
        .sort()
        .filter((_, i) => i % 16 === 0)
        .map((name) => new Uint8Array(readFileSync(join(folder, name))))
    : []
  const ours = abcCorpus()
    .slice(0, 8)
    .flatMap((text) => abcToMelodies(text).tunes.flatMap((tune) => (tune.melody ? [melodyToMidi(tune.melody)] : [])))
  midiSeeds = [...ours, ...files]
  return midiSeeds
}

// ── Text mutations ──────────────────────────────────────────────────────────────────────────

/** Tokens that have broken (or should exercise) the ABC reader. */
export const ABC_TOKENS = [
  'C99999999', 'z99999999', 'C/99999999', 'C0', 'C/0', 'A//////////////', 'C3/2', 'x9999', 'Z9999', 'Z',
  '(99', '(3', '(9:2:99', '(99:1:99', '(0', '(1:0', '[CEGCEGCEGCEGCEGCEGCEGCEGCEGCEG]', '[CEG]', '[]', '[',
  '|:', ':|', '::', '|::|', ':|:', '[1', '[2', '[99', ':|2', '|]', '||', '[|', '|1', '|2', '[1,2,3', '|:|:|:|:',
  "c''''''''''''''''''''", 'C,,,,,,,,,,,,,,,,,,,,', '^^^C', '__C', '=C', '^C', '_B', '-', '- -', '>', '<', '>>>', '<<<',
  '"C"', '"', '{g}', '{', '}', '~', '!trill!', '!', '+', '.', 'H', 'u', 'v', '&', '(', ')', '\\', '%', '`', 'y', 'T', '$',
  '\u00a0', '\u0000', '\ufffd', '나비야', '\r', '\t'
]

/** Header and inline fields: spliced in on their own line. */
export const ABC_FIELDS = [
  'M:1/1000000', 'L:1/1000000', 'L:-1/8', 'L:0/8', 'L:1/0', 'L:99999999/1', 'M:1000/1', 'M:0/4', 'M:4/0', 'M:C', 'M:C|', 'M:none',
  'M:-3/4', 'M:9999999999999999999/4', 'Q:1/4=0', 'Q:1/4=999999999', 'Q:-120', 'Q:1/1000000=1', 'Q:', 'K:C#m', 'K:Hp', 'K:none',
  'K:Cb', 'K:Xyz', 'K:', 'K:C clef=bass', 'P:ABABABABABABABABABAB', 'P:(AB)99999', 'P:A99999', 'P:((((((((A))))))))', 'P:A', 'P:B',
  'V:2', 'V:99', 'V:1 clef=treble', 'T:', 'X:', 'X:2', 'X:-1', 'w:la la la', 'W:', 'I:linebreak $', '%%MIDI program 1',
  '%%score (1 2)', 'U:T=!trill!', 'R:jig', 'Y:AB'
]

const LONG_TEXTS = (length: number) => [
  `T:${'x'.repeat(length)}`,
  `C:${'y'.repeat(length)}`,
  'A'.repeat(length),
  'z'.repeat(length),
  '|'.repeat(length),
  '('.repeat(length),
  '['.repeat(length),
  `%${'c'.repeat(length)}`
]

type TextMutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'duplicate'; at: number; length: number; to: number; times: number }
  | { op: 'line'; at: number; text: string }
  | { op: 'number'; at: number; value: string }

const position = fc.nat({ max: 1_000_000 })
const hugeNumber = fc.oneof(
  fc.constantFrom('0', '-1', '99999999', '4294967296', '9007199254740993', '1e308', '0.5', '-0', 'NaN', '999999999999999999999999'),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)
)

function textMutation(tokens: readonly string[], lines: readonly string[]): fc.Arbitrary<TextMutation> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 3 })) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), at: position, text: fc.oneof(fc.constantFrom(...tokens), fc.string({ minLength: 1, maxLength: 2 })) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 400 }), to: position, times: fc.integer({ min: 1, max: 200 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('line' as const), at: position, text: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...lines) }, { weight: 1, arbitrary: fc.integer({ min: 1000, max: 300_000 }).chain((n) => fc.constantFrom(...LONG_TEXTS(n))) }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('number' as const), at: position, value: hugeNumber }) }
  )
}

/** Applies mutations to a text; positions wrap around its length. */
export function mutateText(text: string, mutations: readonly TextMutation[]): string {
  let out = text
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1)
    switch (m.op) {
      case 'insert':
        out = out.slice(0, at) + m.text + out.slice(at)
        break
      case 'delete':
        out = out.slice(0, at) + out.slice(at + m.length)
        break
      case 'replace':
        out = out.slice(0, at) + m.text + out.slice(at + m.text.length)
        break
      case 'duplicate': {
        const slice = out.slice(at, at + m.length).repeat(m.times)
        const to = m.to % (out.length + 1)
        if (out.length + slice.length < 2_000_000) out = out.slice(0, to) + slice + out.slice(to)
        break
      }
      case 'line': {
        const lineStart = out.lastIndexOf('\n', at - 1) + 1
        out = `${out.slice(0, lineStart)}${m.text}\n${out.slice(lineStart)}`
        break
      }
      case 'number': {
        // Replaces the number at or after the position (a note length, a field's value), else appends one.
        const match = /\d+/.exec(out.slice(at))
        out = match ? out.slice(0, at + match.index) + m.value + out.slice(at + match.index + match[0].length) : out + m.value
        break
      }
    }
  }
  return out
}

const abcArbitrary: fc.Arbitrary<string> = fc.constant(null).chain(() => {
  const corpus = abcCorpus()
  return fc
    .tuple(fc.constantFrom(...corpus), fc.array(textMutation(ABC_TOKENS, ABC_FIELDS), { minLength: 1, maxLength: 5 }))
    .map(([tune, mutations]) => mutateText(tune, mutations))
})

// ── MIDI ────────────────────────────────────────────────────────────────────────────────────

type ByteMutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'splice'; at: number; from: number; length: number; donor: number }
  | { op: 'u32'; at: number; value: number }
  | { op: 'u16'; at: number; value: number }
  | { op: 'varint'; at: number; bytes: readonly number[] }
  | { op: 'header'; field: 'format' | 'tracks' | 'ppq'; value: number }
  | { op: 'truncate'; at: number }

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), at: position, value: fc.oneof(fc.constantFrom(0x00, 0x7f, 0x80, 0xff, 0x90, 0x80, 0xf0, 0xf7, 0x51, 0x58, 0x59, 0x2f), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('splice' as const), at: position, from: position, length: fc.integer({ min: 1, max: 512 }), donor: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('u32' as const), at: position, value: fc.constantFrom(0xffffffff, 0x7fffffff, 0x10000000, 0x00ffffff, 0) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('u16' as const), at: position, value: fc.constantFrom(0xffff, 0x7fff, 0, 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('varint' as const), at: position, bytes: fc.constantFrom([0xff, 0xff, 0xff, 0x7f], [0x8f, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff, 0x7f], [0x81, 0x80, 0x80, 0x00]) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('header' as const), field: fc.constantFrom('format' as const, 'tracks' as const, 'ppq' as const), value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 0x7fff, 0x8000, 0xe728, 0xffff), fc.integer({ min: 0, max: 0xffff })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) }
)

/** Applies byte mutations; positions wrap around the file's length. */
export function mutateBytes(source: Uint8Array, mutations: readonly ByteMutation[], donors: readonly Uint8Array[]): Uint8Array {
  let out = Uint8Array.from(source)
  const wrap = (at: number) => (out.length === 0 ? 0 : at % out.length)
  const concat = (...parts: Uint8Array[]) => {
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let offset = 0
    for (const part of parts) {
      joined.set(part, offset)
      offset += part.length
    }
    return joined
  }
  for (const m of mutations) {
    const at = wrap(m.op === 'header' ? 0 : m.at)
    switch (m.op) {
      case 'flip':
        if (out.length) out[at] = (out[at] ?? 0) ^ (1 << m.bit)
        break
      case 'set':
        if (out.length) out[at] = m.value
        break
      case 'insert':
        out = concat(out.subarray(0, at), m.bytes, out.subarray(at))
        break
      case 'delete':
        out = concat(out.subarray(0, at), out.subarray(at + m.length))
        break
      case 'splice': {
        const donor = donors[m.donor % Math.max(1, donors.length)] ?? out
        const from = donor.length ? m.from % donor.length : 0
        out = concat(out.subarray(0, at), donor.subarray(from, from + m.length), out.subarray(at))
        break
      }
      case 'u32':
        if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, m.value)
        break
      case 'u16':
        if (at + 2 <= out.length) new DataView(out.buffer).setUint16(at, m.value)
        break
      case 'varint':
        out = concat(out.subarray(0, at), Uint8Array.from(m.bytes), out.subarray(Math.min(out.length, at + m.bytes.length)))
        break
      case 'header': {
        const offset = m.field === 'format' ? 8 : m.field === 'tracks' ? 10 : 12
        if (out.length >= offset + 2) new DataView(out.buffer).setUint16(offset, m.value)
        break
      }
      case 'truncate':
        out = out.slice(0, Math.max(14, at))
        break
    }
  }
  return out
}

const midiArbitrary: fc.Arbitrary<Uint8Array> = fc.constant(null).chain(() => {
  const corpus = midiCorpus()
  return fc
    .tuple(fc.constantFrom(...corpus), fc.array(byteMutation, { minLength: 1, maxLength: 5 }))
    .map(([file, mutations]) => mutateBytes(file, mutations, corpus))
})

// ── Note codes ──────────────────────────────────────────────────────────────────────────────

const validCode = fc
  .record({
    accidental: fc.constantFrom('', '', '', '^', '_'),
    pitch: fc.constantFrom('c', 'd', 'e', 'f', 'g', 'a', 'b', 'r'),
    octave: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).chain((n) => fc.constantFrom("'".repeat(n), ','.repeat(n))) }),
    length: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('1', '2', '4', '8', '16', '32', '4.', '8.', '8t', '16t', '2.') },
      { weight: 1, arbitrary: hugeNumber.map((n) => `:${n.replace(/^-/, '')}`) }
    )
  })
  .map(({ accidental, pitch, octave, length }) => `${accidental}${pitch}${octave}${length}`)

const codesArbitrary: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 12, arbitrary: validCode },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
        { weight: 1, arbitrary: fc.constantFrom('|', '#', '# comment', '\n', '\r\n', '\t', '.', ':', "'", ',', '^', '_', 'c', '8', 'r:0', 'h4', 'C4', 'c64', 'c4..', '\u0000') }
      ),
      { minLength: 0, maxLength: 120 }
    ),
    fc.array(fc.constantFrom(' ', ' ', ' ', ' | ', '\n', '\t'), { minLength: 1, maxLength: 4 }),
    fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 20_000 }) })
  )
  .map(([tokens, separators, repeat]) => {
    const line = tokens.map((token, i) => token + (separators[i % separators.length] ?? ' ')).join('')
    return line.repeat(repeat)
  })

// ── Layer stacks ────────────────────────────────────────────────────────────────────────────

const size = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 3, arbitrary: fc.integer({ min: 65, max: 4096 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 4097, 1e6, 1e9, 2 ** 31, 1e300) }
)
const rate = fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0, max: 0.99, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(-0.1, 1, 2) })
const activation = fc.constantFrom('relu', 'tanh', 'sigmoid', 'linear', 'relu', 'tanh', 'softmax', 'bogus')
const layer: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ type: fc.constant('embedding'), outputDim: size }),
  fc.record(
    { type: fc.constantFrom('simple-rnn', 'lstm', 'gru'), units: size, returnSequences: fc.boolean(), dropout: rate, recurrentDropout: rate, bidirectional: fc.boolean() },
    { requiredKeys: ['type', 'units'] }
  ),
  fc.record({ type: fc.constant('conv1d'), filters: size, kernelSize: size, activation, padding: fc.constantFrom('valid', 'same', 'causal') }, { requiredKeys: ['type', 'filters', 'kernelSize'] }),
  fc.record({ type: fc.constantFrom('max-pooling1d', 'average-pooling1d'), poolSize: size }),
  fc.record({ type: fc.constantFrom('global-max-pooling1d', 'global-average-pooling1d', 'flatten') }),
  fc.record({ type: fc.constant('dropout'), rate }),
  fc.record({ type: fc.constant('dense'), units: size, activation }, { requiredKeys: ['type', 'units'] }),
  fc.jsonValue({ maxDepth: 2 })
)

/** Keras's functional JSON of a real model (two inputs, a shared layer, a residual Add, two outputs), Keras 2's and 3's forms. */
const KERAS_MODELS = ['residualTwoHeads.keras2.json', 'residualTwoHeads.keras3.json'].map(
  (name) => JSON.parse(readFileSync(join(ROOT, 'src/engine/testing/kerasModels', name), 'utf8')) as { config: { layers: Record<string, unknown>[] } }
)

/**
 * That model changed as a person or a hostile file might: a config number or string replaced, a
 * layer dropped or repeated (past the layer limit too), a reference or class name swapped.
 */
const kerasModelArbitrary: fc.Arbitrary<unknown> = fc
  .record({
    model: fc.constantFrom(...KERAS_MODELS),
    edits: fc.array(
      fc.record({
        layer: fc.nat({ max: 40 }),
        kind: fc.constantFrom('config', 'class', 'drop', 'repeat', 'inbound'),
        key: fc.constantFrom('units', 'output_dim', 'name', 'activation', 'return_sequences', 'axis', 'rate', 'filters', 'kernel_size', 'layer'),
        value: fc.oneof(fc.integer({ min: -2, max: 5000 }), fc.constantFrom('softmax', 'relu', 'next_pitch', 'pitch', 'Multiply', 'lstm_1', '', null, true, [3], { class_name: 'LSTM', config: { units: 4 } }), fc.jsonValue({ maxDepth: 2 })),
        times: fc.integer({ min: 1, max: 80 })
      }),
      { maxLength: 4 }
    )
  })
  .map(({ model, edits }) => {
    const json = structuredClone(model)
    const layers = json.config.layers
    for (const edit of edits) {
      const at = edit.layer % Math.max(layers.length, 1)
      const layer = layers[at]
      if (!layer) continue
      if (edit.kind === 'config') (layer['config'] as Record<string, unknown>)[edit.key] = edit.value
      else if (edit.kind === 'class') layer['class_name'] = edit.value
      else if (edit.kind === 'drop') layers.splice(at, 1)
      else if (edit.kind === 'repeat') layers.splice(at, 0, ...Array.from({ length: edit.times }, () => structuredClone(layer)))
      else layer['inbound_nodes'] = [[[edit.value, 0, 0, {}]]]
    }
    return json
  })

const layersArbitrary: fc.Arbitrary<LayersInput> = fc.record({
  model: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...STUDIO_MODEL_KINDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
  // A song's vocabulary: tens of classes (a corpus's a few hundred); 0 and 1 are refused.
  classes: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 2, max: 400 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1) }),
  options: fc.oneof(
    { weight: 9, arbitrary: fc.record(
      {
        layers: fc.oneof(
          { weight: 8, arbitrary: fc.array(layer, { minLength: 1, maxLength: 6 }) },
          { weight: 1, arbitrary: fc.array(layer, { minLength: 7, maxLength: 40 }) },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
          // a Keras functional model, real and changed
          { weight: 4, arbitrary: kerasModelArbitrary }
        ),
        units: size,
        window: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 16 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 256, 100_000) }),
        batchSize: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 32 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 4096, 1e6) }),
        learningRate: fc.oneof({ weight: 8, arbitrary: fc.double({ min: 1e-5, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e9) }),
        twoFeatures: fc.boolean(),
        stateful: fc.boolean(),
        seed: fc.nat()
      },
      { requiredKeys: ['layers'] }
    ) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }
  )
})

// ── Saved models ────────────────────────────────────────────────────────────────────────────

export interface SavedModelSeed {
  readonly model: string
  readonly run: string
}

type JsonPath = (string | number)[]

function pathsOf(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(prefix)
  if (out.length > 400) return out
  if (Array.isArray(value)) value.slice(0, 6).forEach((item, i) => pathsOf(item, [...prefix, i], out))
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out)
  return out
}

function setPath(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const [key, ...rest] = path
  if (Array.isArray(value)) return value.map((item, i) => (i === key ? setPath(item, rest, replacement) : item))
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
    if (replacement === undefined && rest.length === 0) return Object.fromEntries(Object.entries(copy).filter(([name]) => name !== key))
    copy[key as string] = setPath(copy[key as string], rest, replacement)
    return copy
  }
  return value
}

const weirdJson = fc.oneof(
  fc.constantFrom(undefined, null, 0, -1, 1e308, -1e308, 2 ** 53, 0.5, '', 'x', true, [], {}, [[[[[[]]]]]], 8_000_000, 4096, 1e9, 'lstm', 'token', 'pitch-length'),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.integer({ min: -5, max: 20 }), { maxLength: 300 })
)

function jsonMutation(text: string): fc.Arbitrary<string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return fc.constant(text)
  }
  const paths = pathsOf(parsed)
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.tuple(fc.constantFrom(...paths), weirdJson), { minLength: 1, maxLength: 3 }).map((edits) => JSON.stringify(edits.reduce((value, [path, replacement]) => setPath(value, path, replacement), parsed)) ?? '') },
    { weight: 1, arbitrary: fc.array(textMutation(['{', '}', '[', ']', '"', ',', ':', '1e999', 'null', '-'], ['{}']), { minLength: 1, maxLength: 3 }).map((mutations) => mutateText(text, mutations)) },
    { weight: 1, arbitrary: fc.constant(text) }
  )
}

function modelsArbitrary(seed: SavedModelSeed): fc.Arbitrary<ModelsInput> {
  return fc.record({
    model: jsonMutation(seed.model),
    run: jsonMutation(seed.run),
    fill: fc.option(
      fc.record({
        file: fc.constantFrom('model' as const, 'run' as const),
        path: fc.constantFrom(['info', 'song'], ['history'], ['info', 'vocabulary', 'codes'], ['weightSpecs']),
        length: fc.constantFrom(0, 1, 3, 1_000, 100_000, 2_000_000),
        value: fc.constantFrom(0, 1, 9, -1, 1e9)
      }),
      { freq: 6, nil: undefined }
    )
  })
}

// ── Web ─────────────────────────────────────────────────────────────────────────────────────

const METHODS: readonly string[] = STUDIO_METHOD_NAMES
const runIdArb = fc.oneof(fc.constant('run-00000000-0000-0000-0000-000000000000'), fc.stringMatching(/^run-[0-9a-z-]{1,20}$/), fc.constantFrom('run-../../etc', '../x', ''))

function abcText(): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: abcArbitrary }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) })
}

const smallLayers = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('dense'), units: fc.integer({ min: 1, max: 16 }) }),
    fc.record({ type: fc.constantFrom('lstm', 'gru', 'simple-rnn'), units: fc.integer({ min: 1, max: 16 }), returnSequences: fc.boolean() }),
    fc.record({ type: fc.constant('dropout'), rate: fc.double({ min: 0, max: 0.5, noNaN: true }) })
  ),
  { minLength: 1, maxLength: 3 }
)
const optionsArb = fc.record({ units: fc.integer({ min: 1, max: 1024 }), window: fc.integer({ min: 1, max: 256 }), batchSize: fc.integer({ min: 1, max: 4096 }), layers: fc.array(layer, { minLength: 1, maxLength: 4 }) }, { requiredKeys: [] })

/**
 * Melodies as the UI sends them back (the contract's melody value): mostly in range, some fields
 * bent past the schema's bounds or the engine's (a bar of 100 quarters, a note of 0 ticks).
 */
const melodyArb = fc.record(
  {
    title: fc.string({ maxLength: 20 }),
    tempo: fc.oneof(fc.constant(120), fc.double({ min: -10, max: 2000, noNaN: true })),
    meter: fc.record({ numerator: fc.integer({ min: -1, max: 100 }), denominator: fc.constantFrom(1, 2, 4, 8, 16, 0, 3, 128) }),
    key: fc.record({ tonic: fc.constantFrom('C', 'G', 'Bb', 'F#', 'H', ''), mode: fc.constantFrom('major', 'minor', 'dorian', 'blues'), fifths: fc.integer({ min: -9, max: 9 }) }),
    notes: fc.array(
      fc.record({
        pitch: fc.option(fc.integer({ min: -2, max: 130 }), { nil: null }),
        startTicks: fc.integer({ min: -10, max: 100_000 }),
        durationTicks: fc.oneof(fc.constantFrom(120, 240, 480, 960), fc.integer({ min: -5, max: 200_000 }))
      }),
      { maxLength: 40 }
    ),
    pickupTicks: fc.integer({ min: -1, max: 2000 })
  },
  { requiredKeys: ['title', 'tempo', 'meter', 'key', 'notes'] }
)

/**
 * Project files (openProject's), mostly near the format: the envelope with bent fields, run
 * records that are not records or repeat an id, model files named as paths or not base64.
 */
const projectFileArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .record(
      {
        format: fc.constantFrom('melody-studio-project', 'melody-studio-run', ''),
        version: fc.constantFrom(1, 2, 0, '1'),
        savedAt: fc.string({ maxLength: 30 }),
        song: fc.oneof(fc.record({ abc: abcText() }), fc.constant(null)),
        runs: fc.array(
          fc.record({
            record: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ runId: runIdArb, savedAt: fc.constant(''), request: fc.constant({}), history: fc.constant([]) })),
            model: fc.dictionary(
              fc.oneof(fc.constantFrom('model.json', 'weights.bin', '../x', '..', '/etc/passwd', 'a/b', '__proto__', ''), fc.string({ maxLength: 12 })),
              fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 12 }))
            )
          }),
          { maxLength: 3 }
        )
      },
      { requiredKeys: ['format'] }
    )
    .map((project) => JSON.stringify(project)),
  fc.string({ maxLength: 40 })
)

/** Arguments close to what each method's schema takes (startTraining: small models, 1–2 epochs). */
function argsFor(method: string): fc.Arbitrary<unknown> {
  const kind = fc.constantFrom(...STUDIO_MODEL_KINDS)
  const file = fc.constantFrom('song.abc', 'song.mid', 'song.codes', 'x', 'a.txt', '../../etc/passwd.abc')
  switch (method) {
    case 'checkSong':
    case 'saveSong':
      return fc.tuple(abcText())
    case 'describeModel':
      return fc.tuple(melodyArb, kind, optionsArb)
    case 'startTraining':
      return fc.tuple(
        fc.record(
          {
            melody: melodyArb,
            abc: fc.oneof(fc.constantFrom(...abcCorpus().slice(0, 5)), abcText()),
            model: kind,
            epochs: fc.integer({ min: 1, max: 2 }),
            untilPerfect: fc.boolean(),
            options: fc.record({ units: fc.integer({ min: 1, max: 16 }), layers: smallLayers, window: fc.integer({ min: 1, max: 8 }) }, { requiredKeys: [] }),
            resumeFrom: fc.record({ runId: runIdArb, afterEpoch: fc.integer({ min: 0, max: 3 }) }),
            // many songs: real and mutated tunes as files, shares and transpositions in and out of
            // range, both schemes and names that are none
            corpus: fc.record(
              {
                files: fc.array(
                  fc.record({
                    name: file,
                    base64: fc.oneof(
                      fc.constantFrom(...abcCorpus().slice(0, 3)).map((text) => Buffer.from(text).toString('base64')),
                      abcText().map((text) => Buffer.from(text).toString('base64')),
                      fc.string({ maxLength: 40 })
                    )
                  }),
                  { minLength: 0, maxLength: 3 }
                ),
                validationShare: fc.oneof(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.constantFrom(0, 1, -1, Number.NaN)),
                transpose: fc.integer({ min: -2, max: 14 }),
                scheme: fc.oneof(fc.constantFrom(...CORPUS_SCHEMES), fc.string({ maxLength: 12 }))
              },
              { requiredKeys: ['files', 'validationShare', 'transpose'] }
            )
          },
          { requiredKeys: ['melody', 'model', 'epochs', 'untilPerfect'] }
        )
      )
    case 'stopTraining':
    case 'predictAgain':
    case 'deleteRun':
      return fc.tuple(runIdArb)
    case 'traceRun':
      return fc.tuple(runIdArb, fc.oneof(fc.boolean(), fc.constantFrom(0, 'yes', null)))
    case 'continueMelody':
      return fc.tuple(runIdArb, fc.record({ bars: fc.integer({ min: 1, max: 256 }), temperature: fc.double({ min: 0, max: 10, noNaN: true }), seed: fc.nat(), variations: fc.integer({ min: 1, max: 8 }), prime: melodyArb }, { requiredKeys: ['bars', 'temperature', 'seed', 'variations'] }))
    case 'exportSong':
      return fc.tuple(
        melodyArb,
        fc.constantFrom(...EXPORT_FORMATS),
        fc.option(
          fc.record(
            {
              name: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('../../etc/passwd', 'CON', 'a/b\\c:d*?', '')),
              wrong: fc.array(fc.integer({ min: -2, max: 60_000 }), { maxLength: 20 }),
              // Audio's options: the shared table's instruments and some that are not; tempos in and out of range.
              instrument: fc.constantFrom('piano', 'guitar', 'flute', 'kazoo', '', '__proto__'),
              tempo: fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.constantFrom(0, 1e9, Number.MAX_VALUE))
            },
            { requiredKeys: [] }
          ),
          { nil: undefined }
        )
      )
    case 'importFile':
      return fc.tuple(file, fc.oneof(midiArbitrary.map((bytes) => Buffer.from(bytes).toString('base64')), abcArbitrary.map((text) => Buffer.from(text).toString('base64')), fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 20 })), fc.option(fc.constantFrom('0', '1', '2', '99', '-1', 'x'), { nil: undefined }))
    case 'saveSettings':
      return fc.tuple(fc.record({ language: fc.constantFrom('en', 'ko', 'fr') }, { requiredKeys: [] }))
    case 'startMidiDrag':
    case 'copyMidiFile':
      // Desktop-only: web mode refuses them after their arguments are checked.
      return fc.tuple(melodyArb, fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('../../etc/passwd', 'CON', 'a/b\\c:d*?', '')))
    case 'saveProject':
      return fc.tuple(abcText())
    case 'openProject':
      return fc.tuple(fc.constantFrom('song.mstudio', 'x', '../../etc/passwd.mstudio'), projectFileArb.map((text) => Buffer.from(text).toString('base64')))
    default:
      return fc.constant([])
  }
}

const headerArb = fc.dictionary(
  fc.constantFrom('content-type', 'content-length', 'transfer-encoding', 'host', 'x-studio-token', 'expect', 'accept', 'x-fuzz', 'origin'),
  fc.oneof(fc.constantFrom('application/json', 'chunked', '0', '-1', '99999999999', '100-continue', 'evil.example', '127.0.0.1:1', '', 'x'.repeat(9000)), fc.string({ maxLength: 12 })),
  { maxKeys: 2 }
)

const apiCall: fc.Arbitrary<WebInput> = fc
  .constantFrom(...METHODS)
  .chain((method) =>
    fc.record({
      verb: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD') }),
      path: fc.constant(`/api/${method}`),
      token: fc.oneof({ weight: 8, arbitrary: fc.constant('right' as const) }, { weight: 1, arbitrary: fc.constantFrom('none' as const, 'wrong' as const) }),
      headers: fc.oneof({ weight: 5, arbitrary: fc.constant({ 'content-type': 'application/json' }) }, { weight: 1, arbitrary: headerArb }),
      body: fc.oneof(
        { weight: 8, arbitrary: argsFor(method).map((args) => ({ args })) },
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((args) => ({ args })) },
        { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{', '{"args":', 'null', '[]', '{"args":null}', '\u0000')).map((raw) => ({ raw })) }
      )
    })
  )

const PATHS = [
  '/', '/index.html', '/%', '/%zz', '/%E0%A4%A', '/..%2f..%2f..%2fetc%2fpasswd', '/../../etc/passwd', '/api/', '/api', '/api/nope', '/api/__proto__', '/api/constructor',
  '/api/toString', '/api/hasOwnProperty', '/api/events', '/api/events?token={token}', '/api/events?token=x', '/api/%zz', '//', '/?token={token}', '*', 'http://127.0.0.1/', '/\u00e9', '/a?b=%'
]

const otherRequest: fc.Arbitrary<WebInput> = fc.record({
  verb: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'TRACE', 'CONNECT', 'BREW', 'get'),
  path: fc.oneof(fc.constantFrom(...PATHS), fc.webPath().map((p) => p || '/'), fc.integer({ min: 1, max: 20_000 }).map((n) => `/${'a'.repeat(n)}`)),
  token: fc.constantFrom('right' as const, 'none' as const, 'wrong' as const),
  headers: headerArb,
  body: fc.option(fc.oneof(fc.string({ maxLength: 40 }).map((raw) => ({ raw })), fc.constant({ args: [] })), { nil: null }),
  repeat: fc.option(fc.constantFrom(1, 1_000, 3_000_000), { nil: undefined })
})

const webArbitrary: fc.Arbitrary<WebInput> = fc.oneof({ weight: 4, arbitrary: apiCall }, { weight: 1, arbitrary: otherRequest })

/** The inputs of each target. The models target needs the texts of a real saved model. */
export function arbitraryFor<T extends TargetName>(target: T, modelSeed?: SavedModelSeed): fc.Arbitrary<TargetInputs[T]> {
  const arbitraries: { [K in TargetName]: () => fc.Arbitrary<TargetInputs[K]> } = {
    abc: () => abcArbitrary,
    midi: () => midiArbitrary,
    codes: () => codesArbitrary,
    layers: () => layersArbitrary,
    models: () => {
      if (!modelSeed) throw new Error('the models target needs a saved model to mutate')
      return modelsArbitrary(modelSeed)
    },
    web: () => webArbitrary
  }
  return arbitraries[target]()
}
