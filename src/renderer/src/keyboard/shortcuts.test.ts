import { describe, expect, it } from 'vitest'
import { keysLabel, provideCommand, runCommand, shortcutFor, SHORTCUTS, type KeyPress } from './shortcuts'

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...extra })

describe('shortcuts', () => {
  it('reads Ctrl on Linux and Windows, Cmd on macOS', () => {
    expect(shortcutFor(press('Enter', { ctrlKey: true }), false)).toBe('train')
    expect(shortcutFor(press('Enter', { metaKey: true }), true)).toBe('train')
    expect(shortcutFor(press('Enter', { metaKey: true }), false)).toBeNull()
    expect(shortcutFor(press('Enter', { ctrlKey: true }), true)).toBeNull()
    expect(shortcutFor(press('O', { ctrlKey: true }), false)).toBe('open')
    expect(shortcutFor(press('s', { ctrlKey: true }), false)).toBe('save')
    expect(shortcutFor(press('e', { ctrlKey: true }), false)).toBe('export')
    expect(shortcutFor(press('e', { ctrlKey: true, altKey: true }), false)).toBeNull()
  })

  it('leaves Space and ? to a field with focus, but Ctrl shortcuts and Esc work there too', () => {
    expect(shortcutFor(press(' '), false)).toBe('play')
    expect(shortcutFor(press(' ', { inField: true }), false)).toBeNull()
    expect(shortcutFor(press('?'), false)).toBe('help')
    expect(shortcutFor(press('?', { inField: true }), false)).toBeNull()
    expect(shortcutFor(press('Enter', { ctrlKey: true, inField: true }), false)).toBe('train')
    expect(shortcutFor(press('Escape', { inField: true }), false)).toBe('stopTraining')
    expect(shortcutFor(press('a'), false)).toBeNull()
    expect(shortcutFor(press(' ', { ctrlKey: true }), false)).toBeNull()
  })

  it('writes each key as the platform does', () => {
    expect(keysLabel('train', false)).toBe('Ctrl+Enter')
    expect(keysLabel('train', true)).toBe('⌘Enter')
    expect(keysLabel('open', false)).toBe('Ctrl+O')
    expect(keysLabel('play', true)).toBe('Space')
    expect(keysLabel('stopTraining', false)).toBe('Esc')
    expect(new Set(SHORTCUTS.map((s) => s.action)).size).toBe(SHORTCUTS.length)
  })

  it('runs the registered command, and not one removed', () => {
    let runs = 0
    const remove = provideCommand('play', () => ++runs > 0)
    expect(runCommand('play')).toBe(true)
    remove()
    expect(runCommand('play')).toBe(false)
    expect(runs).toBe(1)
  })
})
