// The one family of errors that cross a process boundary (the training process, IPC, HTTP): an
// error travels as { name, message } and is thrown again on the other side as a StudioApiError
// of the same name, so `error.name` says what went wrong wherever it is caught.

export interface SerializedError {
  readonly name: string
  readonly message: string
}

/** What every request answers: a value, or an error to rethrow on the other side. */
export type StudioReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError }

/** An error that came across a boundary, with the name it had where it was thrown. */
export class StudioApiError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message)
    this.name = error.name
  }
}

/** Any thrown value as it crosses a boundary: its name and message, never its stack. */
export function serializeError(error: unknown): SerializedError {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) }
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
