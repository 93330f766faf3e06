// The seed tutorial's four models as data: the engine builds them, the UI shows and picks them.
// No tfjs here, so the renderer reads the same table.
import type { ModelGraph } from './modelGraph'
import type { ModelKind } from './studioNames'

export interface ModelPreset {
  readonly title: string
  readonly explanation: string
  /** How a note goes in: its class index, pitch and length as two features, or token ids (a functional model's inputs). */
  readonly encoding: 'index' | 'pitch-length' | 'token'
  readonly stateful: boolean
  readonly batchSize: number
  readonly shuffle: boolean
}

/** The seed tutorial's four models (Adam 1e-3, categorical cross-entropy, 2000 epochs, seed 5), and the lab's pitch-and-length model. */
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
  },
  'pitch-length': {
    title: 'Pitch and length, two heads',
    explanation:
      'A functional model: the pitch and the length of each note come in as two inputs, each through its own embedding, are joined, go through a stateful LSTM, and come out as two predictions, the next pitch and the next length, each with its own loss.',
    encoding: 'token',
    stateful: true,
    batchSize: 1,
    shuffle: false
  }
}

const call = (layer: string) => [{ layer, call: 0 }]

/**
 * The pitch-and-length functional model, in the studio's form of Keras's JSON (src/shared/modelGraph.ts):
 * `pitch` and `length` ids, an Embedding each, Concatenate, an LSTM of `units` (stateful as the
 * spec says), and two softmax outputs, `next_pitch` and `next_length`.
 */
export function pitchLengthGraph(shape: { name: string; units: number; pitchEmbedding: number; lengthEmbedding: number }): ModelGraph {
  return {
    name: shape.name,
    layers: [
      { name: 'pitch', spec: { type: 'input', role: 'pitch' }, calls: [] },
      { name: 'length', spec: { type: 'input', role: 'length' }, calls: [] },
      { name: 'pitch_embedding', spec: { type: 'embedding', outputDim: shape.pitchEmbedding }, calls: [call('pitch')] },
      { name: 'length_embedding', spec: { type: 'embedding', outputDim: shape.lengthEmbedding }, calls: [call('length')] },
      { name: 'note', spec: { type: 'concatenate' }, calls: [[...call('pitch_embedding'), ...call('length_embedding')]] },
      { name: 'lstm', spec: { type: 'lstm', units: shape.units }, calls: [call('note')] },
      { name: 'next_pitch', spec: { type: 'head', units: 1 }, calls: [call('lstm')] },
      { name: 'next_length', spec: { type: 'head', units: 1 }, calls: [call('lstm')] }
    ],
    inputs: ['pitch', 'length'],
    outputs: [
      { layer: 'next_pitch', call: 0 },
      { layer: 'next_length', call: 0 }
    ]
  }
}

/** A preset's functional model, or undefined for the stacks: the pitch-and-length model with `units` in its LSTM. */
export function presetGraph(kind: ModelKind, units: number): ModelGraph | undefined {
  return kind === 'pitch-length' ? pitchLengthGraph({ name: 'pitch_length', units, pitchEmbedding: 8, lengthEmbedding: 4 }) : undefined
}
