import type { ModelDescription, ModelOptionsView, StudioModelKind } from '../../../shared/studioApi'
import { MODEL_PRESETS } from '../../../shared/modelPresets'
import { readLayerStack } from './layerStack'

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
  /** The model lab's layers as the person types them; empty keeps the preset's. */
  layersText = $state('')
  /** The typed layers checked with the engine's schema. */
  readonly layerStack = $derived(readLayerStack(this.layersText))
  readonly options = $derived<ModelOptionsView>({
    units: this.units,
    window: this.window,
    learningRate: this.learningRate,
    seed: this.seed,
    twoFeatures: this.twoFeatures,
    ...(this.model === 'mlp' ? {} : { stateful: this.stateful }),
    ...(this.batchSize ? { batchSize: this.batchSize } : {}),
    ...(this.layerStack.layers ? { layers: this.layerStack.layers } : {})
  })
  /** What the engine says this model is for the song (parameters, classes, layers), or why it cannot be. */
  description = $state<ModelDescription | null>(null)
  descriptionProblem = $state<string | null>(null)

  get model(): StudioModelKind {
    return this.#model
  }

  /** Choosing a preset sets its shape. */
  set model(kind: StudioModelKind) {
    this.#model = kind
    this.stateful = presetShape(kind).stateful
    this.twoFeatures = presetShape(kind).twoFeatures
  }
}
