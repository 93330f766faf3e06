// Names the engine, the contract and the UI all use, declared once (no zod, no tfjs here).

/** The seed tutorial's four models. */
export const SEED_MODEL_KINDS = ['mlp', 'lstm', 'stateful-lstm', 'stateful-lstm-2f'] as const
export type SeedModelKind = (typeof SEED_MODEL_KINDS)[number]
/** Every preset: the tutorial's four, then the lab's functional pitch-and-length model (Keras's chapter 7). */
export const MODEL_KINDS = [...SEED_MODEL_KINDS, 'pitch-length'] as const
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
/** The scheme of a corpus run that names none, where the model can train by it (see defaultCorpusScheme). */
export const DEFAULT_CORPUS_SCHEME: CorpusScheme = 'sequence'

/** The layers sequence training applies at every step: each keeps the time axis. */
const PER_STEP_LAYER_TYPES: readonly string[] = ['embedding', 'lstm', 'gru', 'simple-rnn', 'dropout', 'dense']
const RECURRENT_LAYER_TYPES: readonly string[] = ['lstm', 'gru', 'simple-rnn']

/**
 * The scheme a corpus run takes when none is named (the engine's, the CLI's and the UI's): whole
 * sequences wherever the model can train by them (recurrent layers, every layer keeping the time
 * axis, no Dense first), since they learn a tune book better in the same time (npm run bench,
 * schemes: the jigs to 32.2 % held-out next-note accuracy in 150 s against 25.4 % by windows);
 * windows for the rest (an MLP, convolutions, bidirectional layers, functional models).
 */
export function defaultCorpusScheme(kind: ModelKind, layers?: readonly { readonly type: string; readonly bidirectional?: boolean }[], functional = false): CorpusScheme {
  // a functional model (the lab's graph, the pitch-and-length preset) trains by windows only
  if (functional || (kind === 'pitch-length' && !layers)) return 'windows'
  if (!layers) return kind === 'mlp' ? 'windows' : DEFAULT_CORPUS_SCHEME
  const perStep = layers.every((layer, i) => PER_STEP_LAYER_TYPES.includes(layer.type) && !layer.bidirectional && !(i === 0 && layer.type === 'dense'))
  return perStep && layers.some((layer) => RECURRENT_LAYER_TYPES.includes(layer.type)) ? DEFAULT_CORPUS_SCHEME : 'windows'
}

/** The files a song can be saved as: notation, sheet music, and audio played by an instrument. */
export const EXPORT_FORMATS = ['midi', 'abc', 'svg', 'pdf', 'codes', 'wav', 'mp3'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The formats that are sound rendered with the sound font (they take an instrument and a tempo). */
export const AUDIO_EXPORT_FORMATS = ['wav', 'mp3'] as const satisfies readonly ExportFormat[]
export type AudioExportFormat = (typeof AUDIO_EXPORT_FORMATS)[number]
