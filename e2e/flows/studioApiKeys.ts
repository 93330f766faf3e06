import { STUDIO_CHANNELS, STUDIO_EVENTS } from '../../src/shared/studioApi'

/**
 * The StudioApi's member names as its contract defines them, sorted: every request method (one a
 * channel) and a subscriber `onX` per event `x`. What the preload exposes must be exactly these.
 */
export function studioApiKeys(): string[] {
  const subscribers = Object.keys(STUDIO_EVENTS).map((event) => `on${event[0]!.toUpperCase()}${event.slice(1)}`)
  return [...Object.keys(STUDIO_CHANNELS), ...subscribers].sort()
}
