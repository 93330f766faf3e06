// Going on from a saved run: its model, checked against what the new run trains on.
import type { LayersModel } from '@tensorflow/tfjs'
import { OptionError, SongError } from '../engine/errors'
import { saying } from '../shared/engineMessages'
import { disposeModel } from '../engine/models/build'
import { countSpecParams, type ModelSpec } from '../engine/models/spec'
import { loadTrainedModel } from '../engine/library/modelFiles'
import type { Vocabulary } from '../engine/notation/vocabulary'

/** Where a run goes on from: the saved model's folder and the epoch its weights are from. */
export interface ResumeFrom {
  readonly folder: string
  readonly afterEpoch: number
}

/**
 * The saved model to go on from, checked against what this run trains on (Adam's moments start
 * afresh; epochs are numbered on from `afterEpoch`).
 * @throws SongError when that run had other notes or options; OptionError when it has the epochs asked for already
 */
export async function loadResumePoint(from: ResumeFrom, vocabulary: Vocabulary, spec: ModelSpec): Promise<{ model: LayersModel; afterEpoch: number }> {
  if (from.afterEpoch >= spec.epochs) throw new OptionError(`that run has ${from.afterEpoch} epochs already; ask for more than that in all`)
  const { model, info } = await loadTrainedModel(from.folder).catch((error: unknown) => {
    throw error instanceof SongError || error instanceof OptionError ? error : new SongError(`the run's saved model cannot be read (${(error as Error).message})`)
  })
  const same =
    info.vocabulary.codes.join(' ') === vocabulary.codes.join(' ') &&
    model.countParams() === countSpecParams(spec) &&
    info.spec.stateful === spec.stateful &&
    (!spec.stateful || info.spec.batchSize === spec.batchSize)
  if (!same) {
    disposeModel(model)
    throw new SongError(saying('otherVocabulary'))
  }
  return { model, afterEpoch: from.afterEpoch }
}
