import { MONITOR_NAMES, type CallbacksView, type CorpusFile, type CorpusScheme, type MonitorName } from '../../../shared/studioApi'

/** How to train beyond the model itself: the callbacks, and training on many songs instead of the editor's. */
export class TrainingSettings {
  // Callbacks, as the books' Keras: off unless asked for.
  earlyStopping = $state(false)
  earlyMonitor = $state<MonitorName>('loss')
  earlyPatience = $state(10)
  restoreBest = $state(true)
  reduceLr = $state(false)
  lrMonitor = $state<MonitorName>('loss')
  lrFactor = $state(0.5)
  lrPatience = $state(5)
  minLearningRate = $state(0.0001)

  corpusFiles = $state<CorpusFile[]>([])
  #useCorpus = $state(false)
  validationShare = $state(0.1)
  transpose = $state(0)
  /** Windows (one next note each) or whole sequences (loss at every step); null: the model's default (defaultCorpusScheme). */
  scheme = $state<CorpusScheme | null>(null)

  /** Validation figures exist only where songs are held out. */
  readonly monitors = $derived(MONITOR_NAMES.filter((name) => this.useCorpus || !name.startsWith('val_')))
  readonly callbacks = $derived<CallbacksView>({
    ...(this.earlyStopping
      ? { earlyStopping: { monitor: this.earlyMonitor, patience: this.earlyPatience, restoreBestWeights: this.restoreBest } }
      : {}),
    ...(this.reduceLr
      ? { reduceLrOnPlateau: { monitor: this.lrMonitor, factor: this.lrFactor, patience: this.lrPatience, minLearningRate: this.minLearningRate } }
      : {})
  })

  get useCorpus(): boolean {
    return this.#useCorpus
  }

  /** Without held-out songs, a callback watching a validation figure watches the training one instead. */
  set useCorpus(use: boolean) {
    this.#useCorpus = use
    if (!this.monitors.includes(this.earlyMonitor)) this.earlyMonitor = 'loss'
    if (!this.monitors.includes(this.lrMonitor)) this.lrMonitor = 'loss'
  }
}
