// The one family of errors that cross a process boundary (the training process, IPC, HTTP): an
// error travels as { name, message, said } and is thrown again on the other side as a
// StudioApiError of the same name, so `error.name` says what went wrong wherever it is caught,
// and `said` (where the engine gave its message a code) lets the UI say it in the person's language.
import { ENGINE_SAYING_SCHEMA, type EngineSaying } from './engineMessages'

export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly said?: EngineSaying
}

/** What every request answers: a value, or an error to rethrow on the other side. */
export type StudioReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError }

/** An error that came across a boundary, with the name it had where it was thrown. */
export class StudioApiError extends Error {
  readonly said?: EngineSaying
  constructor(readonly error: SerializedError) {
    super(error.message)
    this.name = error.name
    if (error.said) this.said = error.said
  }
}

/** The code and values an error carries, where it carries a well-formed one. */
export function sayingOf(error: unknown): EngineSaying | undefined {
  const said = typeof error === 'object' && error !== null ? (error as { said?: unknown }).said : undefined
  const parsed = said === undefined ? undefined : ENGINE_SAYING_SCHEMA.safeParse(said)
  return parsed?.success ? parsed.data : undefined
}

/** Any thrown value as it crosses a boundary: its name, message and saying, never its stack. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const said = sayingOf(error)
  return { name: error.name, message: error.message, ...(said ? { said } : {}) }
}

/** The reply to a request that threw. */
export function errorReply(error: unknown): StudioReply<never> {
  return { ok: false, error: serializeError(error) }
}

/** A serialised error thrown again on this side. */
export function deserializeError(error: SerializedError | undefined, fallback: string): StudioApiError {
  return new StudioApiError(error ?? { name: 'Error', message: fallback })
}

/** A message refused before any work: the wrong arguments for its method, an unknown method, a frame not ours. */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError'
}
