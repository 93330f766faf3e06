// How figures and errors are written in the UI, the same in every pane.

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

export const percent = (x: number): string => `${(x * 100).toFixed(0)} %`

/**
 * An error's message as it was thrown, for checks outside any pane (a layer stack's JSON). What a
 * pane shows goes through i18n's errorMessage, which says the engine's common errors in the
 * person's language.
 */
export const thrownMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))
