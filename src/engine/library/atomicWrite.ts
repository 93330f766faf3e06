import { randomUUID } from 'node:crypto'
import { rename, unlink, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'

/** The last write queued for each file (settled, never rejected): the next one waits for it. */
const queues = new Map<string, Promise<void>>()

/**
 * Writes a file whole or not at all: a crash mid-write leaves the old file, never half of one.
 * Writes to one file are done one at a time in the order asked (the last one asked wins; every
 * one resolves or rejects with its own error), each through a temporary file of its own that
 * is removed whenever the write or the rename fails.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const key = resolve(path)
  const previous = queues.get(key) ?? Promise.resolve()
  const written = previous.then(() => writeThroughTemporary(path, data))
  const settled = written.then(
    () => undefined,
    () => undefined
  )
  queues.set(key, settled)
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key)
  })
  return written
}

async function writeThroughTemporary(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`
  try {
    await writeFile(temporary, data, { flag: 'wx' })
    await rename(temporary, path)
  } catch (error) {
    // Whatever failed (a full disk mid-write, a rename refused), no temporary file stays behind.
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}
