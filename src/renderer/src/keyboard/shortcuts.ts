// The studio's keyboard shortcuts: which key does what (one table, shown in the `?` sheet and in
// the buttons' tooltips), and the one listener that turns a key press into a command.
import type { MessageKey } from '../i18n/en'

export type ShortcutAction = 'play' | 'train' | 'stopTraining' | 'open' | 'save' | 'export' | 'help'

export interface Shortcut {
  readonly action: ShortcutAction
  /** `event.key` as pressed (compared case-insensitively for letters). */
  readonly key: string
  /** Needs Ctrl (Cmd on macOS). */
  readonly mod: boolean
  /** What it does, as the `?` sheet says it. */
  readonly description: MessageKey
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'play', key: ' ', mod: false, description: 'shortcutPlay' },
  { action: 'train', key: 'Enter', mod: true, description: 'shortcutTrain' },
  { action: 'stopTraining', key: 'Escape', mod: false, description: 'shortcutStopTraining' },
  { action: 'open', key: 'o', mod: true, description: 'shortcutOpen' },
  { action: 'save', key: 's', mod: true, description: 'shortcutSave' },
  { action: 'export', key: 'e', mod: true, description: 'shortcutExport' },
  { action: 'help', key: '?', mod: false, description: 'shortcutHelp' }
]

/** On macOS the shortcuts take Cmd where elsewhere they take Ctrl. */
export const isMac = (platform: string = globalThis.navigator?.userAgent ?? ''): boolean => /Mac|iPhone|iPad/.test(platform)

const KEY_NAMES: Record<string, string> = { ' ': 'Space', Enter: 'Enter', Escape: 'Esc', '?': '?' }

/** The keys of an action as written on screen: "Ctrl+Enter", "⌘O", "Space". */
export function keysLabel(action: ShortcutAction, mac: boolean = isMac()): string {
  const shortcut = SHORTCUTS.find((s) => s.action === action)
  if (!shortcut) return ''
  const key = KEY_NAMES[shortcut.key] ?? shortcut.key.toUpperCase()
  if (!shortcut.mod) return key
  return mac ? `⌘${key}` : `Ctrl+${key}`
}

/** A key press as the table reads it. */
export interface KeyPress {
  readonly key: string
  readonly ctrlKey: boolean
  readonly metaKey: boolean
  readonly altKey: boolean
  /** Focus is in a field that takes typed text or its own Space (a text field, a button, a list). */
  readonly inField: boolean
}

/** The action a key press asks for, or null: keys without Ctrl/Cmd act only outside fields. */
export function shortcutFor(press: KeyPress, mac: boolean): ShortcutAction | null {
  if (press.altKey) return null
  const mod = mac ? press.metaKey : press.ctrlKey
  const other = mac ? press.ctrlKey : press.metaKey
  if (other) return null
  for (const shortcut of SHORTCUTS) {
    if (shortcut.mod !== mod) continue
    if (shortcut.key.toLowerCase() !== press.key.toLowerCase()) continue
    // Esc stops a run from anywhere; Space and ? belong to the field that has focus.
    if (!shortcut.mod && shortcut.key !== 'Escape' && press.inField) return null
    return shortcut.action
  }
  return null
}

/** Elements that take typed text or their own Space: a shortcut without Ctrl leaves them alone. */
export function isField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return target.matches('input, textarea, select, button, a[href], summary, [role="button"], [role="checkbox"], [role="tab"]')
}

/**
 * What each action does now: registered by the component that owns the control (the song's
 * score plays, the Train button trains). A command returns false when it had nothing to do, and
 * the key then keeps its ordinary meaning.
 */
const commands = new Map<ShortcutAction, () => boolean>()

/** Registers the action's command; returns its removal (for an `$effect`). */
export function provideCommand(action: ShortcutAction, command: () => boolean): () => void {
  commands.set(action, command)
  return () => {
    if (commands.get(action) === command) commands.delete(action)
  }
}

/** Runs the action's command; true when it did something. */
export function runCommand(action: ShortcutAction): boolean {
  return commands.get(action)?.() ?? false
}

/** Listens for the shortcuts on `target` (the window); returns the listener's removal. */
export function installShortcuts(target: Window, mac: boolean = isMac()): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing) return
    // A dialog open (the `?` sheet) has the keys to itself: Esc closes it.
    if (target.document.querySelector('dialog[open]')) return
    const action = shortcutFor({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, inField: isField(event.target) }, mac)
    if (action && runCommand(action)) event.preventDefault()
  }
  target.addEventListener('keydown', onKey)
  return () => target.removeEventListener('keydown', onKey)
}
