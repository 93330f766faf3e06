import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeFileAtomic } from './atomicWrite'

/** Set to make the next writeFile write half its data and then fail as a full disk does. */
const disk = vi.hoisted(() => ({ fullAfterBytes: undefined as number | undefined }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>()
  const writeFile: typeof actual.writeFile = async (file, data, options) => {
    const limit = disk.fullAfterBytes
    if (limit === undefined) return actual.writeFile(file, data, options)
    disk.fullAfterBytes = undefined
    await actual.writeFile(file, String(data).slice(0, limit), options)
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' })
  }
  return { ...actual, writeFile }
})

const temporaries = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.tmp'))

describe('writeFileAtomic', () => {
  it('serves 600 concurrent writes of one file: all resolve, one whole value stays, no temporary file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'atomic-'))
    const path = join(folder, 'song.json')
    const values = Array.from({ length: 600 }, (_, i) => JSON.stringify({ write: i, padding: 'x'.repeat(1000 + i) }))
    const outcomes = await Promise.allSettled(values.map((value) => writeFileAtomic(path, value)))
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([])
    // One at a time in the order asked: the last one asked wins.
    expect(readFileSync(path, 'utf8')).toBe(values.at(-1))
    expect(temporaries(folder)).toEqual([])
  })

  it('rejects with the error and leaves no temporary file when the rename fails', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'atomic-'))
    // A folder where the file should go: the write succeeds, the rename cannot (as root too).
    mkdirSync(join(folder, 'run.json'))
    await expect(writeFileAtomic(join(folder, 'run.json'), '{}')).rejects.toMatchObject({ code: expect.stringMatching(/EISDIR|ENOTEMPTY|EEXIST|EPERM/) })
    expect(temporaries(folder)).toEqual([])
  })

  it('rejects with the error and leaves no temporary file when the disk fills up mid-write', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'atomic-'))
    const path = join(folder, 'model.json')
    writeFileSync(path, 'the old file')
    disk.fullAfterBytes = 3
    await expect(writeFileAtomic(path, 'a new file, longer')).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(temporaries(folder)).toEqual([])
    expect(readFileSync(path, 'utf8')).toBe('the old file')
    // The next write to that file is not held up by the failed one.
    await writeFileAtomic(path, 'written')
    expect(readFileSync(path, 'utf8')).toBe('written')
  })

  it('rejects when the folder is a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'atomic-'))
    writeFileSync(join(folder, 'runs'), '')
    await expect(writeFileAtomic(join(folder, 'runs', 'run-1.json'), '{}')).rejects.toMatchObject({ code: 'ENOTDIR' })
    expect(temporaries(folder)).toEqual([])
  })
})
