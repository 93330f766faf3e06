import type { ModelDescription, ModelOptionsView, StudioModelKind } from '../../../shared/studioApi'
import { MODEL_PRESETS } from '../../../shared/modelPresets'
import { presetGraph } from '../../../shared/modelPresets'
import { graphToKerasJson, type OutputRole } from '../../../shared/modelGraph'
import { readModelLayers } from './modelLayers'

/** Each preset's shape, as the engine's table has it; the options can change it afterwards. */
function presetShape(kind: StudioModelKind): { stateful: boolean; twoFeatures: boolean } {
  return { stateful: MODEL_PRESETS[kind].stateful, twoFeatures: MODEL_PRESETS[kind].encoding === 'pitch-length' }
}

/** The model the person chose (preset, options, the model lab's layers), and the engine's description of it. */
export class ModelSettings {
  #model = $state<StudioModelKind>('stateful-lstm-2f')
  epochs = $state(300)
  untilPerfect = $state(true)
  units = $state(128)
  window = $state(4)
  batchSize = $state<number | null>(null)
  learningRate = $state(0.001)
  seed = $state(5)
  stateful = $state(presetShape('stateful-lstm-2f').stateful)
  twoFeatures = $state(presetShape('stateful-lstm-2f').twoFeatures)
  /** The model lab's layers as the person types them (a stack, or Keras's functional JSON); empty keeps the preset's. */
  layersText = $state('')
  /** The typed layers checked with the engine's parser. */
  readonly modelLayers = $derived(readModelLayers(this.layersText))
  /** The functional model in use: the typed one, or the preset's (pitch and length). */
  readonly graph = $derived(this.modelLayers.graph ?? (this.modelLayers.layers ? undefined : presetGraph(this.model, this.units)))
  /** Its outputs, each with a weight in the loss when there are several. */
  readonly outputHeads = $derived<OutputRole[]>((this.graph?.outputs ?? []).map((output) => output.layer as OutputRole))
  /** Each output's loss weight as the person set it (1 where not). */
  lossWeights = $state<Partial<Record<OutputRole, number>>>({})
  readonly options = $derived<ModelOptionsView>({
    units: this.units,
    window: this.window,
    learningRate: this.learningRate,
    seed: this.seed,
    twoFeatures: this.twoFeatures,
    ...(this.model === 'mlp' ? {} : { stateful: this.stateful }),
    ...(this.batchSize ? { batchSize: this.batchSize } : {}),
    ...(this.modelLayers.layers ? { layers: this.modelLayers.layers } : {}),
    ...(this.modelLayers.graph ? { graph: this.modelLayers.graph } : {}),
    ...(this.outputHeads.length > 1 ? { lossWeights: Object.fromEntries(this.outputHeads.map((head) => [head, this.lossWeights[head] ?? 1])) } : {})
  })
  /** What the engine says this model is for the song (parameters, classes, layers), or why it cannot be. */
  description = $state<ModelDescription | null>(null)
  descriptionProblem = $state<string | null>(null)

  get model(): StudioModelKind {
    return this.#model
  }

  /** The functional model in use as Keras's JSON, to read, edit, or take to Keras. */
  graphAsKerasJson(): string {
    return this.graph ? JSON.stringify(graphToKerasJson(this.graph), null, 1) : ''
  }

  /** Choosing a preset sets its shape. */
  set model(kind: StudioModelKind) {
    this.#model = kind
    this.stateful = presetShape(kind).stateful
    this.twoFeatures = presetShape(kind).twoFeatures
  }
}
