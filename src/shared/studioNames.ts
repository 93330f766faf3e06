// Names the engine, the contract and the UI all use, declared once (no zod, no tfjs here).

/** The seed tutorial's four models. */
export const MODEL_KINDS = ['mlp', 'lstm', 'stateful-lstm', 'stateful-lstm-2f'] as const
export type ModelKind = (typeof MODEL_KINDS)[number]

/** What a callback may watch: the validation figures exist only where songs are held out (corpus training). */
export const MONITOR_NAMES = ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const
export type MonitorName = (typeof MONITOR_NAMES)[number]

/** The files a song can be saved as: notation, sheet music, and audio played by an instrument. */
export const EXPORT_FORMATS = ['midi', 'abc', 'svg', 'pdf', 'codes', 'wav', 'mp3'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The formats that are sound rendered with the sound font (they take an instrument and a tempo). */
export const AUDIO_EXPORT_FORMATS = ['wav', 'mp3'] as const satisfies readonly ExportFormat[]
export type AudioExportFormat = (typeof AUDIO_EXPORT_FORMATS)[number]
