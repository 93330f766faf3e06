// Web mode's HTTP edge: bad URLs, bad tokens, huge bodies and malformed HTTP are answered with a
// status and the server keeps serving. Requests are sent raw (node:http, node:net), never with
// fetch, which would normalise the URL before it leaves.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REQUEST_BODY_MAX_BYTES, URL_MAX_CHARS } from '../shared/limits'
import { startWebStudio, type WebStudio } from './webServer'

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

let folder: string
let studio: WebStudio
let port: number

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'melody-web-'))
  const rendererDir = join(folder, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Melody Studio</title>')
  writeFileSync(join(folder, 'secret.txt'), 'outside the renderer folder')
  studio = await startWebStudio({
    rendererDir,
    dataDir: join(folder, 'data'),
    appInfo: { name: 'melody-studio', version: '0.0.0-test', electron: null }
  })
  port = new URL(studio.url).port ? Number(new URL(studio.url).port) : 80
})

afterAll(async () => {
  await studio?.close()
  rmSync(folder, { recursive: true, force: true })
})

/** One request as given: the path is sent byte for byte, nothing is normalised. */
function send(options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, agent: false, headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }))
        response.on('error', reject)
      }
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

/** Raw bytes over a socket; resolves with everything the server sent before it closed. */
function sendRaw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
    socket.end(text, 'latin1')
  })
}

function call(method: string, headers: Record<string, string>, body = '{"args":[]}'): Promise<Answer> {
  return send({ method: 'POST', path: `/api/${method}`, headers: { 'content-type': 'application/json', ...headers }, body })
}

function expectSecurityHeaders(answer: Answer): void {
  expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(answer.headers['content-security-policy']).toContain("default-src 'self'")
  // WebAssembly may compile (the player's synthesiser), JavaScript may not be eval'd.
  expect(answer.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval';")
  expect(answer.headers['content-security-policy']).not.toContain("'unsafe-eval'")
  expect(answer.headers['x-content-type-options']).toBe('nosniff')
  expect(answer.headers['referrer-policy']).toBe('no-referrer')
  expect(answer.headers['x-frame-options']).toBe('DENY')
}

/** After every hostile request: the server is alive and still serves the page. */
async function expectStillServing(): Promise<void> {
  const page = await send({ path: '/' })
  expect(page.status).toBe(200)
  expect(page.body).toContain('Melody Studio')
  expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
  expectSecurityHeaders(page)
  const api = await call('getAppInfo', { 'x-studio-token': studio.token })
  expect(api.status).toBe(200)
  expect(JSON.parse(api.body)).toMatchObject({ ok: true, value: { version: '0.0.0-test' } })
}

// A hang (a request the old server never answered) fails the test instead of waiting ten minutes.
describe('web mode survives bad requests', { timeout: 30_000 }, () => {
  it('serves the page and the API with the security headers', async () => {
    await expectStillServing()
    const api = await call('getAppInfo', { 'x-studio-token': studio.token })
    expectSecurityHeaders(api)
    expect(api.headers['content-type']).toBe('application/json')
    const missing = await send({ path: '/no-such-file.js' })
    expect(missing.status).toBe(404)
    expectSecurityHeaders(missing)
  })

  it.each(['/%', '/%00', '/%E0%A4%A', '/a%ZZb', '/%C0%AF', '/x%00.html'])('answers 400 to the bad path %s', async (path) => {
    const answer = await send({ path })
    expect(answer.status).toBe(400)
    expectSecurityHeaders(answer)
    await expectStillServing()
  })

  it('answers 400 to a bad path under /api/ too', async () => {
    const answer = await call('%', { 'x-studio-token': studio.token })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { name: 'InvalidMessageError' } })
    await expectStillServing()
  })

  it('answers 414 to a URL over URL_MAX_CHARS', async () => {
    const long = await send({ path: `/${'a'.repeat(5000)}` })
    expect(long.status).toBe(414)
    expectSecurityHeaders(long)
    const longQuery = await send({ path: `/?q=${'%'.repeat(URL_MAX_CHARS)}` })
    expect(longQuery.status).toBe(414)
    // Just under the limit is an ordinary (missing) file.
    const under = await send({ path: `/${'a'.repeat(URL_MAX_CHARS - 1)}` })
    expect(under.status).toBe(404)
    await expectStillServing()
  })

  it('serves nothing outside the renderer folder', async () => {
    for (const path of ['/..%2f..%2fetc/passwd', '/..%2fsecret.txt', '/../secret.txt', '/%2e%2e/secret.txt', '/..%5csecret.txt', '/.%2e/.%2e/etc/passwd']) {
      const answer = await send({ path })
      expect([400, 404]).toContain(answer.status)
      expect(answer.body).not.toContain('outside the renderer folder')
      expect(answer.body).not.toContain('root:')
    }
    await expectStillServing()
  })

  it('answers malformed HTTP with 400 and closes the socket', async () => {
    const garbage = await sendRaw('GET / HTTP/1.1 what\r\n\u0001\u0002\r\n\r\n')
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /)
    const badHeader = await sendRaw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nBad Header\r\n\r\n`)
    expect(badHeader).toMatch(/^HTTP\/1\.1 400 /)
    await expectStillServing()
  })

  it('answers CONNECT with 405 and an Upgrade (WebSocket) with 400', async () => {
    const connect = await sendRaw(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    expect(connect).toMatch(/^HTTP\/1\.1 405 /)
    const connectPath = await sendRaw(`CONNECT /api/getAppInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 11\r\n\r\n{"args":[]}`)
    expect(connectPath).toMatch(/^HTTP\/1\.1 (400|405) /)
    const upgrade = await sendRaw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n`)
    expect(upgrade).toMatch(/^HTTP\/1\.1 400 /)
    expect(upgrade).toContain('x-content-type-options: nosniff')
    await expectStillServing()
  })

  it('answers a raw request with a bad path over a socket', async () => {
    const answer = await sendRaw(`GET /% HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    await expectStillServing()
  })

  it('refuses tokens with non-ASCII characters without crashing', async () => {
    const sameChars = 'ü'.repeat(studio.token.length) // as many characters as the token, twice the bytes
    const refusals = [
      await call('getAppInfo', { 'x-studio-token': sameChars }),
      await call('getAppInfo', { 'x-studio-token': 'ü'.repeat(32) }),
      await call('getAppInfo', { 'x-studio-token': 'ü'.repeat(studio.token.length / 2) }), // same byte length
      await call('getAppInfo', { 'x-studio-token': `${studio.token}ü` }),
      await call('getAppInfo', { 'x-studio-token': studio.token.slice(1) }),
      await call('getAppInfo', {})
    ]
    for (const answer of refusals) {
      expect(answer.status).toBe(403)
      expectSecurityHeaders(answer)
      expect(JSON.parse(answer.body)).toMatchObject({ ok: false })
    }
    for (const token of [sameChars, 'ü'.repeat(32), studio.token.slice(1), '']) {
      const events = await send({ path: `/api/events?token=${encodeURIComponent(token)}` })
      expect(events.status).toBe(403)
      expectSecurityHeaders(events)
    }
    // The same characters sent raw (not percent-encoded) in the query.
    const raw = await sendRaw(`GET /api/events?token=${'\u00fc'.repeat(studio.token.length)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
    expect(raw).toMatch(/^HTTP\/1\.1 (400|403) /)
    await expectStillServing()
  })

  it.each(['keep-alive', 'close'])('answers 413 to a body over REQUEST_BODY_MAX_BYTES that says its length (Connection: %s)', async (connection) => {
    const answer = await sendRaw(
      `POST /api/getAppInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-studio-token: ${studio.token}\r\nConnection: ${connection}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${REQUEST_BODY_MAX_BYTES + 1}\r\n\r\n{"args":[`
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).toContain('"ok":false')
    await expectStillServing()
  })

  it.each(['keep-alive', 'close'])('answers 413 to a streamed body over REQUEST_BODY_MAX_BYTES and stops reading it (Connection: %s)', async (connection) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20)
    const { head, sent } = await new Promise<{ head: string; sent: number }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      const chunks: Buffer[] = []
      let sent = 0
      let answered = false
      socket.on('data', (data: Buffer) => {
        chunks.push(data)
        answered = true
      })
      socket.on('close', () => resolve({ head: Buffer.concat(chunks).toString('latin1'), sent }))
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // The server stops reading and closes: writing on is refused, which is the point.
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error)
      })
      socket.write(
        `POST /api/getAppInfo HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-studio-token: ${studio.token}\r\n` +
          `Content-Type: application/json\r\nConnection: ${connection}\r\nTransfer-Encoding: chunked\r\n\r\n`
      )
      const pump = () => {
        // Three times the limit at most: a server that kept reading would take it all.
        while (!answered && !socket.destroyed && sent < 3 * REQUEST_BODY_MAX_BYTES) {
          sent += chunk.length
          socket.write(`${chunk.length.toString(16)}\r\n`)
          socket.write(chunk)
          if (!socket.write('\r\n')) {
            socket.once('drain', pump)
            return
          }
        }
        if (!socket.destroyed) socket.end('0\r\n\r\n')
      }
      pump()
    })
    expect(head).toMatch(/^HTTP\/1\.1 413 /)
    expect(head).toContain('"ok":false')
    expect(sent).toBeGreaterThan(REQUEST_BODY_MAX_BYTES)
    expect(sent).toBeLessThan(3 * REQUEST_BODY_MAX_BYTES)
    await expectStillServing()
  })

  it('takes a body just under the limit (a corpus is up to CORPUS_MAX_BYTES of base64)', async () => {
    const body = `{"args":[],"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`
    const answer = await call('getAppInfo', { 'x-studio-token': studio.token }, body)
    expect(answer.status).toBe(200)
    await expectStillServing()
  })

  it('answers 421 to a wrong Host and keeps the token model', async () => {
    for (const host of ['evil.example', `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`, `localhost.:${port}`, `[::1]:${port}`]) {
      const answer = await send({ path: '/', headers: { host } })
      expect(answer.status).toBe(421)
      expectSecurityHeaders(answer)
      const api = await call('getAppInfo', { host, 'x-studio-token': studio.token })
      expect(api.status).toBe(421)
    }
    const noHost = await sendRaw('GET / HTTP/1.0\r\n\r\n')
    expect(noHost).toMatch(/^HTTP\/1\.1 421 /)
    await expectStillServing()
  })

  it('answers 405 to other methods and to a non-POST API call', async () => {
    for (const method of ['PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const answer = await send({ method, path: '/' })
      expect(answer.status).toBe(405)
      expectSecurityHeaders(answer)
    }
    const get = await send({ path: '/api/getAppInfo', headers: { 'x-studio-token': studio.token } })
    expect(get.status).toBe(405)
    const post = await send({ method: 'POST', path: '/api/events?token=x' })
    expect(post.status).toBe(405)
    const head = await send({ method: 'HEAD', path: '/' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
    await expectStillServing()
  })

  it('answers a body that is not JSON with 400, and an unknown method with 404', async () => {
    const notJson = await call('getAppInfo', { 'x-studio-token': studio.token }, '{"args":')
    expect(notJson.status).toBe(400)
    const unknown = await call('noSuchMethod', { 'x-studio-token': studio.token })
    expect(unknown.status).toBe(404)
    const proto = await call('__proto__', { 'x-studio-token': studio.token })
    expect(proto.status).toBe(404)
    await expectStillServing()
  })
})
