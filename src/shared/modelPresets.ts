// The seed tutorial's four models as data: the engine builds them, the UI shows and picks them.
// No tfjs here, so the renderer reads the same table.
import type { ModelKind } from './studioNames'

export interface ModelPreset {
  readonly title: string
  readonly explanation: string
  /** How a note goes in: its class index, or pitch and length as two features. */
  readonly encoding: 'index' | 'pitch-length'
  readonly stateful: boolean
  readonly batchSize: number
  readonly shuffle: boolean
}

/** The seed tutorial's four models (Adam 1e-3, categorical cross-entropy, 2000 epochs, seed 5). */
export const MODEL_PRESETS: Record<ModelKind, ModelPreset> = {
  mlp: {
    title: 'Multilayer perceptron',
    explanation: 'Two dense layers see the last notes as four unrelated numbers; no sense of order or memory.',
    encoding: 'index',
    stateful: false,
    batchSize: 10,
    shuffle: true
  },
  lstm: {
    title: 'LSTM',
    explanation: 'An LSTM reads the window note by note, but forgets everything between windows.',
    encoding: 'index',
    stateful: false,
    batchSize: 14,
    shuffle: true
  },
  'stateful-lstm': {
    title: 'Stateful LSTM',
    explanation: 'The LSTM keeps its state from one window to the next, so it remembers where it is in the song.',
    encoding: 'index',
    stateful: true,
    batchSize: 1,
    shuffle: false
  },
  'stateful-lstm-2f': {
    title: 'Stateful LSTM, two features',
    explanation: 'The stateful LSTM again, but each note comes in as pitch and length separately; it learns fastest.',
    encoding: 'pitch-length',
    stateful: true,
    batchSize: 1,
    shuffle: false
  }
}
