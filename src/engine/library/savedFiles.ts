// Reading back what the studio saved: every file is size-capped before it is read, parsed, and
// checked against a schema with the same limits as input from the UI, so a damaged or crafted
// file is one clear error that names it, never an out-of-memory or a TypeError later on.
import { open } from 'node:fs/promises'
import type { z } from 'zod'
import type { EngineSaying } from '../../shared/engineMessages'
import { LimitError, StudioError } from '../errors'

/** A saved model or run record that is missing, damaged or not one of ours. */
export class ModelFileError extends StudioError {
  override readonly name = 'ModelFileError'
  /** `missing`: the file is not there at all (a first start, nothing saved yet). */
  constructor(
    message: string | EngineSaying,
    readonly missing = false
  ) {
    super(message)
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`
}

/**
 * A saved file's bytes, refused before reading when it is larger than `maxBytes`.
 * @throws LimitError when the file is too large; ModelFileError when it cannot be read
 */
export async function readSavedBytes(path: string, maxBytes: number, limitName: string): Promise<Buffer> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ModelFileError(`${path} cannot be read (${code ?? (error as Error).message})`, code === 'ENOENT')
  }
  try {
    const { size } = await handle.stat()
    if (size > maxBytes) throw new LimitError(limitName, `${path} is ${megabytes(size)}, more than a saved file may be (${megabytes(maxBytes)})`)
    const bytes = await handle.readFile()
    // It may have grown since the stat.
    if (bytes.byteLength > maxBytes) throw new LimitError(limitName, `${path} is more than a saved file may be (${megabytes(maxBytes)})`)
    return bytes
  } catch (error) {
    if (error instanceof StudioError) throw error
    throw new ModelFileError(`${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  } finally {
    await handle.close()
  }
}

/**
 * A saved JSON file, size-capped, parsed and checked against its schema.
 * @throws LimitError when the file is too large; ModelFileError when it is unreadable, not JSON or not of the schema
 */
export async function readSavedJson<T>(path: string, schema: z.ZodType<T>, maxBytes: number, limitName: string): Promise<T> {
  const bytes = await readSavedBytes(path, maxBytes, limitName)
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw new ModelFileError(`${path} is not JSON, or is cut short (${(error as Error).message})`)
  }
  return checkSaved(path, schema, json)
}

/**
 * A value read from a saved file, checked against its schema.
 * @throws ModelFileError naming the file, the field and what is wrong with it
 */
export function checkSaved<T>(path: string, schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : ''
  throw new ModelFileError(`${path} is damaged or not one of ours: ${field}${issue?.message ?? 'not as expected'}`)
}
