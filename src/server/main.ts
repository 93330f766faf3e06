// `npm run web`: the studio in a browser, served on 127.0.0.1 with a per-start token.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startWebStudio } from './webServer'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, data: { type: 'string' } } })
// Songs and runs: --data, else $XDG_DATA_HOME/melody-studio, else ~/.local/share/melody-studio.
const dataDir = resolve(values.data ?? join(process.env['XDG_DATA_HOME'] ?? join(homedir(), '.local/share'), 'melody-studio'))
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`studio web: --port must be a port number, got '${values.port}'\n`)
  process.exit(2)
}
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { name: string; version: string }
const studio = await startWebStudio({
  rendererDir: resolve(root, 'out/renderer'),
  dataDir,
  port,
  appInfo: { name: pkg.name, version: pkg.version, electron: null }
})
console.log(`Melody Studio web mode: ${studio.url}  (songs and runs in ${dataDir})`)
const stop = () => void studio.close().then(() => process.exit(0))
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
