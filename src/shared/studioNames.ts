// Names the engine, the contract and the UI all use, declared once (no zod, no tfjs here).

/** The seed tutorial's four models. */
export const MODEL_KINDS = ['mlp', 'lstm', 'stateful-lstm', 'stateful-lstm-2f'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

/** What a callback may watch: the validation figures exist only where songs are held out (corpus training). */
export const MONITOR_NAMES = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const
export type MonitorName = (typeof MONITOR_NAMES)[number]

/**
 * How a corpus run trains: 'windows', each window predicts the one note after it; 'sequence', the
 * loss at every step of each window, the state carried from one window of a song to the next
 * (truncated backpropagation through time).
 */
export const CORPUS_SCHEMES = ['windows', 'sequence'] as const
export type CorpusScheme = (typeof CORPUS_SCHEMES)[number]
/** The scheme of a corpus run that names none (the engine's, the CLI's and the UI's default). */
export const DEFAULT_CORPUS_SCHEME: CorpusScheme = 'windows'

/** The files a song can be saved as: notation, sheet music, and audio played by an instrument. */
export const EXPORT_FORMATS = ['midi', 'abc', 'svg', 'pdf', 'codes', 'wav', 'mp3'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The formats that are sound rendered with the sound font (they take an instrument and a tempo). */
export const AUDIO_EXPORT_FORMATS = ['wav', 'mp3'] as const satisfies readonly ExportFormat[]
export type AudioExportFormat = (typeof AUDIO_EXPORT_FORMATS)[number]
