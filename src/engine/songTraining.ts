import type * as tf from '@tensorflow/tfjs'
import { buildWindowDataset, type WindowDataset } from './dataset/windows'
import { buildModel, disposeModel } from './models/build'
import { modelEncoding, resolveModelSpec, SEED_DEFAULTS, type ModelKind, type ModelOptions, type ModelSpec } from './models/spec'
import { inStandardLengths, type PlacedNoteCode } from './notation/noteCodes'
import {
  chooseVocabulary,
  indexNotes,
  makeInputEncoding,
  outputClassCount,
  type InputEncoding,
  type Vocabulary,
  type VocabularyChoice
} from './notation/vocabulary'
import { checkAgainstSong, trainModel, type SongPredictions, type TrainingOutcome, type TrainOptions } from './training/trainer'

/** Everything between a song's notes and a model ready to train on them. */
export interface SongTrainingSetup {
  readonly vocabulary: Vocabulary
  readonly encoding: InputEncoding
  /** The song as class indices. */
  readonly song: number[]
  readonly dataset: WindowDataset
  readonly spec: ModelSpec
}

export interface SongTrainingOptions extends ModelOptions {
  readonly vocabulary?: VocabularyChoice
}

/**
 * Codes written with an odd length (`c:1200` in a codes file) train as the tied pieces a melody
 * of that length gives (`c2- c8`), so every song's lengths come to the same few classes.
 * @throws SongError, OptionError for a song or option that cannot be trained on
 */
export function prepareSongTraining(
  writtenNotes: readonly PlacedNoteCode[],
  kind: ModelKind,
  options: SongTrainingOptions = {}
): SongTrainingSetup {
  const notes = inStandardLengths(writtenNotes)
  const vocabulary = chooseVocabulary(notes, options.vocabulary)
  const encoding = makeInputEncoding(modelEncoding(kind, options), vocabulary)
  const song = indexNotes(notes, vocabulary)
  const dataset = buildWindowDataset(song, options.window ?? SEED_DEFAULTS.window, encoding)
  const spec = resolveModelSpec(kind, options, outputClassCount(vocabulary, dataset.labels), vocabulary)
  return { vocabulary, encoding, song, dataset, spec }
}

export interface SongTrainingResult {
  readonly outcome: TrainingOutcome
  /** The one-step and full-song predictions of the trained model. */
  readonly check: SongPredictions
}

/**
 * Builds the model (or goes on with `startFrom`, a model of the same spec, e.g. a saved run's),
 * trains it and checks it against the song; the caller disposes the model.
 */
export async function trainOnSong(
  setup: SongTrainingSetup,
  options: TrainOptions = {},
  startFrom?: tf.LayersModel
): Promise<SongTrainingResult & { model: tf.LayersModel }> {
  const model = startFrom ?? buildModel(setup.spec)
  try {
    const outcome = await trainModel(model, setup.spec, setup, options)
    return { model, outcome, check: checkAgainstSong(model, setup.spec, setup, outcome.epochsRun, options.fastPath) }
  } catch (error) {
    disposeModel(model)
    throw error
  }
}
