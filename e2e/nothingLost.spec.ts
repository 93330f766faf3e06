import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { expect, fileText, openStudio, test as base } from './fixtures'

/** `npm run web`'s server as its own process (and process group), as a person runs it. */
interface ServerProcess {
  readonly url: string
  /** SIGKILL to the server and everything it started: nothing gets to save on the way out. */
  kill(): Promise<void>
}

const test = base.extend<{ startServer: (dataDir: string) => Promise<ServerProcess> }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's needs from this pattern
  startServer: async ({}, use) => {
    const started: ChildProcess[] = []
    await use(async (dataDir) => {
      const child = spawn('npx', ['tsx', 'src/server/main.ts', '--data', dataDir, '--port', '0'], {
        cwd: process.cwd(),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      started.push(child)
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      const url = await new Promise<string>((resolve, reject) => {
        let output = ''
        const read = (chunk: Buffer) => {
          output += chunk.toString()
          const found = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output)
          if (found) resolve(found[0])
        }
        child.stdout?.on('data', read)
        child.stderr?.on('data', read)
        child.once('exit', (code, signal) => reject(new Error(`the web server exited (${code ?? signal}) before printing its URL:\n${output}`)))
      })
      return {
        url,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
          await exited
        }
      }
    })
    // A test that failed half-way leaves no server behind.
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    }
  }
})

test('nothing lost: the text typed a second before the server is killed is back after a restart', async ({ context, dataDir, startServer }) => {
  test.setTimeout(120_000)
  const first = await startServer(dataDir)
  const page = await context.newPage()
  await openStudio(page, first.url)
  const editor = page.getByLabel('Melody in ABC')
  const typed = '% typed just before the kill'
  // The autosave's own request with the whole text, sent a moment after the last keystroke.
  const saved = page.waitForResponse((response) => response.url().includes('/api/saveSong') && (response.request().postData() ?? '').includes(typed))
  await editor.press('Control+End')
  await editor.pressSequentially(`\n${typed}`)
  expect(await (await saved).json()).toEqual({ ok: true })
  await first.kill()
  await page.close()

  const second = await startServer(dataDir)
  const again = await context.newPage()
  const saves: string[] = []
  again.on('request', (request) => {
    if (request.url().includes('/api/saveSong')) saves.push(request.postData() ?? '')
  })
  await openStudio(again, second.url)
  await expect(again.getByLabel('Melody in ABC')).toHaveValue(new RegExp(`\\n${typed}\\n?$`))
  await expect(again.getByTestId('song-status')).toHaveText(/^54 notes/)
  // Leaving the page flushes the autosave, which has nothing to write: the opening song never
  // replaced the saved one, and the saved one is not written back unchanged.
  await again.goto('about:blank')
  expect(saves).toEqual([])
  expect(JSON.parse(fileText(join(dataDir, 'song.json'))).abc).toContain(typed)
  await second.kill()
})
