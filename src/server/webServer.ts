import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { StudioLibrary } from '../host/studioLibrary'
import { StudioService } from '../host/studioService'
import { STUDIO_EVENTS, type AppInfo, type StudioReply } from '../shared/studioApi'
import { isStudioMethod } from '../shared/studioSchemas'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json'
}

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const BODY_MAX_BYTES = 2 * 1024 * 1024

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
  const broadcast = (event: string, data: unknown) => {
    for (const stream of streams) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  const service = new StudioService(options.appInfo, {
    onProgress: (progress) => broadcast(STUDIO_EVENTS.trainingProgress, progress),
    onDone: (result) => broadcast(STUDIO_EVENTS.trainingDone, result),
    onError: (failure) => broadcast(STUDIO_EVENTS.trainingError, failure)
  }, new StudioLibrary(options.dataDir))
  let port = 0
  const hasToken = (given: string | null | undefined) => {
    if (!given || given.length !== token.length) return false
    return timingSafeEqual(Buffer.from(given), Buffer.from(token))
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const host = request.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      response.writeHead(421).end('wrong host')
      return
    }
    if (url.pathname === '/api/events') {
      if (!hasToken(url.searchParams.get('token'))) return void response.writeHead(403).end()
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      response.write(': connected\n\n')
      streams.add(response)
      request.on('close', () => streams.delete(response))
      return
    }
    if (url.pathname.startsWith('/api/')) {
      void answerCall(request, response, url.pathname.slice('/api/'.length))
      return
    }
    serveFile(options.rendererDir, url.pathname, response)
  })

  async function answerCall(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    const reply = (status: number, body: StudioReply<unknown>): void => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
    }
    if (request.method !== 'POST' || !hasToken(request.headers['x-studio-token'] as string | undefined)) {
      return reply(403, { ok: false, error: { name: 'InvalidMessageError', message: 'missing or wrong token' } })
    }
    if (!isStudioMethod(method)) return reply(404, { ok: false, error: { name: 'InvalidMessageError', message: `no method ${method}` } })
    let body: unknown
    try {
      body = JSON.parse(await readBody(request))
    } catch (error) {
      return reply(400, { ok: false, error: { name: 'InvalidMessageError', message: `the request is not JSON: ${(error as Error).message}` } })
    }
    try {
      const args = (body as { args?: unknown } | null)?.args
      return reply(200, { ok: true, value: await service.invoke(method, args) })
    } catch (error) {
      const failure = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) }
      return reply(200, { ok: false, error: failure })
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

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > BODY_MAX_BYTES) {
        reject(new Error('request too large'))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

function serveFile(root: string, pathname: string, response: ServerResponse): void {
  const relative = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '')
  const file = join(root, relative === '/' ? 'index.html' : relative)
  if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    response.writeHead(404).end('not found')
    return
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
  response.writeHead(200, { 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' })
  createReadStream(file).pipe(response)
}
