/**
 * TensorBoard event files written by hand, so `tensorboard --logdir` shows our runs beside Keras's
 * without TensorFlow (tfjs-node is optional here and has no summary writer anyway).
 *
 * An event file is a TFRecord file: each record is
 *   uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes · the data · uint32 masked CRC-32C of the data
 * and each record's data is one `tensorboard.Event` protocol buffer (TensorFlow's
 * `tensorflow/core/util/event.proto`, the copy in tensorboard/compat/proto):
 *   Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; … } }
 *   Summary { repeated Value value = 1; }   Summary.Value { string tag = 1; oneof value { float simple_value = 2; … } }
 * The test reads our files back with those .proto files compiled by protoc (engine/testing/readTensorboardEvents.py).
 */
import { hostname } from 'node:os'
import { open, mkdir, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

// ── CRC-32C ───────────────────────────────────────────────────────────────────────────────────
/** Castagnoli's polynomial, bit-reversed (TFRecord uses CRC-32C, not zlib's CRC-32). */
const CASTAGNOLI_REFLECTED = 0x82f63b78

/** The byte-at-a-time table: entry n is the CRC of the byte n alone (before the final inversion). */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let crc = n
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1
    table[n] = crc >>> 0
  }
  return table
})()

/** CRC-32C of the bytes (the standard check value: "123456789" → 0xe3069283). */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  // every byte value has its entry: the `?? 0` is for the type checker only
  for (const byte of bytes) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** TFRecord's masked CRC: rotated and offset, because a CRC of data that holds CRCs is weak (TensorFlow's crc32c::Mask). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes)
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0
}

/** One TFRecord: the framing around one serialized Event. */
export function eventRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(8 + 4 + data.length + 4)
  const view = new DataView(record.buffer)
  view.setBigUint64(0, BigInt(data.length), true)
  view.setUint32(8, maskedCrc32c(record.subarray(0, 8)), true)
  record.set(data, 12)
  view.setUint32(12 + data.length, maskedCrc32c(data), true)
  return record
}

// ── The Event protocol buffer ─────────────────────────────────────────────────────────────────
/** Protocol buffer wire types. */
const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/** What the file's first record says: TensorBoard reads files whose first event is "brain.Event:…". */
export const EVENT_FILE_VERSION = 'brain.Event:2'

/** A scalar as Keras's TensorBoard callback logs one: a tag such as `epoch_loss` and its value. */
export interface Scalar {
  readonly tag: string
  readonly value: number
}

/** What one Event holds here: a file version (the first record) or scalars, at a step and a time. */
export interface EventFields {
  /** Seconds since 1970, with fractions. */
  readonly wallTime: number
  readonly step: number
  readonly fileVersion?: string
  readonly scalars?: readonly Scalar[]
}

/** Appends protocol buffer bytes; fields are written in field-number order, as protoc's serializer does. */
class ProtoBytes {
  private readonly parts: Uint8Array[] = []

  private varint(value: bigint): void {
    // int64 is written as its 64-bit two's complement, 7 bits a byte, low bits first
    let rest = BigInt.asUintN(64, value)
    const bytes: number[] = []
    do {
      const low = Number(rest & 0x7fn)
      rest >>= 7n
      bytes.push(rest > 0n ? low | 0x80 : low)
    } while (rest > 0n)
    this.parts.push(Uint8Array.from(bytes))
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType))
  }

  double(field: number, value: number): this {
    this.key(field, FIXED64)
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setFloat64(0, value, true)
    this.parts.push(bytes)
    return this
  }

  float(field: number, value: number): this {
    this.key(field, FIXED32)
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    this.parts.push(bytes)
    return this
  }

  int64(field: number, value: number): this {
    this.key(field, VARINT)
    this.varint(BigInt(value))
    return this
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED)
    this.varint(BigInt(value.length))
    this.parts.push(value)
    return this
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((sum, part) => sum + part.length, 0))
    let at = 0
    for (const part of this.parts) {
      out.set(part, at)
      at += part.length
    }
    return out
  }
}

/** Field numbers of event.proto and summary.proto (checked against TensorFlow's files by the test). */
const EVENT_WALL_TIME = 1
const EVENT_STEP = 2
const EVENT_FILE_VERSION_FIELD = 3
const EVENT_SUMMARY = 5
const SUMMARY_VALUE = 1
const VALUE_TAG = 1
const VALUE_SIMPLE_VALUE = 2

/**
 * One serialized `tensorboard.Event`. Proto3 leaves out fields at their default (a step of 0, an
 * empty tag), and so do we: the bytes are those protoc's own serializer makes for the same Event.
 */
export function encodeEvent(event: EventFields): Uint8Array {
  if (!Number.isSafeInteger(event.step)) throw new RangeError(`a TensorBoard step must be a whole number, got ${event.step}`)
  const proto = new ProtoBytes()
  if (event.wallTime !== 0) proto.double(EVENT_WALL_TIME, event.wallTime)
  if (event.step !== 0) proto.int64(EVENT_STEP, event.step)
  if (event.fileVersion !== undefined) proto.string(EVENT_FILE_VERSION_FIELD, event.fileVersion)
  if (event.scalars !== undefined) {
    const summary = new ProtoBytes()
    for (const scalar of event.scalars) {
      const value = new ProtoBytes()
      if (scalar.tag !== '') value.string(VALUE_TAG, scalar.tag)
      // simple_value is in a oneof: it is written even when 0
      value.float(VALUE_SIMPLE_VALUE, scalar.value)
      summary.bytes(SUMMARY_VALUE, value.finish())
    }
    proto.bytes(EVENT_SUMMARY, summary.finish())
  }
  return proto.finish()
}

// ── Event files ───────────────────────────────────────────────────────────────────────────────
/** TensorFlow numbers the event files a process opens, so two opened in the same second differ. */
let filesOpened = 0

/** The name TensorFlow's summary writer (tf.summary.create_file_writer) gives an event file. */
export function eventFileName(wallTimeSeconds: number, host: string, pid: number, counter: number): string {
  return `events.out.tfevents.${Math.floor(wallTimeSeconds)}.${host}.${pid}.${counter}.v2`
}

export interface TensorBoardWriterOptions {
  /** The clock for wall times, in milliseconds since 1970 (default Date.now; tests pass their own). */
  readonly now?: () => number
  /** The events file stops growing at this many bytes: a write that would pass it throws TensorBoardFileFullError. */
  readonly maxFileBytes: number
}

/** A write refused because the events file would pass its size limit. */
export class TensorBoardFileFullError extends Error {
  override name = 'TensorBoardFileFullError'
}

/**
 * One events file in one folder, written as TensorFlow's writer does: the file-version event
 * first, then one event per call. Each call is one write to the file, so a live tensorboard
 * reading along never waits on a buffer of ours (and sees whole records once it is done).
 */
export class TensorBoardWriter {
  private bytesWritten = 0

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly options: TensorBoardWriterOptions
  ) {}

  /** Makes the folder and a new events file in it, starting with the file-version event. */
  static async create(folder: string, options: TensorBoardWriterOptions): Promise<TensorBoardWriter> {
    const now = options.now ?? Date.now
    await mkdir(folder, { recursive: true })
    const path = join(folder, eventFileName(now() / 1000, hostname(), process.pid, filesOpened++))
    // 'wx': a new file, never someone else's with the same name
    const writer = new TensorBoardWriter(path, await open(path, 'wx'), options)
    try {
      await writer.write([{ wallTime: now() / 1000, step: 0, fileVersion: EVENT_FILE_VERSION }])
    } catch (error) {
      await writer.close().catch(() => undefined)
      throw error
    }
    return writer
  }

  /** The size of the file so far. */
  get size(): number {
    return this.bytesWritten
  }

  /** Appends one event with these scalars at this step. */
  writeScalars(step: number, scalars: readonly Scalar[]): Promise<void> {
    const now = this.options.now ?? Date.now
    return this.write([{ wallTime: now() / 1000, step, scalars }])
  }

  private async write(events: readonly EventFields[]): Promise<void> {
    const records = events.map((event) => eventRecord(encodeEvent(event)))
    const length = records.reduce((sum, record) => sum + record.length, 0)
    if (this.bytesWritten + length > this.options.maxFileBytes) {
      throw new TensorBoardFileFullError(`${this.path} would pass ${this.options.maxFileBytes} bytes (TENSORBOARD_MAX_FILE_BYTES)`)
    }
    const bytes = new Uint8Array(length)
    let at = 0
    for (const record of records) {
      bytes.set(record, at)
      at += record.length
    }
    // writeFile writes the whole buffer (a short write is continued) at the file's current position.
    await this.file.writeFile(bytes)
    this.bytesWritten += length
  }

  async close(): Promise<void> {
    await this.file.close()
  }
}
