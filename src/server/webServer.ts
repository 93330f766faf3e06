import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, statSync, type Stats } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { StudioLibrary } from '../host/studioLibrary'
import { StudioService, type StudioEventSink } from '../host/studioService'
import { REQUEST_BODY_MAX_BYTES, URL_MAX_CHARS } from '../shared/limits'
import type { AppInfo } from '../shared/studioApi'
import { isStudioMethod, STUDIO_EVENTS } from '../shared/studioContract'
import { errorReply, type StudioReply } from '../shared/studioErrors'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  // The player's sound font (out/renderer/assets): fetched as bytes, streamed like any file, no size limit.
  '.sf2': 'application/octet-stream'
}

/** The desktop app's policy (src/main/index.ts says why 'wasm-unsafe-eval': the player's synthesiser). */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Sent with every response, the page, its files, the API's JSON and every error alike. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY'
}

export interface WebStudio {
  readonly url: string
  readonly token: string
  readonly server: Server
  readonly service: StudioService
  close(): Promise<void>
}

/**
 * Web mode: the studio's UI and its StudioApi on 127.0.0.1, for headless machines and tests.
 * Requests need the per-start token (header `x-studio-token`, or `?token=` for the event
 * stream); the Host header must name this server, which keeps other sites' pages out.
 */
export async function startWebStudio(options: {
  rendererDir: string
  /** Where songs and runs are kept. */
  dataDir: string
  port?: number
  appInfo: AppInfo
}): Promise<WebStudio> {
  const token = randomBytes(24).toString('base64url')
  const streams = new Set<ServerResponse>()
  // Each event goes out on its channel's name, as the web client listens for it.
  const broadcast: StudioEventSink = (event, data) => {
    for (const stream of streams) stream.write(`event: ${STUDIO_EVENTS[event].channel}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  const service = new StudioService(options.appInfo, broadcast, new StudioLibrary(options.dataDir))
  let port = 0
  const tokenBytes = Buffer.from(token, 'utf8')
  /** Compares bytes, not characters: a token of the right length in characters may not be in bytes. */
  const hasToken = (given: string | string[] | null | undefined): boolean => {
    if (typeof given !== 'string') return false
    const bytes = Buffer.from(given, 'utf8')
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes)
  }

  /** Routes one request. Throws only on a bug; the caller turns that into a 500. */
  function route(request: IncomingMessage, response: ServerResponse): Promise<void> | void {
    const rawUrl = request.url ?? '/'
    const api = rawUrl.startsWith('/api/')
    if (rawUrl.length > URL_MAX_CHARS) return sendError(response, api, 414, `the URL is longer than ${URL_MAX_CHARS} characters`)
    const host = request.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return sendError(response, api, 421, 'wrong host')
    const target = parseTarget(rawUrl)
    if (!target) return sendError(response, api, 400, 'bad path')
    const { path, query } = target
    if (path === '/api/events') {
      if (request.method !== 'GET') return sendError(response, true, 405, 'the event stream takes GET only', { allow: 'GET' })
      if (!hasToken(query.get('token'))) return sendError(response, true, 403, 'missing or wrong token')
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      response.write(': connected\n\n')
      streams.add(response)
      response.on('close', () => streams.delete(response))
      return
    }
    if (path.startsWith('/api/')) return answerCall(request, response, path.slice('/api/'.length))
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, false, 405, 'method not allowed', { allow: 'GET, HEAD' })
    serveFile(options.rendererDir, path, request.method === 'HEAD', response)
  }

  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value)
    // A stream's error (the client went away, a file failed mid-read) ends that exchange only.
    request.on('error', () => response.destroy())
    response.on('error', () => request.destroy())
    try {
      const pending = route(request, response)
      if (pending) pending.catch((error: unknown) => failed(request, response, error))
    } catch (error) {
      failed(request, response, error)
    }
  })
  // Malformed HTTP never reaches the handler: answer 400 (431 for oversized headers) and hang up.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET') return void socket.destroy()
    answerAndHangUp(socket, error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request')
  })
  // CONNECT and Upgrade (a WebSocket any page may open) never reach the handler: without these
  // Node cuts the connection unanswered.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => answerAndHangUp(socket, '405 Method Not Allowed'))
  server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => answerAndHangUp(socket, '400 Bad Request'))

  async function answerCall(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    const reply = (status: number, body: StudioReply<unknown>): void => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
    }
    const refuse = (status: number, message: string, headers?: Record<string, string>): void => sendError(response, true, status, message, headers)
    if (request.method !== 'POST') return refuse(405, 'the API takes POST only', { allow: 'POST' })
    if (!hasToken(request.headers['x-studio-token'])) return refuse(403, 'missing or wrong token')
    if (!isStudioMethod(method)) return refuse(404, `no method ${method}`)
    let text: string
    try {
      text = await readBody(request, REQUEST_BODY_MAX_BYTES)
    } catch (error) {
      if (!(error instanceof RequestTooLargeError)) return void response.destroy()
      closeAfterAnswer(request, response)
      return refuse(413, error.message)
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (error) {
      return refuse(400, `the request is not JSON: ${(error as Error).message}`)
    }
    try {
      const args = (body as { args?: unknown } | null)?.args
      return reply(200, { ok: true, value: await service.invoke(method, args) })
    } catch (error) {
      return reply(200, errorReply(error))
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    server,
    service,
    close: async () => {
      for (const stream of streams) stream.end()
      service.dispose()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** An answer written straight on the socket, for what never becomes a request; then the socket is closed. */
function answerAndHangUp(socket: Duplex, status: string): void {
  socket.on('error', () => undefined)
  if (!socket.writable) return void socket.destroy()
  const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n${headers}\r\n`, () => socket.destroy())
}

/** A request target's path, percent-decoded, and its query; undefined for one that is not a path. */
function parseTarget(rawUrl: string): { path: string; query: URLSearchParams } | undefined {
  const mark = rawUrl.indexOf('?')
  const rawPath = mark === -1 ? rawUrl : rawUrl.slice(0, mark)
  // Origin-form only: no `*`, no absolute URL, no `//host` that a URL parser would take for one.
  if (!rawPath.startsWith('/') || rawPath.startsWith('//')) return undefined
  let path: string
  try {
    path = decodeURIComponent(rawPath)
  } catch {
    return undefined
  }
  if (path.includes('\0')) return undefined
  return { path, query: new URLSearchParams(mark === -1 ? '' : rawUrl.slice(mark + 1)) }
}

/** An error answer: a StudioReply for the API (the UI reads every answer as one), text for files. */
function sendError(response: ServerResponse, api: boolean, status: number, message: string, headers: Record<string, string> = {}): void {
  const reply: StudioReply<never> = { ok: false, error: { name: 'InvalidMessageError', message } }
  const [type, body] = api ? ['application/json', JSON.stringify(reply)] : ['text/plain; charset=utf-8', message]
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body)
}

/** A bug in a handler: a 500 if nothing was sent yet, else the connection is cut. Never rethrown. */
function failed(request: IncomingMessage, response: ServerResponse, error: unknown): void {
  console.error('studio web: a request failed:', error)
  if (response.headersSent) response.destroy()
  else sendError(response, request.url?.startsWith('/api/') ?? false, 500, 'internal error', { connection: 'close' })
}

/**
 * How long a connection whose body was refused may go on sending after the answer. Closing at
 * once, with the client's bytes unread, resets the connection and the client never sees the 413.
 */
const LINGER_MS = 5_000

/**
 * Once the answer is out: no more requests on this connection (FIN), what the client still sends
 * is dropped unread, and the socket is cut after LINGER_MS or one more body's worth of bytes.
 */
function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket
  // Else Node closes the socket as soon as the answer is written (the request said
  // `Connection: close`): that close, with bytes unread, is the reset this function avoids.
  response.shouldKeepAlive = true
  response.once('finish', () => {
    socket.end()
    let dropped = 0
    request.on('data', (chunk: Buffer) => {
      dropped += chunk.length
      if (dropped > REQUEST_BODY_MAX_BYTES) socket.destroy()
    })
    request.resume()
    setTimeout(() => socket.destroy(), LINGER_MS).unref()
  })
}

class RequestTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`the request is larger than ${maxBytes} bytes`)
    this.name = 'LimitError'
  }
}

/** The body as text; rejects with RequestTooLargeError, without reading on, past maxBytes. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'])
    if (declared > maxBytes) return reject(new RequestTooLargeError(maxBytes))
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        request.off('data', onData)
        request.pause()
        chunks.length = 0
        reject(new RequestTooLargeError(maxBytes))
        return
      }
      chunks.push(chunk)
    }
    request.on('data', onData)
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
    request.on('close', () => reject(new Error('the request was cut off')))
  })
}

/** A file of the renderer folder; anything that resolves outside it is not found. */
function serveFile(root: string, path: string, headOnly: boolean, response: ServerResponse): void {
  const base = resolve(root)
  const file = resolve(base, `.${path === '/' ? '/index.html' : path}`)
  const stats = file.startsWith(base + sep) ? statOrUndefined(file) : undefined
  if (!stats?.isFile()) return sendError(response, false, 404, 'not found')
  const headers = { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': String(stats.size) }
  if (headOnly) return void response.writeHead(200, headers).end()
  const stream = createReadStream(file)
  stream.on('error', () => {
    if (response.headersSent) response.destroy()
    else sendError(response, false, 404, 'not found')
  })
  stream.on('open', () => {
    response.writeHead(200, headers)
    stream.pipe(response)
  })
  response.on('close', () => stream.destroy())
}

/** A name too long, a folder where a file was expected…: not found, never a throw. */
function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}
