// Test helper: a PNG decoded by Python's zlib and struct (no image library), to check a picture
// is one and what its pixels hold: its size and how many are dark (text and lines) or light.
import { execFileSync } from 'node:child_process'

export interface PngReading {
  readonly width: number
  readonly height: number
  /** Pixels darker than mid grey, and lighter than near-white, of all `width × height`. */
  readonly dark: number
  readonly light: number
  readonly colours: number
}

const SCRIPT = `
import json, struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    if kind == b'IDAT': idat += body
    pos += 12 + length
width, height, depth, colour, _, _, interlace = ihdr
assert depth == 8 and interlace == 0 and colour in (0, 2, 4, 6), ihdr
channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
for y in range(height):
    start = y * (stride + 1)
    kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b = prev[i]
        c = prev[i - channels] if i >= channels else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
dark = light = 0
colours = set()
for line in rows:
    for x in range(width):
        px = line[x * channels:(x + 1) * channels]
        grey = sum(px[:3]) / 3 if channels >= 3 else px[0]
        colours.add(bytes(px))
        if grey < 128: dark += 1
        elif grey > 240: light += 1
print(json.dumps({'width': width, 'height': height, 'dark': dark, 'light': light, 'colours': len(colours)}))
`

/** Reads a PNG file's size and pixels with Python's standard library. */
export function readPng(path: string): PngReading {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT, path], { encoding: 'utf8' })) as PngReading
}
