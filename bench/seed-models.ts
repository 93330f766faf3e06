// `npm run bench`: the seed's four models on 나비야, trained to 100 % one-step and full-song (or
// to their epoch limit), beside the PyTorch peer ../shared/bench/torch_reference.py run in the
// same command on the same machine.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  chooseBackend,
  describeBackendChoice,
  disposeModel,
  MODEL_KINDS,
  parseNoteCodes,
  prepareSongTraining,
  trainOnSong,
  type ModelKind
} from '../src/engine'

const here = dirname(fileURLToPath(import.meta.url))
const shared = resolve(here, '../../shared')
const peerScript = resolve(shared, 'bench/torch_reference.py')
const PEER_NAMES: Record<ModelKind, string> = { mlp: 'mlp', lstm: 'lstm', 'stateful-lstm': 'stateful', 'stateful-lstm-2f': 'stateful2' }

interface Row {
  model: string
  epochsTo100: number | null
  epochsRun: number
  trainS: number
  msPerEpoch: number
  oneStep: number
  fullSong: number
}

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: MODEL_KINDS.join(',') },
    'max-epochs': { type: 'string', default: '2000' },
    'check-every': { type: 'string', default: '10' },
    backend: { type: 'string' },
    'no-peer': { type: 'boolean' }
  }
})
const kinds = (values.models ?? '').split(',').filter((k): k is ModelKind => (MODEL_KINDS as readonly string[]).includes(k))
const maxEpochs = Number(values['max-epochs'])
const checkEvery = Number(values['check-every'])

function runPeer(): { rows: Row[]; note: string } {
  if (values['no-peer']) return { rows: [], note: 'peer not run (--no-peer)' }
  if (!existsSync(peerScript)) return { rows: [], note: `peer not run: ${peerScript} is missing` }
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' })
  if (probe.status !== 0) {
    return { rows: [], note: `peer not run: ${python} cannot import torch (apt-get install python3-torch)` }
  }
  const models = kinds.map((k) => PEER_NAMES[k]).join(',')
  console.error(`running the PyTorch peer (torch ${probe.stdout.trim()}, 1 thread): ${models}…`)
  const run = spawnSync(python, [peerScript, '--models', models, '--max-epochs', String(maxEpochs), '--eval-every', String(checkEvery)], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONUNBUFFERED: '1' }
  })
  if (run.status !== 0) return { rows: [], note: `peer failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}` }
  const rows = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, number | string | null>)
    .map((r) => ({
      model: String(r['model']),
      epochsTo100: (r['epochs_to_100'] as number | null) ?? null,
      epochsRun: Number(r['epochs_run']),
      trainS: Number(r['train_s']),
      msPerEpoch: Number(r['ms_per_epoch']),
      oneStep: Number(r['one_step_acc']),
      fullSong: Number(r['full_song_acc'])
    }))
  return { rows, note: `peer: PyTorch ${probe.stdout.trim()} on the CPU, 1 thread` }
}

async function runOurs(): Promise<Row[]> {
  const backend = await chooseBackend({ force: values.backend, env: process.env })
  console.error(describeBackendChoice(backend))
  const notes = parseNoteCodes(readFileSync(resolve(shared, 'songs/nabiya.codes'), 'utf8'))
  const rows: Row[] = []
  for (const kind of kinds) {
    const setup = prepareSongTraining(notes, kind, { epochs: maxEpochs })
    const { outcome, check, model } = await trainOnSong(setup, { untilPerfect: true, checkEvery })
    disposeModel(model)
    const row = {
      model: kind,
      epochsTo100: outcome.perfectAtEpoch ?? null,
      epochsRun: outcome.epochsRun,
      trainS: outcome.trainMs / 1000,
      msPerEpoch: outcome.trainMs / outcome.epochsRun,
      oneStep: check.oneStep.accuracy,
      fullSong: check.fullSong.accuracy
    }
    console.error(`  ${kind}: ${row.epochsRun} epochs, ${row.msPerEpoch.toFixed(1)} ms/epoch`)
    rows.push(row)
  }
  console.error(`resident memory at the end: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`)
  return rows
}

const percent = (x: number) => `${(x * 100).toFixed(0)}%`
const ours = await runOurs()
const peer = runPeer()
console.log(`\nnabiya, window 4, until 100 % one-step and full-song (checked every ${checkEvery} epochs) or ${maxEpochs} epochs`)
console.log(peer.note)
console.log(
  ['model', 'epochs', 'ms/epoch', 'time', 'one-step', 'full-song', '| peer epochs', 'ms/epoch', 'time', 'one-step', 'full-song', '| time ratio'].join('\t')
)
for (const row of ours) {
  const p = peer.rows.find((r) => r.model === PEER_NAMES[row.model as ModelKind])
  const cells = [
    row.model,
    row.epochsTo100 ?? `${row.epochsRun}*`,
    row.msPerEpoch.toFixed(1),
    `${row.trainS.toFixed(1)} s`,
    percent(row.oneStep),
    percent(row.fullSong),
    p ? `| ${p.epochsTo100 ?? `${p.epochsRun}*`}` : '| —',
    p ? p.msPerEpoch.toFixed(1) : '—',
    p ? `${p.trainS.toFixed(1)} s` : '—',
    p ? percent(p.oneStep) : '—',
    p ? percent(p.fullSong) : '—',
    p ? `| ${(row.trainS / p.trainS).toFixed(2)}×` : '| —'
  ]
  console.log(cells.join('\t'))
}
console.log('* = never reached 100 % one-step and full-song: ran to the epoch limit')
console.log(JSON.stringify({ ours, peer: peer.rows }))
