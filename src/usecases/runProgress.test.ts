// The progress throttle with a clock the test moves: epochs batched per PROGRESS_EVERY_MS, every
// epoch delivered in order, the first and the last sent at once, `flush` sending what is held.
import { describe, expect, it } from 'vitest'
import type { EpochProgress } from '../engine/training/trainer'
import type { TrainingProgress } from '../shared/studioApi'
import { PROGRESS_EVERY_MS, progressThrottle } from './runProgress'

const RUN = 'run-throttle'

function epoch(n: number, epochs: number, extra: Partial<EpochProgress> = {}): EpochProgress {
  return { epoch: n, epochs, loss: 1 / n, accuracy: n / epochs, elapsedMs: n * 10, etaMs: (epochs - n) * 10, samplesPerSecond: 500 + n, ...extra }
}

/** A throttle whose clock reads `time`, and every event it sent. */
function throttled() {
  const clock = { time: 1_000 }
  const sent: TrainingProgress[] = []
  const throttle = progressThrottle(RUN, (progress) => sent.push(progress), () => clock.time)
  return { clock, sent, throttle }
}

const epochsOf = (progress: TrainingProgress | undefined) => progress?.points.map((point) => point.epoch)

describe('progressThrottle', () => {
  it('sends the first epoch at once, carrying that one epoch', () => {
    const { sent, throttle } = throttled()
    throttle.epochEnded(epoch(1, 10))
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ runId: RUN, epoch: 1, epochs: 10 })
    expect(epochsOf(sent[0])).toEqual([1])
  })

  it('batches the epochs within PROGRESS_EVERY_MS into one event carrying every point in order', () => {
    const { clock, sent, throttle } = throttled()
    throttle.epochEnded(epoch(1, 100))
    // Epochs 2–5 within the window: held back.
    for (const n of [2, 3, 4, 5]) {
      clock.time += 20
      throttle.epochEnded(epoch(n, 100))
    }
    expect(sent).toHaveLength(1)
    // 99 ms after the last send: still held back (the window is measured from the last send).
    clock.time = 1_000 + PROGRESS_EVERY_MS - 1
    throttle.epochEnded(epoch(6, 100))
    expect(sent).toHaveLength(1)
    // The window over: one event with every held epoch, this one last, its figures the latest's.
    clock.time = 1_000 + PROGRESS_EVERY_MS
    throttle.epochEnded(epoch(7, 100))
    expect(sent).toHaveLength(2)
    expect(epochsOf(sent[1])).toEqual([2, 3, 4, 5, 6, 7])
    expect(sent[1]).toMatchObject({ runId: RUN, epoch: 7, epochs: 100, loss: 1 / 7, samplesPerSecond: 507 })
    expect(sent[1]?.points.map((point) => point.loss)).toEqual([2, 3, 4, 5, 6, 7].map((n) => 1 / n))
    // The next window is measured from this send, not from the first.
    clock.time += PROGRESS_EVERY_MS - 1
    throttle.epochEnded(epoch(8, 100))
    expect(sent).toHaveLength(2)
    clock.time += 1
    throttle.epochEnded(epoch(9, 100))
    expect(epochsOf(sent[2])).toEqual([8, 9])
  })

  it('sends the last epoch (epoch === epochs) at once, with what was held before it', () => {
    const { clock, sent, throttle } = throttled()
    throttle.epochEnded(epoch(1, 3))
    clock.time += 1
    throttle.epochEnded(epoch(2, 3))
    clock.time += 1
    throttle.epochEnded(epoch(3, 3))
    expect(sent.map(epochsOf)).toEqual([[1], [2, 3]])
    expect(sent[1]).toMatchObject({ epoch: 3, epochs: 3 })
    // Nothing is left to flush.
    throttle.flush()
    expect(sent).toHaveLength(2)
  })

  it('flush sends what was held back (a run that ended early), and nothing when nothing is', () => {
    const { clock, sent, throttle } = throttled()
    // Nothing yet: no event, not even an empty one.
    throttle.flush()
    expect(sent).toEqual([])
    throttle.epochEnded(epoch(1, 50, { loss: 0.9 }))
    throttle.flush()
    expect(sent).toHaveLength(1)
    clock.time += 10
    throttle.epochEnded(epoch(2, 50))
    clock.time += 10
    throttle.epochEnded(epoch(3, 50, { loss: 0.3 }))
    expect(sent).toHaveLength(1)
    throttle.flush()
    expect(sent).toHaveLength(2)
    expect(epochsOf(sent[1])).toEqual([2, 3])
    expect(sent[1]).toMatchObject({ runId: RUN, epoch: 3, epochs: 50, loss: 0.3 })
    // Flushed once, it sends nothing again.
    throttle.flush()
    expect(sent).toHaveLength(2)
  })

  it('puts only epoch, loss, accuracy and the validation and learning-rate figures present in the points', () => {
    const { clock, sent, throttle } = throttled()
    throttle.epochEnded(epoch(1, 4))
    clock.time += PROGRESS_EVERY_MS
    throttle.epochEnded(epoch(2, 4, { valLoss: 1.5, valAccuracy: 0.25, learningRate: 0.001 }))
    clock.time += PROGRESS_EVERY_MS
    throttle.epochEnded(epoch(3, 4, { valLoss: 1.25 }))
    clock.time += PROGRESS_EVERY_MS
    throttle.epochEnded(epoch(4, 4, { learningRate: 0 }))
    // toStrictEqual: no elapsedMs, etaMs or samplesPerSecond, and no undefined keys for absent figures.
    expect(sent.flatMap((progress) => progress.points)).toStrictEqual([
      { epoch: 1, loss: 1, accuracy: 0.25 },
      { epoch: 2, loss: 0.5, accuracy: 0.5, valLoss: 1.5, valAccuracy: 0.25, learningRate: 0.001 },
      { epoch: 3, loss: 1 / 3, accuracy: 0.75, valLoss: 1.25 },
      // A learning rate of 0 is a figure, not an absent one.
      { epoch: 4, loss: 0.25, accuracy: 1, learningRate: 0 }
    ])
    // The event itself carries the trainer's progress (speed, time left) beside the points.
    expect(sent[1]).toMatchObject({ elapsedMs: 20, etaMs: 20, samplesPerSecond: 502, valLoss: 1.5 })
  })

  it('keeps the events of two runs apart: each throttle sends its own run id and its own points', () => {
    const clock = { time: 0 }
    const sent: TrainingProgress[] = []
    const a = progressThrottle('run-a', (progress) => sent.push(progress), () => clock.time)
    const b = progressThrottle('run-b', (progress) => sent.push(progress), () => clock.time)
    a.epochEnded(epoch(1, 5))
    b.epochEnded(epoch(1, 5))
    clock.time += 1
    a.epochEnded(epoch(2, 5))
    b.flush()
    a.flush()
    expect(sent.map((progress) => [progress.runId, epochsOf(progress)])).toEqual([
      ['run-a', [1]],
      ['run-b', [1]],
      ['run-a', [2]]
    ])
  })
})
