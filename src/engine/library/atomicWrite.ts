import { rename, writeFile } from 'node:fs/promises'

/** Writes a file whole or not at all: a crash mid-write leaves the old file, never half of one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  await writeFile(temporary, data)
  await rename(temporary, path)
}
