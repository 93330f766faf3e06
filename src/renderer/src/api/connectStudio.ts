import { STUDIO_EVENTS } from '../../../shared/studioContract'
import { createStudioClient } from '../../../shared/studioClient'
import type { StudioReply } from '../../../shared/studioErrors'
import type { StudioApi } from '../../../shared/studioApi'

/** The StudioApi over the web-mode server: calls as POSTs, events as one server-sent stream. */
function webStudio(token: string): StudioApi {
  const events = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
  return createStudioClient({
    invoke: async (method, args) => {
      const body = JSON.stringify({ args })
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-studio-token': token },
        body,
        // The autosave flushes when the page is left: keepalive lets that request outlive the page
        // (the browser allows 64 KiB of such bodies in flight, so a long song goes without it).
        keepalive: method === 'saveSong' && new TextEncoder().encode(body).length < 30_000
      })
      return (await response.json()) as StudioReply<unknown>
    },
    subscribe: (event, listener) => {
      const handler = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as unknown)
      const channel = STUDIO_EVENTS[event].channel
      events.addEventListener(channel, handler)
      return () => events.removeEventListener(channel, handler)
    }
  })
}

/** The desktop app's preload API, else web mode's (the page was opened with its token), else none. */
export function connectStudio(): StudioApi | null {
  if (window.studio) return window.studio
  const token = new URLSearchParams(window.location.search).get('token')
  return token ? webStudio(token) : null
}
