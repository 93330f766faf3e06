// A StudioApi over any transport, built from the method table: the preload's (Electron IPC) and
// web mode's (HTTP and server-sent events) are the same object, so neither lists the methods.
import { STUDIO_EVENT_NAMES, STUDIO_EVENTS, STUDIO_METHOD_NAMES, type StudioEvent, type StudioMethod } from './studioContract'
import { StudioApiError, type StudioReply } from './studioErrors'
import type { StudioApi, Unsubscribe } from './studioApi'

export interface StudioTransport {
  /** Sends one call and answers with its reply; `args` never ends in undefined. */
  invoke(method: StudioMethod, args: readonly unknown[]): Promise<StudioReply<unknown>>
  subscribe(event: StudioEvent, listener: (payload: unknown) => void): Unsubscribe
}

/** Arguments left out at the end travel as nothing (JSON would make an undefined null). */
function withoutTrailingUndefined(args: readonly unknown[]): unknown[] {
  let end = args.length
  while (end > 0 && args[end - 1] === undefined) end--
  return args.slice(0, end)
}

export function createStudioClient(transport: StudioTransport): StudioApi {
  const api: Record<string, unknown> = {}
  for (const method of STUDIO_METHOD_NAMES) {
    api[method] = async (...args: unknown[]) => {
      const reply = await transport.invoke(method, withoutTrailingUndefined(args))
      if (!reply.ok) throw new StudioApiError(reply.error)
      return reply.value
    }
  }
  for (const event of STUDIO_EVENT_NAMES) {
    api[STUDIO_EVENTS[event].subscriber] = (listener: (payload: unknown) => void) => transport.subscribe(event, listener)
  }
  // Built from the table, so it has exactly the StudioApi's keys; TypeScript cannot follow a loop.
  return api as StudioApi
}
