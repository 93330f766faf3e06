// Test helper: TensorBoard event files read back by an independent reader, TensorFlow's published
// event.proto compiled by protoc and decoded by python3-protobuf (readTensorboardEvents.py).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const HERE = import.meta.dirname
const PROTO_ROOT = join(HERE, 'tensorboardProto')
const PROTO_FOLDER = join('tensorboard', 'compat', 'proto')
const READER = join(HERE, 'readTensorboardEvents.py')
/** Debian's Python, where python3-protobuf and python3-crcmod install (a pyenv python3 on PATH has neither). */
const PYTHON = '/usr/bin/python3'
const INSTALL = 'install protobuf-compiler python3-protobuf python3-crcmod (apt-get install -y protobuf-compiler python3-protobuf python3-crcmod; CI installs them)'

export interface ReadEvent {
  readonly wall_time: number
  readonly step: number
  /** Which field of Event's `what` oneof is set: 'file_version', 'summary', … */
  readonly what: string | null
  readonly file_version: string
  /** tag → simple_value */
  readonly values: Record<string, number>
  /** tag → which field of Summary.Value's `value` oneof is set */
  readonly kinds: Record<string, string | null>
  /** protoc's serializer makes the same bytes from the decoded Event. */
  readonly reencodes_identically: boolean
}

/** Compiles TensorFlow's .proto files into a temp folder of Python modules; call `remove` when done. */
export function compileEventProtos(): { readonly folder: string; remove(): void } {
  const protoc = spawnSync('protoc', ['--version'], { encoding: 'utf8' })
  if (protoc.error || protoc.status !== 0) throw new Error(`protoc is missing: ${INSTALL}`)
  const modules = spawnSync(PYTHON, ['-c', 'import google.protobuf, crcmod.predefined'], { encoding: 'utf8' })
  if (modules.error || modules.status !== 0) throw new Error(`${PYTHON} cannot import google.protobuf and crcmod: ${INSTALL}\n${modules.stderr ?? ''}`)
  const folder = mkdtempSync(join(tmpdir(), 'studio-tb-proto-'))
  try {
    const protos = readdirSync(join(PROTO_ROOT, PROTO_FOLDER)).filter((name) => name.endsWith('.proto'))
    execFileSync('protoc', [`-I${PROTO_ROOT}`, `--python_out=${folder}`, ...protos.map((name) => join(PROTO_ROOT, PROTO_FOLDER, name))])
    // Regular packages, so ours wins over any installed `tensorboard` package.
    for (let depth = 1; depth <= 3; depth++) {
      const packageFolder = join(folder, ...PROTO_FOLDER.split(/[\\/]/).slice(0, depth))
      mkdirSync(packageFolder, { recursive: true })
      writeFileSync(join(packageFolder, '__init__.py'), '')
    }
  } catch (error) {
    rmSync(folder, { recursive: true, force: true })
    throw error
  }
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) }
}

/** The reader's result, or its complaint (a CRC or framing error) as `error`. */
export function readEventFiles(protoModules: string, paths: readonly string[]): { events?: Record<string, ReadEvent[]>; error?: string } {
  const run = spawnSync(PYTHON, [READER, protoModules, ...paths], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  if (run.error) throw run.error
  if (run.status !== 0) return { error: run.stderr }
  return { events: JSON.parse(run.stdout) as Record<string, ReadEvent[]> }
}
