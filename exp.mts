import { readFileSync, writeFileSync } from 'node:fs'
import { abcToMelodies } from './src/engine/notation/abcIn'
import { melodyToSvg } from './src/render/sheetMusic'
const m = abcToMelodies(readFileSync('../shared/songs/nabiya.abc', 'utf8')).tunes[0]!.melody!
const svg = melodyToSvg(m)
writeFileSync('/tmp/nabiya.svg', svg)
console.log(svg.length, (svg.match(/abcjs-note /g) ?? []).length, (svg.match(/class="abcjs-note/g) ?? []).length, typeof (globalThis as any).window)
