// Damaged saved runs and models on the command line: one line on stderr naming the file, exit code 2.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../engine/testing/seedSong'

function studio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/studio.ts'), ...args], { cwd: REPO_ROOT }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr })
    )
  })
}

describe('saved files on the command line', () => {
  it('compare on a malformed run.json and generate on a crafted model.json: one line on stderr, exit code 2', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'studio-saved-')), 'broken')
    mkdirSync(folder)
    writeFileSync(join(folder, 'run.json'), '{"format":"melody-studio-run","version":1,"name":"broken","history":"none"}')
    const compare = await studio('compare', folder)
    expect(compare.code).toBe(2)
    expect(compare.stderr).toMatch(/^studio: .*broken[/\\]run\.json is damaged or not one of ours: kind: [^\n]*\n$/)
    writeFileSync(join(folder, 'model.json'), `{"format":"melody-studio-model","version":1,"info":{"song":[${'0,'.repeat(100_000)}0]}}`)
    const generate = await studio('generate', folder, '--notes', '4')
    expect(generate.code).toBe(2)
    expect(generate.stderr).toMatch(/^studio: .*broken[/\\]model\.json is damaged or not one of ours: info\.\w+: [^\n]*\n$/)
  })
})
