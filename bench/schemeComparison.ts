// Windows against sequences for the same wall time: the jigs model (Embedding(32), 2 × LSTM(128),
// window 32, split by tune with seed 5) trained on the fast path by each corpus scheme for the
// same seconds, then compared on held-out next-token accuracy at positions ≥ window (the tokens
// a windowed model can predict at all), with the tokens each trains on per second.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { abcToMelodies, buildModel, disposeModel, prepareCorpusTraining, trainModel, type CorpusScheme, type FastPathSetting } from '../src/engine'
import { JIGS_MODEL } from './jigsNextToken'
import { SHARED } from './peer'

export interface SchemeFigures {
  readonly scheme: CorpusScheme
  readonly epochs: number
  readonly trainS: number
  /** Held-out accuracy at positions ≥ window, best epoch. */
  readonly valAccuracyFromWindow: number
  /** Sequence runs: every held-out step (for windows, the same as above). */
  readonly valAccuracy: number
  readonly bestEpoch: number
  readonly bestAtS: number
  readonly tokensPerSecond: number
  readonly trainingTokens: number
  readonly path: string
}

export async function runSchemeComparison(seconds: number, fastPath: FastPathSetting, streams = 32): Promise<SchemeFigures[]> {
  const text = readFileSync(join(SHARED, 'corpus/nottingham/abc/jigs.abc'), 'utf8')
  const songs = abcToMelodies(text).tunes.flatMap((tune) => (tune.melody ? [{ title: tune.title, melody: tune.melody }] : []))
  const results: SchemeFigures[] = []
  for (const scheme of ['windows', 'sequence'] as const) {
    const setup = prepareCorpusTraining(songs, 'lstm', {
      layers: JIGS_MODEL.layers,
      window: 32,
      batchSize: scheme === 'sequence' ? streams : JIGS_MODEL.batchSize,
      learningRate: JIGS_MODEL.learningRate,
      epochs: 100_000,
      seed: 5,
      scheme
    })
    const model = buildModel(setup.spec)
    const stop = new AbortController()
    const started = performance.now()
    // a stop before the first whole epoch would keep nothing: the time runs out after one at least
    let epochsDone = 0
    const outcome = await trainModel(model, setup.spec, setup, {
      fastPath,
      signal: stop.signal,
      keepOnStop: true,
      ...(setup.validationSequences ? { validationSequences: setup.validationSequences } : { validation: setup.validation }),
      callbacks: [
        {
          onBatchEnd: () => {
            if (epochsDone > 0 && performance.now() - started > seconds * 1000) stop.abort()
          }
        }
      ],
      onEpochEnd: (e) => {
        epochsDone++
        console.error(
          `  ${scheme} epoch ${e.epoch}: loss ${e.loss.toFixed(3)}, val ${((e.valAccuracy ?? 0) * 100).toFixed(1)} %, at ≥ W ${((e.valAccuracyFromWindow ?? 0) * 100).toFixed(1)} %, ${Math.round(e.samplesPerSecond)} tokens/s (${(e.elapsedMs / 1000).toFixed(0)} s)`
        )
      }
    })
    disposeModel(model)
    const best = outcome.history.reduce((top, e) => ((e.valAccuracyFromWindow ?? 0) > (top?.valAccuracyFromWindow ?? -1) ? e : top), outcome.history[0])
    const trainingTokens = setup.sequences?.steps ?? setup.dataset.labels.length
    results.push({
      scheme,
      epochs: outcome.history.length,
      trainS: outcome.trainMs / 1000,
      valAccuracyFromWindow: best?.valAccuracyFromWindow ?? 0,
      valAccuracy: best?.valAccuracy ?? 0,
      bestEpoch: best?.epoch ?? 0,
      bestAtS: (best?.elapsedMs ?? 0) / 1000,
      tokensPerSecond: (trainingTokens * outcome.history.length) / Math.max(outcome.trainMs / 1000, 1e-9),
      trainingTokens,
      path: outcome.path.reason
    })
  }
  return results
}
