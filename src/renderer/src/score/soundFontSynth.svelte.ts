// The General MIDI synthesiser the scores play through: spessasynth (spessasynth_core in an
// AudioWorklet) with the sound font the app ships. Both the worklet's module and the sound font are
// files of the renderer's own build (Vite's `?url`: out/renderer/assets), so playback fetches
// nothing from the network, and the worklet loads under `script-src 'self'` (a worklet's module is
// a script of the page's origin: the CSP needs no worker-src or blob:). spessasynth compiles its
// SF3 decoder, WebAssembly, before it plays even an SF2: the CSP allows 'wasm-unsafe-eval' for that.
import type { WorkletSynthesizer } from 'spessasynth_lib'
import processorUrl from 'spessasynth_lib/dist/spessasynth_processor.min.js?url'
import soundFontUrl from '../../../../resources/soundfont/melody-studio.sf2?url'
import { INSTRUMENTS, METRONOME_PROGRAM, type InstrumentId } from '../../../shared/instruments'

export { soundFontUrl }

/** off: never started; loading: fetching the worklet and the sound font; ready; failed: no AudioWorklet, or a file did not load. */
export type SoundFontState = 'off' | 'loading' | 'ready' | 'failed'

/** The melody's channel; the click has its own, so an instrument change never changes the click. */
const MELODY_CHANNEL = 0
const CLICK_CHANNEL = 1
/** Woodblock notes: higher on the bar's first beat. */
const CLICK_STRONG_PITCH = 84
const CLICK_WEAK_PITCH = 77
const CLICK_SECONDS = 0.08

/**
 * One synthesiser for the page, made on the first play (browsers start audio only in a click or a
 * key press, and a 10 MB sound font is not worth loading before someone plays).
 */
class SoundFontSynth {
  state = $state<SoundFontState>('off')
  /** Why it failed, for the page to say (English: the browser's own words). */
  failure = $state('')
  #context: AudioContext | undefined
  #volume: GainNode | undefined
  #synth: WorkletSynthesizer | undefined
  #loading: Promise<boolean> | undefined
  #instrument: InstrumentId | undefined

  /**
   * Starts audio; call it in the click or key press that plays. Resolves true once the sound font
   * plays, false where it cannot (the caller falls back to the simple tone synthesiser).
   */
  start(): Promise<boolean> {
    if (typeof AudioContext === 'undefined') return Promise.resolve(false)
    // Made and resumed before any await: only then does it count as started by the gesture.
    this.#context ??= new AudioContext()
    void this.#context.resume()
    this.#loading ??= this.#load(this.#context)
    return this.#loading
  }

  async #load(context: AudioContext): Promise<boolean> {
    this.state = 'loading'
    try {
      if (!context.audioWorklet) throw new Error('this browser has no AudioWorklet')
      // The library loads on the first play only: the page's start does not wait for it.
      const [{ WorkletSynthesizer }, soundFont] = await Promise.all([
        import('spessasynth_lib'),
        readBytes(soundFontUrl),
        context.audioWorklet.addModule(processorUrl)
      ])
      const synth = new WorkletSynthesizer(context)
      const volume = context.createGain()
      synth.connect(volume)
      volume.connect(context.destination)
      await synth.soundBankManager.addSoundBank(soundFont, 'main')
      await synth.isReady
      synth.programChange(CLICK_CHANNEL, METRONOME_PROGRAM)
      this.#synth = synth
      this.#volume = volume
      this.state = 'ready'
      return true
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error)
      this.state = 'failed'
      return false
    }
  }

  /** The audio clock, in seconds (what the synthesiser schedules by). */
  get currentTime(): number {
    return this.#context?.currentTime ?? 0
  }

  /** Voices sounding now, as the worklet last reported them. */
  get voiceCount(): number {
    return this.#synth?.voiceCount ?? 0
  }

  setInstrument(instrument: InstrumentId): void {
    if (!this.#synth || this.#instrument === instrument) return
    this.#synth.programChange(MELODY_CHANNEL, INSTRUMENTS[instrument].gmProgram)
    this.#instrument = instrument
  }

  /** 0 to 1. */
  setVolume(volume: number): void {
    if (this.#volume && this.#context) this.#volume.gain.setTargetAtTime(volume, this.#context.currentTime, 0.01)
  }

  /** A note now, released after `seconds` (the release is scheduled in the worklet, on the audio clock). */
  note(pitch: number, seconds: number, velocity = 96): boolean {
    const synth = this.#synth
    if (!synth) return false
    synth.noteOn(MELODY_CHANNEL, pitch, velocity)
    synth.noteOff(MELODY_CHANNEL, pitch, { time: synth.currentTime + seconds })
    return true
  }

  click(strong: boolean): void {
    const synth = this.#synth
    if (!synth) return
    const pitch = strong ? CLICK_STRONG_PITCH : CLICK_WEAK_PITCH
    synth.noteOn(CLICK_CHANNEL, pitch, strong ? 127 : 90)
    synth.noteOff(CLICK_CHANNEL, pitch, { time: synth.currentTime + CLICK_SECONDS })
  }

  /** Every note off at once (stop). */
  silence(): void {
    this.#synth?.stopAll()
  }
}

/**
 * A file of the app as bytes. The desktop app loads its page from file://, where fetch() refuses
 * the scheme but XMLHttpRequest reads the file; the web studio serves it over http, where fetch works.
 */
async function readBytes(url: string): Promise<ArrayBuffer> {
  if (new URL(url, document.baseURI).protocol !== 'file:') {
    const response = await fetch(url)
    if (!response.ok) throw new Error(`the sound font did not load (${response.status})`)
    return response.arrayBuffer()
  }
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('GET', url)
    request.responseType = 'arraybuffer'
    request.onload = () => (request.response instanceof ArrayBuffer ? resolve(request.response) : reject(new Error('the sound font did not load')))
    request.onerror = () => reject(new Error('the sound font did not load'))
    request.send()
  })
}

export const soundFontSynth = new SoundFontSynth()
