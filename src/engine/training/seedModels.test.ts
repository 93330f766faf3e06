// The seed tutorial's outcome, retrained: the two stateful models reach 100 % one-step and
// full-song on 나비야; the MLP and the stateless LSTM cannot pass 49/50 one-step there.
import { beforeAll, describe, expect, it } from 'vitest'
import { chooseBackend, type BackendChoice } from '../backend/chooseBackend'
import { disposeModel } from '../models/build'
import { prepareSongTraining, trainOnSong } from '../songTraining'
import { nabiyaNotes } from '../testing/seedSong'
import type { SongPredictions } from './trainer'

let backend: BackendChoice
beforeAll(async () => {
  backend = await chooseBackend({ env: process.env })
})

describe.each(['stateful-lstm', 'stateful-lstm-2f'] as const)('%s on 나비야, seed 5', (kind) => {
  it('reaches 100 % one-step and 100 % full-song', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), kind, { epochs: 1000, seed: 5 })
    const { outcome, check, model } = await trainOnSong(setup, { untilPerfect: true, checkEvery: 10 })
    disposeModel(model)
    console.log(`${kind} on ${backend.name}: 100 % at epoch ${outcome.perfectAtEpoch}, ${(outcome.trainMs / outcome.epochsRun).toFixed(0)} ms/epoch`)
    expect(outcome.perfectAtEpoch).toBeDefined()
    expect(check.oneStep.accuracy).toBe(1)
    expect(check.fullSong.accuracy).toBe(1)
    expect(check.fullSong.wrong).toEqual([])
    expect(check.fullSong.indices).toEqual(setup.song)
  })
})

describe.each([
  ['mlp', 2000],
  ['lstm', 400]
] as const)('%s on 나비야', (kind, epochs) => {
  it('never passes 49/50 one-step, and a full song derails after its first mistake', async () => {
    const setup = prepareSongTraining(nabiyaNotes(), kind, { epochs, seed: 5 })
    const checks: SongPredictions[] = []
    const { check, model } = await trainOnSong(setup, { untilPerfect: true, checkEvery: 50, onCheck: (c) => checks.push(c) })
    disposeModel(model)
    checks.push(check)
    const best = Math.max(...checks.map((c) => c.oneStep.accuracy))
    console.log(`${kind}: best one-step ${Math.round(best * 50)}/50 over ${checks.length} checks; last full-song ${Math.round(check.fullSong.accuracy * 50)}/50`)
    expect(best).toBeLessThanOrEqual(49 / 50)
    // Whichever of the two e8 e8 e8 e8 windows it gets wrong, it gets one of them wrong.
    const e8Windows = [38, 39] // song positions of the notes that follow e8 e8 e8 e8
    expect(check.oneStep.wrong.some((position) => e8Windows.includes(position))).toBe(true)
    expect(check.fullSong.accuracy).toBeLessThan(1)
  })
})
