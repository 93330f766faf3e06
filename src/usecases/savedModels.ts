// Use cases on a saved model: predict its song again, and continue a melody with it. The
// studio's training process and the command line both call these.
import type { LayersModel } from '@tensorflow/tfjs'
import { chooseBackend } from '../engine/backend/chooseBackend'
import { continueMelody, type Continuation } from '../engine/generate/continueMelody'
import { traceAlongSong, type MemoryTrace } from '../engine/generate/memoryTrace'
import { notePredictor, predictFullSong, predictOneStep } from '../engine/generate/predict'
import { loadTrainedModel, ModelFileError, type TrainedModelInfo } from '../engine/library/modelFiles'
import { disposeModel } from '../engine/models/build'
import type { Melody } from '../engine/notation/melody'
import { checkMelodyLimits } from '../engine/notation/melodyLimits'
import { makeInputEncoding, primeIndices } from '../engine/notation/vocabulary'
import { saying } from '../shared/engineMessages'
import { MEMORY_TRACE_MAX_SAME_WINDOW, MEMORY_TRACE_MAX_STEPS, MEMORY_TRACE_MAX_UNITS, MEMORY_TRACE_TOP_K } from '../shared/limits'
import type { ContinuationView, MemoryTraceView, StudioModelKind, TrainingResult } from '../shared/studioApi'
import { codesOfIndices, DEFAULT_HEADER, melodyOfCodes, predictionView, type MelodyHeader } from './predictionViews'
import { melodyToAbcWithHeads } from '../engine/notation/abcOut'

/** Loads a saved model, lends it to `use`, and frees it after. */
async function withSavedModel<T>(folder: string, use: (model: LayersModel, info: TrainedModelInfo) => Promise<T> | T): Promise<T> {
  let loaded: Awaited<ReturnType<typeof loadTrainedModel>>
  try {
    loaded = await loadTrainedModel(folder)
  } catch (error) {
    // What the person can do about it first; which file and why after (shown folded).
    if (error instanceof ModelFileError) {
      throw new ModelFileError(saying('savedModelUnusable', { detail: error.message }), error.missing)
    }
    throw error
  }
  const { model, info } = loaded
  try {
    return await use(model, info)
  } finally {
    disposeModel(model)
  }
}

/** The saved run's one-step and full-song predictions of its song, made again without training. */
export async function predictAgain(runId: string, folder: string): Promise<TrainingResult> {
  const backend = await chooseBackend({ env: process.env })
  return withSavedModel(folder, (model, info) => {
    const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
    const header = info.header ?? DEFAULT_HEADER
    return {
      runId,
      model: info.spec.kind,
      backend: backend.name,
      params: model.countParams(),
      epochs: 0,
      trainMs: 0,
      oneStep: predictionView(predictOneStep(model, info.spec, info.song, encoding), info.vocabulary, header),
      fullSong: predictionView(predictFullSong(model, info.spec, info.song, encoding), info.vocabulary, header)
    }
  })
}

/** A memory trace as the studio shows it: the top candidates, the first units, every list bounded. */
export function memoryTraceView(trace: MemoryTrace, model: StudioModelKind, codes: readonly string[], fullSong: boolean): Omit<MemoryTraceView, 'runId'> {
  const units = (state: Float64Array | undefined) => (state ? Array.from(state.subarray(0, MEMORY_TRACE_MAX_UNITS)) : undefined)
  return {
    model,
    fullSong,
    stateful: trace.stateful,
    window: trace.window,
    codes: [...codes],
    lstm: trace.lstm
      ? { layer: trace.lstm.layer, units: trace.lstm.units, shown: Math.min(trace.lstm.units, MEMORY_TRACE_MAX_UNITS), recurrentActivation: trace.lstm.recurrentActivation }
      : null,
    ...(trace.noState !== undefined ? { noState: trace.noState } : {}),
    totalSteps: trace.totalSteps,
    steps: trace.steps.map((step) => {
      const ranked = Array.from(step.probabilities, (probability, index) => ({ index, probability })).sort((a, b) => b.probability - a.probability || a.index - b.index)
      const h = units(step.h)
      const c = units(step.c)
      return {
        inputs: [...step.inputs],
        truth: step.truth,
        predicted: step.predicted,
        trueProbability: step.probabilities[step.truth] ?? 0,
        top: ranked.slice(0, MEMORY_TRACE_TOP_K),
        ...(h ? { h } : {}),
        ...(c ? { c } : {}),
        ambiguousWith: step.ambiguousWith.slice(0, MEMORY_TRACE_MAX_SAME_WINDOW)
      }
    })
  }
}

/**
 * The saved run's model walked along its song (one-step, or the full song with each prediction fed
 * back): at each prediction the candidates and its first LSTM's state, for the Memory panel.
 */
export async function traceSavedRun(folder: string, request: { readonly fullSong: boolean }): Promise<Omit<MemoryTraceView, 'runId'>> {
  await chooseBackend({ env: process.env })
  return withSavedModel(folder, (model, info) => {
    const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
    const trace = traceAlongSong(model, info.spec, info.song, encoding, { feedBack: request.fullSong, maxSteps: MEMORY_TRACE_MAX_STEPS })
    return memoryTraceView(trace, info.spec.kind, info.vocabulary.codes, request.fullSong)
  })
}

export interface ContinueRequest {
  /** How far: whole bars, or a number of notes (ending on a bar line either way). */
  readonly bars?: number
  readonly notes?: number
  /** 0 = greedy. */
  readonly temperature: number
  readonly topK?: number
  readonly seed: number
  readonly variations?: number
  /** Continue this melody (its every note in the model's vocabulary) instead of the run's own opening window. */
  readonly prime?: Melody
  readonly signal?: AbortSignal
}

export interface ContinuedMelody {
  readonly seed: number
  /** The opening it went on from and the new notes, as one melody in the prime's meter and key. */
  readonly melody: Melody
  readonly continuation: Continuation
}

/**
 * New notes after a prime (the run's opening window, or the person's melody), greedy or sampled,
 * never across a bar line; each continuation as a melody to draw, play or save.
 * @throws SongError when the prime has notes the model does not know; GenerationCancelledError when stopped
 */
export async function continueSavedModel(folder: string, request: ContinueRequest): Promise<ContinuedMelody[]> {
  await chooseBackend({ env: process.env })
  return withSavedModel(folder, async (model, info) => {
    const encoding = makeInputEncoding(info.spec.encoding, info.vocabulary)
    if (request.prime) checkMelodyLimits(request.prime, 'the melody to continue')
    const prime = request.prime ? primeIndices(request.prime, info.vocabulary) : info.song.slice(0, info.spec.window)
    const header: MelodyHeader = request.prime ?? info.header ?? DEFAULT_HEADER
    const predictor = notePredictor(model, info.spec)
    try {
      const continuations = await continueMelody(predictor, info.spec.window, encoding, info.vocabulary, prime, {
        temperature: request.temperature,
        ...(request.topK !== undefined ? { topK: request.topK } : {}),
        ...(request.bars !== undefined ? { bars: request.bars } : {}),
        ...(request.notes !== undefined ? { notes: request.notes } : {}),
        ...(request.variations !== undefined ? { variations: request.variations } : {}),
        seed: request.seed,
        meter: header.meter,
        pickupTicks: header.pickupTicks ?? 0,
        ...(request.signal ? { signal: request.signal } : {})
      })
      const primeCodes = codesOfIndices(prime, info.vocabulary)
      return continuations.map((continuation) => ({
        seed: continuation.seed,
        continuation,
        melody: melodyOfCodes([...primeCodes, ...continuation.generated], header, `${header.title || 'Melody'} (seed ${continuation.seed})`)
      }))
    } finally {
      predictor.dispose()
    }
  })
}

/** Continuations as the UI draws them. */
export function continuationViews(continued: readonly ContinuedMelody[]): ContinuationView[] {
  return continued.map(({ seed, melody }) => ({ seed, abc: melodyToAbcWithHeads(melody).abc, melody }))
}
