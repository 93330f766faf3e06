import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRecentFiles, RECENT_FILES_MAX, recentLabel, saveRecentFiles, withRecent } from './recentFiles'

describe('recent files', () => {
  it('puts the file opened last first, once, and keeps at most RECENT_FILES_MAX', () => {
    expect(withRecent(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c'])
    const many = Array.from({ length: RECENT_FILES_MAX }, (_, i) => `/song-${i}.abc`)
    expect(withRecent(many, '/new.mstudio')).toEqual(['/new.mstudio', ...many.slice(0, RECENT_FILES_MAX - 1)])
    expect(recentLabel('/home/me/songs/nabiya.mstudio')).toBe('nabiya.mstudio — /home/me/songs')
  })

  it('saves and loads the list; a damaged or missing file is an empty list', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'recent-files-'))
    try {
      const file = join(folder, 'deeper', 'recent.json')
      expect(await loadRecentFiles(file)).toEqual([])
      await saveRecentFiles(file, ['/x/nabiya.mstudio', '/y/song.abc'])
      expect(await loadRecentFiles(file)).toEqual(['/x/nabiya.mstudio', '/y/song.abc'])
      writeFileSync(file, '{"paths": [1, 2]}')
      expect(await loadRecentFiles(file)).toEqual([])
      // Relative paths are none the menu wrote: dropped.
      writeFileSync(file, '{"paths": ["../etc/passwd", "/ok.abc"]}')
      expect(await loadRecentFiles(file)).toEqual(['/ok.abc'])
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
