// Audio figures (issue 17): how fast the engine renders a melody offline with the shipped sound
// font, and encodes it, as seconds of audio per second of CPU (above 1: faster than real time).
// CPU time, not wall time, so that other work on a shared machine slows the figure less.
import { readFileSync } from 'node:fs'
import { encodeMp3, encodeWav, renderMelodyAudio } from '../src/engine/audio'
import { importSong } from '../src/engine/notation/songFiles'
import { INSTRUMENT_IDS, type InstrumentId } from '../src/shared/instruments'
import { shippedSoundFont } from '../src/usecases/exportAudio'
import { sharedPath } from '../src/engine/testing/seedSong'

export interface AudioFigures {
  readonly instrument: InstrumentId
  readonly audioSeconds: number
  readonly renderAudioPerCpuSecond: number
  readonly wavAudioPerCpuSecond: number
  readonly mp3AudioPerCpuSecond: number
}

function cpuSecondsOf(work: () => void): number {
  const before = process.cpuUsage()
  work()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1e6
}

/** 나비야 (19.2 s at ♩=100) rendered `repeats` times by each instrument; the best repeat counts. */
export async function measureAudio(repeats = 3): Promise<AudioFigures[]> {
  const melody = importSong(readFileSync(sharedPath('songs/nabiya.abc')), 'abc').melody
  const soundFont = shippedSoundFont()
  const figures: AudioFigures[] = []
  for (const instrument of INSTRUMENT_IDS) {
    let best = { render: Infinity, wav: Infinity, mp3: Infinity, seconds: 0 }
    for (let i = 0; i < repeats; i++) {
      const before = process.cpuUsage()
      const audio = await renderMelodyAudio(melody, { instrument, soundFont })
      const used = process.cpuUsage(before)
      const render = (used.user + used.system) / 1e6
      const wav = cpuSecondsOf(() => encodeWav(audio.left, audio.right, audio.sampleRate))
      const mp3 = cpuSecondsOf(() => encodeMp3(audio.left, audio.right, audio.sampleRate))
      best = { render: Math.min(best.render, render), wav: Math.min(best.wav, wav), mp3: Math.min(best.mp3, mp3), seconds: audio.left.length / audio.sampleRate }
    }
    figures.push({
      instrument,
      audioSeconds: best.seconds,
      renderAudioPerCpuSecond: best.seconds / best.render,
      wavAudioPerCpuSecond: best.seconds / best.wav,
      mp3AudioPerCpuSecond: best.seconds / best.mp3
    })
  }
  return figures
}
