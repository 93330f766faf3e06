// Audio from melodies: offline rendering with the sound font, and the WAV and MP3 encoders.
export { loadSoundFont, missingInstruments, type SoundFont } from './soundFont'
export { renderMelodyAudio, DEFAULT_SAMPLE_RATE, type RenderOptions, type RenderedAudio } from './renderMelody'
export { encodeWav } from './wav'
export { encodeMp3 } from './mp3'
