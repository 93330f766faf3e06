// The engine's common messages as code and values: filled in English exactly as the engine throws
// them, carried across every boundary, and a hostile saying dropped rather than shown.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { windowRows } from '../engine/dataset/windows'
import { SongError } from '../engine/errors'
import { abcToMelodies } from '../engine/notation/abcIn'
import { midiToMelody } from '../engine/notation/midi'
import { sharedPath } from '../engine/testing/seedSong'
import { ENGINE_MESSAGES, englishOf, fillTemplate, saying } from '../shared/engineMessages'
import { deserializeError, sayingOf, serializeError } from '../shared/studioErrors'
import { SERIALIZED_ERROR_SCHEMA } from '../shared/studioSchemas'

describe('engine messages', () => {
  it('fills values and picks a word by count', () => {
    expect(fillTemplate('{count} {count:note|notes} in {file}', { count: 1, file: 'a.abc' })).toBe('1 note in a.abc')
    expect(fillTemplate('{count} {count:note|notes}', { count: 3 })).toBe('3 notes')
    // A value not given stays visible as its name, rather than vanishing.
    expect(fillTemplate('{missing} here', {})).toBe('{missing} here')
  })

  it('is what the engine throws: the English message, and the code and values beside it', () => {
    let thrown: unknown
    try {
      windowRows([1, 2, 3], 4)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SongError)
    expect((thrown as SongError).message).toBe('the song has 3 notes, but a window of 4 needs at least 5')
    expect((thrown as SongError).said).toEqual(saying('songTooShort', { notes: 3, window: 4, needed: 5 }))
  })

  it('marks the ABC warnings a typo gives with their codes', () => {
    const problems = abcToMelodies('X:1\nT:t\nM:4/4\nL:1/8\nK:C\nCDEF G[ABc|cBAG FExC|\n').tunes[0]?.problems ?? []
    const codes = problems.flatMap((problem) => (problem.said ? [problem.said.code] : []))
    expect(codes).toEqual(['unclosedChord', 'invisibleRests'])
    for (const problem of problems) if (problem.said) expect(problem.message).toBe(englishOf(problem.said))
  })

  it('crosses a boundary with its saying, which is checked on the way', () => {
    let thrown: unknown
    try {
      midiToMelody(readFileSync(sharedPath('corpus/nottingham/midi/jigs1.mid')).subarray(0, 60))
    } catch (error) {
      thrown = error
    }
    const serialized = serializeError(thrown)
    expect(serialized.said?.code).toBe('midiDamaged')
    expect(SERIALIZED_ERROR_SCHEMA.parse(JSON.parse(JSON.stringify(serialized)))).toEqual(serialized)
    const again = deserializeError(serialized, 'failed')
    expect(sayingOf(again)).toEqual(serialized.said)
    expect(again.message).toBe(englishOf(serialized.said ?? saying('noAbcTune')))
    // An unknown code, or values past their bounds, are dropped: the English message is shown instead.
    expect(sayingOf({ said: { code: 'rm -rf', values: {} } })).toBeUndefined()
    expect(sayingOf({ said: { code: 'midiDamaged', values: { detail: 'x'.repeat(10_000) } } })).toBeUndefined()
    expect(serializeError(Object.assign(new Error('plain'), { said: { code: 'nope' } }))).toEqual({ name: 'Error', message: 'plain' })
  })

  it('has every code used by the engine or its use cases', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const root = join(import.meta.dirname, '..')
    const sources = ['engine', 'usecases']
      .flatMap((dir) => readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(root, dir, file)))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    for (const code of Object.keys(ENGINE_MESSAGES)) expect(sources, code).toContain(`'${code}'`)
  })
})
