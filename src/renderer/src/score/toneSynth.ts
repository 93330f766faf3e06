/**
 * The fallback synthesiser (where AudioWorklet is missing or the sound font does not load): a soft
 * triangle wave per note on the Web Audio API. It needs no sound font and fetches nothing.
 */
export class ToneSynth {
  private context: AudioContext | undefined

  /** Must be called from a user gesture the first time (browsers start audio only then). */
  resume(): void {
    this.context ??= new AudioContext()
    void this.context.resume()
  }

  play(pitch: number, durationMs: number, volume = 0.25): void {
    const context = this.context
    if (!context) return
    const start = context.currentTime
    const end = start + Math.max(durationMs, 30) / 1000
    const oscillator = context.createOscillator()
    const gain = context.createGain()
    oscillator.type = 'triangle'
    oscillator.frequency.value = 440 * 2 ** ((pitch - 69) / 12)
    gain.gain.setValueAtTime(0, start)
    gain.gain.linearRampToValueAtTime(volume, start + 0.01)
    gain.gain.setValueAtTime(volume, Math.max(start + 0.01, end - 0.05))
    gain.gain.linearRampToValueAtTime(0, end)
    oscillator.connect(gain).connect(context.destination)
    oscillator.start(start)
    oscillator.stop(end + 0.02)
  }
}
