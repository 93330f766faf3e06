// Draws resources/icon.png (512×512): a white eighth note on a rounded indigo square. Kept as
// code, not a downloaded image, so the icon is reproducible; electron-builder makes the .ico,
// .icns and Linux sizes from this one PNG. Run `node scripts/make-icon.mjs` after changing it.
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const SIZE = 512

/** Coverage (0..1) of pixel (x, y) by the note: a tilted oval head, a stem and a flag. */
function noteCoverage(x, y) {
  // Head: an ellipse tilted by -20°, centred low-left.
  const [hx, hy, angle] = [205, 360, (-20 * Math.PI) / 180]
  const dx = x - hx
  const dy = y - hy
  const u = dx * Math.cos(angle) - dy * Math.sin(angle)
  const v = dx * Math.sin(angle) + dy * Math.cos(angle)
  const head = (u / 62) ** 2 + (v / 44) ** 2 <= 1
  // Stem: from the head's right side up.
  const stem = x >= 252 && x <= 270 && y >= 110 && y <= 350
  // Flag: a band curving down and right from the stem's top.
  const t = (y - 110) / 150
  const flagCentre = 270 + 80 * Math.sin(Math.min(Math.max(t, 0), 1) * Math.PI * 0.9)
  const flag = y >= 110 && y <= 270 && x >= 262 && x <= flagCentre + 12 && x >= flagCentre - 40 + 40 * t
  return head || stem || flag ? 1 : 0
}

/** Inside the background's rounded square (radius 96, 24 px margin)? */
function inBackground(x, y) {
  const [min, max, radius] = [24, SIZE - 24, 96]
  const cx = Math.min(Math.max(x, min + radius), max - radius)
  const cy = Math.min(Math.max(y, min + radius), max - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2 && x >= min && x <= max && y >= min && y <= max
}

// RGBA rows, each with its PNG filter byte (0: none); 4×4 supersampling smooths the edges.
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1))
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    let background = 0
    let note = 0
    for (let sy = 0; sy < 4; sy++) {
      for (let sx = 0; sx < 4; sx++) {
        const px = x + (sx + 0.5) / 4
        const py = y + (sy + 0.5) / 4
        if (inBackground(px, py)) {
          background++
          note += noteCoverage(px, py)
        }
      }
    }
    const offset = y * (SIZE * 4 + 1) + 1 + x * 4
    const white = note / 16
    const indigo = [63, 81, 181]
    rows[offset] = Math.round(indigo[0] * (1 - white) + 255 * white)
    rows[offset + 1] = Math.round(indigo[1] * (1 - white) + 255 * white)
    rows[offset + 2] = Math.round(indigo[2] * (1 - white) + 255 * white)
    rows[offset + 3] = Math.round((255 * background) / 16)
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes) {
  let c = 0xffffffff
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}
const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header.set([8, 6, 0, 0, 0], 8) // 8 bits, RGBA, deflate, no filter method, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0))
])
writeFileSync(new URL('../resources/icon.png', import.meta.url), png)
console.log(`resources/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`)
