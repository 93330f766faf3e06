// The relaxed-SIMD variant of kernels.wat: in the matrix products (and only there) every
// 4-lane accumulation `(f32x4.add (local.get $X) (f32x4.mul A B))` becomes the fused
// `(f32x4.relaxed_madd A B (local.get $X))`. Used by `npm run build:kernels` and by the tests
// that check the committed relaxed modules are what this rewrite assembles to. The LSTM cell
// and Adam code keep their separate multiply and add (their results are compared tightly).

/** The functions whose accumulations are fused: the matrix products and their blocks. */
export const GEMM_FUNCTIONS = [
  '(func (export "gemm")',
  '(func $block4x8',
  '(func $block1x16',
  '(func $blockScalar',
  '(func (export "gemmTransposedB")'
]

/** The index just past the s-expression opening at `start` (a '('), skipping `;;` comments. */
export function sexprEnd(text, start) {
  if (text[start] !== '(') throw new Error(`no s-expression at ${start}`)
  let depth = 0
  for (let at = start; at < text.length; at++) {
    const char = text[at]
    if (char === ';' && text[at + 1] === ';') {
      const newline = text.indexOf('\n', at)
      at = newline < 0 ? text.length : newline
    } else if (char === '"') {
      at = text.indexOf('"', at + 1)
      if (at < 0) break
    } else if (char === '(') {
      depth++
    } else if (char === ')') {
      depth--
      if (depth === 0) return at + 1
    }
  }
  throw new Error(`unbalanced s-expression at ${start}`)
}

/** The head and the child s-expressions of the s-expression `text` (null when anything else is in it). */
function children(text) {
  const head = /^\(([^\s()]+)/.exec(text)
  if (!head) return null
  const parts = []
  let at = head[0].length
  while (at < text.length - 1) {
    const char = text[at]
    if (/\s/.test(char)) at++
    else if (char === '(') {
      const end = sexprEnd(text, at)
      parts.push(text.slice(at, end))
      at = end
    } else return null
  }
  return { op: head[1], parts }
}

/** One function's text with its accumulations fused (recursively, innermost first). */
function fuse(text) {
  let out = ''
  let at = 0
  for (;;) {
    const next = text.indexOf('(f32x4.add', at)
    if (next < 0) return out + text.slice(at)
    const end = sexprEnd(text, next)
    const expr = text.slice(next, end)
    const add = children(expr)
    const mul = add && add.parts.length === 2 ? children(add.parts[1]) : null
    const accumulator = add?.parts[0]
    if (mul && mul.op === 'f32x4.mul' && mul.parts.length === 2 && /^\(local\.get \$[\w.]+\)$/.test(accumulator)) {
      out += text.slice(at, next) + `(f32x4.relaxed_madd ${fuse(mul.parts[0])} ${fuse(mul.parts[1])} ${accumulator})`
      at = end
    } else {
      out += text.slice(at, next + 1)
      at = next + 1
    }
  }
}

/** kernels.wat (or its shared-memory variant) with the products' accumulations fused. */
export function relaxedKernelsWat(wat) {
  let out = wat
  for (const header of GEMM_FUNCTIONS) {
    const start = out.indexOf(header)
    if (start < 0 || out.indexOf(header, start + 1) >= 0) throw new Error(`kernels.wat must define ${header} once`)
    const end = sexprEnd(out, start)
    out = out.slice(0, start) + fuse(out.slice(start, end)) + out.slice(end)
  }
  return out
}
