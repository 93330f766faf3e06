// How figures and errors are written in the UI, the same in every pane.

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

export const percent = (x: number): string => `${(x * 100).toFixed(0)} %`

/** An error's message to show (the StudioApi rethrows the engine's errors as Errors). */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))
