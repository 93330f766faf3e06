/**
 * The song's autosave: written `delayMs` after the last change (so a kill a second after typing
 * loses nothing), at once when the page is hidden or left, one write at a time with the newest
 * text written last, and never a text the library already holds.
 */
export interface Autosave {
  /** Starts saving, from the text the library holds (or the opening one when it holds none). */
  start(saved: string): void
  /** The editor's text changed: saved after the delay unless it changes again. */
  change(text: string): void
  /** Saves a waiting change now (after a write under way). */
  flush(): void
  /** Flushes when the page is hidden or left; returns the function that stops listening. */
  listen(target: Window): () => void
}

/** `report` hears each write's outcome: the error, or null once a write has succeeded. */
export function createAutosave(save: (text: string) => Promise<void>, report: (error: unknown) => void, delayMs = 400): Autosave {
  let started = false
  /** The text on disk, as far as we know. */
  let saved: string | undefined
  /** A text to save, not yet sent. */
  let waiting: string | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Writes under way: one, except when the page is left during one. */
  let writing = 0

  /** `now`: do not wait for a write under way (the page is going away, and with it any later turn). */
  const write = (now = false): void => {
    if (waiting === undefined || (writing > 0 && !now)) return
    if (waiting === saved && writing === 0) {
      waiting = undefined
      return
    }
    const text = waiting
    waiting = undefined
    writing += 1
    save(text).then(
      () => {
        saved = text
        writing -= 1
        report(null)
        // A change made while this write was under way goes out now, unless its delay still runs.
        if (timer === undefined && waiting !== undefined && waiting !== saved) write()
      },
      (error: unknown) => {
        writing -= 1
        report(error)
        // Not saved: tried again with the next change or flush; a newer text waiting is tried now.
        if (waiting === undefined) waiting = text
        else if (timer === undefined) write()
      }
    )
  }

  const flush = (now = false): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    write(now)
  }

  return {
    start(text) {
      started = true
      saved = text
    },
    change(text) {
      if (!started) return
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      if (text === saved && writing === 0) {
        waiting = undefined
        return
      }
      waiting = text
      timer = setTimeout(flush, delayMs)
    },
    flush: () => flush(),
    listen(target) {
      const onHidden = () => {
        if (target.document.visibilityState === 'hidden') flush()
      }
      const onLeave = () => flush(true)
      target.addEventListener('pagehide', onLeave)
      target.document.addEventListener('visibilitychange', onHidden)
      return () => {
        target.removeEventListener('pagehide', onLeave)
        target.document.removeEventListener('visibilitychange', onHidden)
      }
    }
  }
}
