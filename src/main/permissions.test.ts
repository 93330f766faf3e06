import { describe, expect, it } from 'vitest'
import { isAppUrl, isPermissionAllowed, permissionSettingsOf } from './permissions'

const ALL_PERMISSIONS = [
  'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'hid', 'idle-detection', 'media',
  'mediaKeySystem', 'midi', 'midiSysex', 'notifications', 'openExternal', 'pointerLock', 'keyboardLock', 'serial', 'speaker-selection',
  'storage-access', 'top-level-storage-access', 'usb', 'window-management', 'unknown', 'fileSystem', 'deprecated-sync-clipboard-read', ''
]

describe('isPermissionAllowed', () => {
  it('refuses everything while MIDI input is off', () => {
    for (const permission of ALL_PERMISSIONS) expect(isPermissionAllowed(permission, { midiInput: false })).toBe(false)
  })

  it('allows only midi (never midiSysex) while MIDI input is on', () => {
    const allowed = ALL_PERMISSIONS.filter((permission) => isPermissionAllowed(permission, { midiInput: true }))
    expect(allowed).toEqual(['midi'])
    expect(isPermissionAllowed('MIDI', { midiInput: true })).toBe(false)
    expect(isPermissionAllowed('midi ', { midiInput: true })).toBe(false)
  })

  it('opens input and output with the one setting, and follows it when turned off again', () => {
    // requestMIDIAccess({ sysex: false }) asks 'midi' for the whole access (inputs and outputs);
    // with { sysex: true } Chromium asks 'midiSysex', which stays refused.
    let settings = permissionSettingsOf({ midiInput: true })
    expect(isPermissionAllowed('midi', settings)).toBe(true)
    expect(isPermissionAllowed('midiSysex', settings)).toBe(false)
    settings = permissionSettingsOf({ language: 'ko', midiInput: false })
    expect(isPermissionAllowed('midi', settings)).toBe(false)
  })

  it('reads the setting as on only when it is exactly true', () => {
    expect(permissionSettingsOf({ midiInput: true })).toEqual({ midiInput: true })
    for (const settings of [{}, { midiInput: false }, { midiInput: 'true' }, { midiInput: 1 }, null, undefined, 'midiInput', [true]]) {
      expect(permissionSettingsOf(settings)).toEqual({ midiInput: false })
    }
  })
})

describe('isAppUrl', () => {
  const packaged = 'file:///opt/Melody%20Studio/resources/app.asar/out/renderer/index.html'
  it('takes the packaged page, with any query or hash, and nothing else', () => {
    expect(isAppUrl(packaged, packaged)).toBe(true)
    expect(isAppUrl(`${packaged}?x=1#top`, packaged)).toBe(true)
    expect(isAppUrl('file:///etc/passwd', packaged)).toBe(false)
    expect(isAppUrl('file:///opt/Melody%20Studio/resources/app.asar/out/renderer/other.html', packaged)).toBe(false)
    expect(isAppUrl('file://evil.example/opt/Melody%20Studio/resources/app.asar/out/renderer/index.html', packaged)).toBe(false)
    expect(isAppUrl('https://evil.example/', packaged)).toBe(false)
  })

  it('takes any URL of the dev server origin, and nothing else', () => {
    const dev = 'http://localhost:5173'
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5173/src/main.ts?t=1', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isAppUrl('https://localhost:5173/', dev)).toBe(false)
    expect(isAppUrl('http://localhost.evil.example:5173/', dev)).toBe(false)
    expect(isAppUrl('file:///index.html', dev)).toBe(false)
  })

  it('refuses what does not parse, and odd app pages', () => {
    for (const url of ['', 'null', 'about:blank', 'not a url', 'javascript:alert(1)', 'data:text/html,hi']) {
      expect(isAppUrl(url, packaged)).toBe(false)
      expect(isAppUrl(url, 'http://localhost:5173')).toBe(false)
    }
    expect(isAppUrl('about:blank', 'about:blank')).toBe(false)
    expect(isAppUrl('http://localhost:5173/', '')).toBe(false)
  })
})
