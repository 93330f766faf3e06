/**
 * The fuzz targets as data, shared by the parent (generators, findings) and the worker
 * (executors): their names, the inputs they take, and how an input is kept as a file in
 * `src/fuzz/findings/<target>/`.
 */
import { createHash } from 'node:crypto'

export const TARGETS = ['abc', 'midi', 'codes', 'layers', 'models', 'web'] as const
export type TargetName = (typeof TARGETS)[number]

export function isTargetName(text: string): text is TargetName {
  return (TARGETS as readonly string[]).includes(text)
}

/** A saved model folder, mutated: the texts of `model.json` and `run.json`. */
export interface ModelsInput {
  readonly model: string
  readonly run: string
  /**
   * Replaces the value at `path` in one file's JSON by an array of `length` copies of `value`,
   * written out by the worker as a stream: a finding such as "a song of 8 million notes" stays
   * a few bytes in the findings folder and costs the harness no memory.
   */
  readonly fill?: { readonly file: 'model' | 'run'; readonly path: readonly (string | number)[]; readonly length: number; readonly value: number }
}

/** One HTTP request to the web-mode server. */
export interface WebInput {
  /** HTTP method. */
  readonly verb: string
  /** Raw request target, e.g. `/api/checkSong` or `/%zz`. */
  readonly path: string
  readonly token: 'right' | 'none' | 'wrong'
  readonly headers: Readonly<Record<string, string>>
  /** The body: `{ args }` as JSON, or raw text. */
  readonly body: { readonly args: unknown } | { readonly raw: string } | null
  /** Repeat the raw body this many times (a large body without a large input file). */
  readonly repeat?: number
}

/** The layer lab: arguments of `describeModel` and of the CLI's `--layers` path. */
export interface LayersInput {
  readonly model: string
  readonly classes: number
  readonly options: unknown
}

export interface TargetInputs {
  abc: string
  midi: Uint8Array
  codes: string
  layers: LayersInput
  models: ModelsInput
  web: WebInput
}

export type FuzzInput = TargetInputs[TargetName]

export const TARGET_EXTENSIONS: Record<TargetName, string> = {
  abc: 'abc',
  midi: 'mid',
  codes: 'txt',
  layers: 'json',
  models: 'json',
  web: 'json'
}

/** An input as the bytes of its findings file. */
export function encodeInput(target: TargetName, input: FuzzInput): Uint8Array {
  if (target === 'midi') return input as Uint8Array
  if (target === 'abc' || target === 'codes') return new TextEncoder().encode(input as string)
  return new TextEncoder().encode(JSON.stringify(input, null, 1) + '\n')
}

/** A findings file back to its input. */
export function decodeInput(target: TargetName, bytes: Uint8Array): FuzzInput {
  if (target === 'midi') return new Uint8Array(bytes)
  const text = new TextDecoder('utf-8').decode(bytes)
  if (target === 'abc' || target === 'codes') return text
  return JSON.parse(text) as FuzzInput
}

export function inputHash(target: TargetName, input: FuzzInput): string {
  return createHash('sha256').update(encodeInput(target, input)).digest('hex').slice(0, 16)
}

/** What the worker says about one input. */
export type Outcome =
  | { readonly kind: 'ok' }
  /** A StudioError (or subclass), InvalidMessageError, or a result with problems: the input was refused properly. */
  | { readonly kind: 'typed'; readonly name: string; readonly message: string }
  /** An error that is not one of ours (TypeError, RangeError …), or a broken promise (a limit passed silently, a server that stopped answering). */
  | { readonly kind: 'failure'; readonly name: string; readonly message: string; readonly stack?: string }

/** What the parent makes of one input, adding the worker's death and hangs. */
export type Verdict =
  | Outcome
  | { readonly kind: 'crash'; readonly name: string; readonly message: string }
  | { readonly kind: 'hang'; readonly name: string; readonly message: string }

export function isBad(verdict: Verdict): verdict is Exclude<Verdict, { kind: 'ok' } | { kind: 'typed' }> {
  return verdict.kind === 'failure' || verdict.kind === 'crash' || verdict.kind === 'hang'
}

export function firstLine(text: string, max: number): string {
  return (text.split('\n')[0] ?? '').slice(0, max)
}

/** One line that groups findings of the same bug: numbers and quoted text taken out. */
export function signature(target: TargetName, verdict: Verdict): string {
  const message = verdict.kind === 'ok' ? '' : verdict.message
  const general = firstLine(message, 10_000)
    .replace(/'[^']*'|"[^"]*"/g, 'S')
    .replace(/-?\d[\d.,e+]*/g, 'N')
    .slice(0, 100)
  const name = verdict.kind === 'ok' ? '' : verdict.name
  return `${target} ${verdict.kind} ${name}: ${general}`
}
