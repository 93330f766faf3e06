/**
 * An error as the person beside the button should read it: one plain sentence, and the rest (the
 * engine's list of notes, a long reason) folded away under it.
 */
export function plainError(message: string): { readonly summary: string; readonly details?: string } {
  const flat = message.trim()
  // The first clause says what went wrong; what follows a colon or semicolon is the detail.
  const cut = flat.search(/[:;](\s|$)/)
  if (flat.length <= 140 && cut < 0) return { summary: flat }
  if (cut > 0 && cut <= 140) return { summary: `${flat.slice(0, cut)}.`, details: flat }
  return { summary: `${flat.slice(0, 137).trimEnd()}…`, details: flat }
}
