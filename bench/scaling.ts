// Scaling: how the corpus case's throughput grows with threads (the engine's system BLAS and the
// peer's torch at 1, 2, 4 … threads up to the machine's cores), and how preparing and training one
// epoch grow with the corpus, 100, 1,000 and 10,000 tunes (the 801 Nottingham tunes, and above
// that transposed copies of them, ±1 … ±6 semitones, as `--transpose` would make them).
import { readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import {
  abcToMelodies,
  buildModel,
  disposeModel,
  prepareCorpusTraining,
  systemBlas,
  trainModel,
  type CorpusSong,
  type FastPathSetting
} from '../src/engine'
import { CORPUS, runCorpusSequenceEngine, runCorpusSequencePeerAt, type SequenceBenchData } from './corpusThroughput'
import { SHARED } from './peer'

/** 1, 2, 4 … up to the cores, and the cores themselves. */
export function threadSteps(cores = cpus().length): number[] {
  const steps: number[] = []
  for (let t = 1; t < cores; t *= 2) steps.push(t)
  steps.push(cores)
  return steps
}

export interface ThreadScalingRow {
  readonly threads: number
  readonly engineTokensPerSecond: number | null
  readonly peerTokensPerSecond: number | null
  /** How the peer's best run split the threads between torch and OpenBLAS. */
  readonly peerSplit: { torch: number; blas: number } | null
  readonly enginePath: string
}

/** The sequence corpus case at each thread count, both sides. */
export function measureThreadScaling(data: SequenceBenchData, fastPath: FastPathSetting, runPeer: boolean): ThreadScalingRow[] {
  return threadSteps().map((threads) => {
    console.error(`  ${threads} thread(s)…`)
    const engine = runCorpusSequenceEngine(data, fastPath, threads)
    const peer = runPeer ? runCorpusSequencePeerAt(data, threads) : null
    return {
      threads,
      engineTokensPerSecond: engine.tokensPerSecond,
      peerTokensPerSecond: peer && !('failed' in peer) ? peer.tokensPerSecond : null,
      peerSplit: peer && !('failed' in peer) ? { torch: peer.torchThreads, blas: peer.blasThreads } : null,
      enginePath: engine.path
    }
  })
}

/** Every tune of the Nottingham ABC books, then transposed copies until there are `count`. */
export function corpusOfTunes(count: number): CorpusSong[] {
  const folder = join(SHARED, 'corpus/nottingham/abc')
  const originals = readdirSync(folder)
    .filter((name) => name.endsWith('.abc'))
    .sort()
    .flatMap((name) =>
      abcToMelodies(readFileSync(join(folder, name), 'utf8')).tunes.flatMap((tune) =>
        tune.melody && tune.melody.notes.some((note) => note.pitch !== null) ? [{ title: `${name} X:${tune.number}`, melody: tune.melody }] : []
      )
    )
  const songs: CorpusSong[] = []
  for (const shift of [0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6]) {
    for (const song of originals) {
      if (songs.length === count) return songs
      const melody = shift === 0 ? song.melody : { ...song.melody, notes: song.melody.notes.map((note) => (note.pitch === null ? note : { ...note, pitch: note.pitch + shift })) }
      songs.push({ title: shift === 0 ? song.title : `${song.title} ${shift > 0 ? '+' : ''}${shift}`, melody })
    }
  }
  return songs
}

export interface CorpusSizeRow {
  readonly tunes: number
  readonly trainingTokens: number
  readonly prepareS: number
  /** The training and validation sequences' arrays. */
  readonly datasetMiB: number
  /** Resident memory after one epoch. */
  readonly rssMiB: number
  readonly epochS: number
  readonly tokensPerSecond: number
  readonly msPerThousandTokens: number
}

const MIB = 2 ** 20

/** One sequence-scheme epoch of the corpus model (2 × LSTM(256), 64 lanes of 32 steps) per corpus size. */
export async function measureCorpusSizes(sizes: readonly number[], fastPath: FastPathSetting): Promise<CorpusSizeRow[]> {
  const rows: CorpusSizeRow[] = []
  for (const size of sizes) {
    const songs = corpusOfTunes(size)
    const started = performance.now()
    const setup = prepareCorpusTraining(songs, 'lstm', {
      layers: [
        { type: 'embedding', outputDim: CORPUS.embedding },
        { type: 'lstm', units: CORPUS.units, returnSequences: true },
        { type: 'lstm', units: CORPUS.units }
      ],
      window: CORPUS.window,
      batchSize: CORPUS.batch,
      learningRate: 1e-3,
      epochs: 1,
      seed: 5,
      scheme: 'sequence'
    })
    const prepareS = (performance.now() - started) / 1000
    const sequences = setup.sequences
    if (!sequences) throw new Error('the sequence scheme made no sequences')
    const arraysBytes = (d: NonNullable<typeof sequences>) =>
      d.inputs.byteLength + d.labels.byteLength + d.weights.byteLength + d.positions.byteLength + d.startsTune.byteLength
    const datasetMiB = (arraysBytes(sequences) + (setup.validationSequences ? arraysBytes(setup.validationSequences) : 0)) / MIB
    console.error(`  ${songs.length} tunes: ${sequences.steps} training tokens, prepared in ${prepareS.toFixed(1)} s, one epoch…`)
    const model = buildModel(setup.spec)
    const outcome = await trainModel(model, setup.spec, setup, { fastPath })
    disposeModel(model)
    const epochS = outcome.trainMs / 1000
    rows.push({
      tunes: songs.length,
      trainingTokens: sequences.steps,
      prepareS,
      datasetMiB,
      rssMiB: process.memoryUsage().rss / MIB,
      epochS,
      tokensPerSecond: sequences.steps / epochS,
      msPerThousandTokens: (1000 * epochS * 1000) / sequences.steps
    })
  }
  return rows
}

/** The engine's BLAS threads now, to say which count the other cases ran at. */
export function engineBlasThreads(): number | null {
  return systemBlas()?.threads() ?? null
}
