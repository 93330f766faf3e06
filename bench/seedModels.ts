// The seed's four models on 나비야, trained until one-step and full-song are both 100 % (or to
// their epoch limit), beside the PyTorch peer ../shared/bench/torch_reference.py.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  disposeModel,
  loadTrainedModel,
  parseNoteCodes,
  predictFullSong,
  prepareSongTraining,
  saveTrainedModel,
  trainOnSong,
  type FastPathSetting,
  type SeedModelKind
} from '../src/engine'
import { peerEnv, peerThreadCounts, python, SHARED } from './peer'

export const PEER_NAMES: Record<SeedModelKind, string> = { mlp: 'mlp', lstm: 'lstm', 'stateful-lstm': 'stateful', 'stateful-lstm-2f': 'stateful2' }

export interface SeedRow {
  readonly model: string
  readonly epochsTo100: number | null
  readonly epochsRun: number
  readonly trainS: number
  readonly msPerEpoch: number
  readonly oneStep: number
  readonly fullSong: number
}

export interface GenerationTiming {
  /** Milliseconds for the 50-note full-song prediction of a model just loaded from disk. */
  readonly fastMs: number
  readonly tfjsMs: number
}

export function nabiyaNotes() {
  return parseNoteCodes(readFileSync(join(SHARED, 'songs/nabiya.codes'), 'utf8'))
}

export async function trainSeedModels(
  kinds: readonly SeedModelKind[],
  maxEpochs: number,
  checkEvery: number,
  fastPath: FastPathSetting
): Promise<{ rows: SeedRow[]; path: string; generation: GenerationTiming | undefined }> {
  const rows: SeedRow[] = []
  let path = ''
  let generation: GenerationTiming | undefined
  for (const kind of kinds) {
    const setup = prepareSongTraining(nabiyaNotes(), kind, { epochs: maxEpochs })
    const { outcome, check, model } = await trainOnSong(setup, { untilPerfect: true, checkEvery, fastPath })
    path = outcome.path.reason
    try {
      if (kind === 'stateful-lstm') generation = await timeGeneration(model, setup)
    } finally {
      disposeModel(model)
    }
    const row: SeedRow = {
      model: kind,
      epochsTo100: outcome.perfectAtEpoch ?? null,
      epochsRun: outcome.epochsRun,
      trainS: outcome.trainMs / 1000,
      msPerEpoch: outcome.trainMs / outcome.epochsRun,
      oneStep: check.oneStep.accuracy,
      fullSong: check.fullSong.accuracy
    }
    console.error(`  ${kind}: ${row.epochsTo100 ?? `${row.epochsRun} (limit)`} epochs, ${row.msPerEpoch.toFixed(1)} ms/epoch, ${row.trainS.toFixed(2)} s`)
    rows.push(row)
  }
  return { rows, path, generation }
}

/** Saves the model, loads it back as the studio does, and times a 50-note full-song prediction. */
async function timeGeneration(
  model: Parameters<typeof saveTrainedModel>[1],
  setup: ReturnType<typeof prepareSongTraining>
): Promise<GenerationTiming> {
  const folder = await mkdtemp(join(tmpdir(), 'bench-generate-'))
  try {
    await saveTrainedModel(folder, model, { spec: setup.spec, vocabulary: setup.vocabulary, song: setup.song })
    const loaded = await loadTrainedModel(folder)
    const time = (fastPath: FastPathSetting) => {
      const started = performance.now()
      predictFullSong(loaded.model, loaded.info.spec, loaded.info.song, setup.encoding, fastPath)
      return performance.now() - started
    }
    const timing = { fastMs: time('auto'), tfjsMs: time('off') }
    disposeModel(loaded.model)
    return timing
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** A peer row with the thread count it ran at and its ms per epoch at each count tried. */
export interface SeedPeerRow extends SeedRow {
  readonly threads: number
  readonly msPerEpochByThreads: Record<string, number>
}

/** The peer run at one thread and at every core; for each model, the run with the fewer ms per epoch is kept. */
export function runSeedPeer(kinds: readonly SeedModelKind[], maxEpochs: number, checkEvery: number): { rows: SeedPeerRow[]; note: string } {
  const script = join(SHARED, 'bench/torch_reference.py')
  if (!existsSync(script)) return { rows: [], note: `peer not run: ${script} is missing` }
  const models = kinds.map((k) => PEER_NAMES[k]).join(',')
  const runs = new Map<number, SeedRow[]>()
  let failure = ''
  for (const threads of peerThreadCounts()) {
    console.error(`running the PyTorch peer ${script}: ${models}, ${threads} thread(s)…`)
    const run = spawnSync(python(), [script, '--models', models, '--max-epochs', String(maxEpochs), '--eval-every', String(checkEvery), '--threads', String(threads)], {
      encoding: 'utf8',
      env: peerEnv(threads)
    })
    if (run.status !== 0) {
      failure = `peer failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}`
      continue
    }
    runs.set(threads, run.stdout.trim().split('\n').map((line) => readPeerRow(JSON.parse(line) as Record<string, number | string | null>)))
  }
  const rows: SeedPeerRow[] = []
  for (const kind of kinds) {
    const tried = [...runs].flatMap(([threads, found]) => found.filter((r) => r.model === PEER_NAMES[kind]).map((row) => ({ threads, row })))
    const best = tried.reduce<(typeof tried)[number] | undefined>((a, b) => (!a || b.row.msPerEpoch < a.row.msPerEpoch ? b : a), undefined)
    if (!best) continue
    rows.push({ ...best.row, threads: best.threads, msPerEpochByThreads: Object.fromEntries(tried.map((t) => [String(t.threads), t.row.msPerEpoch])) })
  }
  return { rows, note: rows.length ? 'PyTorch at its faster of 1 thread and every core' : failure }
}

function readPeerRow(r: Record<string, number | string | null>): SeedRow {
  return {
    model: String(r['model']),
    epochsTo100: (r['epochs_to_100'] as number | null) ?? null,
    epochsRun: Number(r['epochs_run']),
    trainS: Number(r['train_s']),
    msPerEpoch: Number(r['ms_per_epoch']),
    oneStep: Number(r['one_step_acc']),
    fullSong: Number(r['full_song_acc'])
  }
}
