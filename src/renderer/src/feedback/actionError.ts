/**
 * An error as the person beside the button should read it: a message that fits on a line is
 * shown whole; a long one (the engine's list of notes, a long reason) shows its opening clauses,
 * the whole folded away under them.
 */
export const ERROR_SUMMARY_MAX_CHARS = 160

export function plainError(message: string): { readonly summary: string; readonly details?: string } {
  const flat = message.trim()
  if (flat.length <= ERROR_SUMMARY_MAX_CHARS) return { summary: flat }
  // Cut after the last clause (a colon or semicolon) that fits, else at a word.
  const head = flat.slice(0, ERROR_SUMMARY_MAX_CHARS)
  const clause = Math.max(head.lastIndexOf(': '), head.lastIndexOf('; '))
  const word = head.lastIndexOf(' ')
  const cut = clause > 40 ? clause : word > 40 ? word : ERROR_SUMMARY_MAX_CHARS - 1
  return { summary: `${flat.slice(0, cut).trimEnd()}…`, details: flat }
}
