import { readFileSync, writeFileSync } from 'node:fs'
import { abcToMelodies } from './src/engine/notation/abcIn'
import { midiToMelody, melodyToMidi } from './src/engine/notation/midi'
const abc = abcToMelodies(readFileSync('../shared/corpus/nottingham/abc/jigs.abc', 'utf8'))
const mel = abc.tunes[1]!.melody!
const bytes = melodyToMidi(mel); writeFileSync('/tmp/abacus.mid', bytes)
const back = midiToMelody(bytes).melody
console.log(JSON.stringify(back.notes) === JSON.stringify(mel.notes), back.tempo, back.meter, back.key, mel.key, back.title)
