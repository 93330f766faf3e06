import { expect, test } from '@playwright/test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileText, reopenStudio, useNabiya, type StudioFlow } from './studioUnderTest'

export const openFilesFlow: StudioFlow = {
  title: 'open a tune book and a MIDI file, choosing the tune and the track',
  async run({ page }) {
    // The example songs shipped in resources/ load into the editor and read without errors.
    for (const [title, notes] of [['Ode to Joy', 62], ['아리랑 (Arirang)', 69], ['Twinkle, Twinkle, Little Star', 42], ['Frère Jacques', 32]] as const) {
      await page.getByTestId('examples').selectOption({ label: title })
      await expect(page.getByTestId('song-status')).toHaveText(new RegExp(`^${notes} notes$`))
    }
    await page.getByTestId('open-file').setInputFiles(join(process.cwd(), '../shared/corpus/nottingham/abc/jigs.abc'))
    const choice = page.getByTestId('import-choice')
    // Reading all 340 tunes of the book takes a while on a slow machine.
    await expect(choice.locator('option')).toHaveCount(340, { timeout: 30_000 })
    await choice.selectOption('2')
    await page.getByRole('button', { name: 'Use it' }).click()
    await expect(page.getByLabel('Melody in ABC')).toHaveValue(/^X: 2\nT:Abacus/)
    await expect(page.getByTestId('song-status')).toHaveText(/^297 notes/)
    await page.getByTestId('open-file').setInputFiles(join(process.cwd(), '../shared/corpus/nottingham/midi/jigs1.mid'))
    await expect(choice.locator('option')).toHaveCount(2)
    await expect(choice.locator('option').first()).toHaveText(/track 1.*\(the melody, by our guess\)/)
    await page.getByRole('button', { name: 'Use it' }).click()
    await expect(page.getByLabel('Melody in ABC')).toHaveValue(/^X:1\nT:/)
    await expect(page.getByTestId('song-status')).toHaveText(/^171 notes/)
    // The ABC the import wrote reads back without a warning about itself.
    await expect(page.getByTestId('problem-mark')).toHaveCount(0)
    await expect(page.getByTestId('song-problems').locator('li')).toHaveCount(0)
    const broken = test.info().outputPath('broken.mid')
    writeFileSync(broken, readFileSync(join(process.cwd(), '../shared/corpus/nottingham/midi/jigs1.mid')).subarray(0, 60))
    await page.getByTestId('open-file').setInputFiles(broken)
    await expect(page.getByTestId('import-problem')).toHaveText(/damaged or truncated/)
  }
}

export const koreanFlow: StudioFlow = {
  title: 'the studio speaks Korean when asked, and remembers it',
  async run({ kind, page, dataDir }) {
    await page.getByTestId('language').selectOption('ko')
    await expect(page.getByRole('heading', { name: '노래' })).toBeVisible()
    await expect(page.getByRole('button', { name: '학습' })).toBeVisible()
    await expect(page.getByTestId('song-status')).toHaveText(/^음표 \d+개/)
    await expect.poll(() => fileText(join(dataDir, 'settings.json')), { timeout: 10_000 }).toBe('{"language":"ko"}')
    await page.reload()
    await expect(page.getByRole('heading', { name: '모델' })).toBeVisible()
    await page.screenshot({ path: `test-results/${kind}-korean.png`, fullPage: true })
    // The engine's warnings and errors are said in Korean too, by their codes.
    const song = await page.getByLabel('ABC 악보').inputValue()
    await page.getByLabel('ABC 악보').fill('X:1\nT:Typos\nM:4/4\nL:1/8\nK:C\nCDEF G[ABc|cBAG FExC|\n')
    await expect(page.getByTestId('song-problems').getByRole('listitem')).toHaveText([/화음이 닫히지 않아 그 음표들이 빠집니다/, /보이지 않는 쉼표\(x\) 1개가/])
    await page.getByLabel('ABC 악보').fill('X:1\nT:Empty\nK:C\n|]\n')
    await expect(page.getByTestId('song-status')).toHaveText(/곡에 음표가 없습니다/)
    await page.getByLabel('ABC 악보').fill(song)
    await page.getByTestId('language').selectOption('en')
    await expect(page.getByRole('heading', { name: 'Song', exact: true })).toBeVisible()
    await expect.poll(() => fileText(join(dataDir, 'settings.json')), { timeout: 10_000 }).toBe('{"language":"en"}')
  }
}

export const malformedAbcFlow: StudioFlow = {
  title: 'malformed ABC shows its line and keeps the last good score',
  async run({ page, dataDir }) {
    // The good song first, typed here rather than taken from the opening song.
    await useNabiya(page)
    await expect(page.getByTestId('song score').locator('.abcjs-note')).toHaveCount(54)
    await page.getByLabel('Melody in ABC').fill('X:1\nT:Broken\nK:C\n|]\n')
    await expect(page.getByTestId('song-status')).toHaveText(/the tune has no notes/)
    await expect(page.getByTestId('line-numbers').locator('div')).toHaveCount(5)
    await expect(page.getByTestId('line-numbers').locator('.bad')).toHaveText(['1'])
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled()
    await expect(page.getByTestId('song score').locator('.abcjs-note')).toHaveCount(54)
    // The broken text is autosaved as it is (nothing typed is lost) and comes back on reload.
    await expect.poll(() => fileText(join(dataDir, 'song.json')), { timeout: 10_000 }).toContain('T:Broken')
    await reopenStudio(page)
    await expect(page.getByLabel('Melody in ABC')).toHaveValue(/T:Broken/)
    await expect(page.getByTestId('song-status')).toHaveText(/the tune has no notes/)
    // A problem that is only a warning marks its line too.
    await page.getByLabel('Melody in ABC').fill('X:1\nT:Warned\nK:C\nC D # E\n')
    await expect(page.getByTestId('line-numbers').locator('.warn')).toHaveText(['4'])
  }
}

export const undoAfterOpenFlow: StudioFlow = {
  title: 'opening a file or an example never loses the song: Ctrl+Z in the editor, or Undo, brings it back',
  async run({ page }) {
    const editor = page.getByLabel('Melody in ABC')
    const mine = 'X:1\nT:Mine\nM:4/4\nL:1/8\nK:C\nCDEF GABc|c2 c2 B4|\n'
    await editor.fill(mine)
    await expect(page.getByTestId('song-status')).toHaveText(/^11 notes/)
    // A file opened replaces the text as one edit of the editor's own: Ctrl+Z takes it back.
    await page.getByTestId('open-file').setInputFiles(join(process.cwd(), '../shared/songs/nabiya.abc'))
    await expect(editor).toHaveValue(/나비야|Nabiya|T:/)
    await expect(editor).not.toHaveValue(mine)
    await expect(page.getByTestId('song-replaced')).toHaveText(/^Replaced by nabiya\.abc: Ctrl\+Z in the editor brings back what was there\./)
    await expect(page.getByTestId('song-status')).toHaveText(/^54 notes/)
    await editor.press('Control+z')
    await expect(editor).toHaveValue(mine)
    await expect(page.getByTestId('song-status')).toHaveText(/^11 notes/)
    // An example likewise, here taken back with the notice's Undo button.
    await page.getByTestId('examples').selectOption({ label: 'Frère Jacques' })
    await expect(page.getByTestId('song-status')).toHaveText(/^32 notes$/)
    await page.getByTestId('song-replaced').getByRole('button', { name: 'undo' }).click()
    await expect(editor).toHaveValue(mine)
    await expect(page.getByTestId('song-replaced')).toHaveCount(0)
  }
}

export const typoWarningsFlow: StudioFlow = {
  title: 'a typo that changes the music is a warning at its line and column, underlined in the editor and listed under it',
  async run({ kind, page }) {
    const editor = page.getByLabel('Melody in ABC')
    const song = 'X:1\nT:Typos\nM:4/4\nL:1/8\nK:C\nCDEF GABc|cBAG FEDC|\n'
    await editor.fill(song)
    await expect(page.getByTestId('song-status')).toHaveText(/^16 notes$/)
    await expect(page.getByTestId('song-problems')).toHaveCount(0)
    // `G[2`: a second ending no repeat reaches, so the notes after it are never played.
    const ending = song.replace('GABc', 'G[2 Bc')
    await editor.fill(ending)
    await expect(page.getByTestId('song-status')).toHaveText(/^5 notes · 1 warning/)
    const problems = page.getByTestId('song-problems').getByRole('listitem')
    await expect(problems).toHaveText([/^line 6, column 9\s+10 notes and rests written here are never played/])
    await expect(page.getByTestId('problem-mark')).toHaveText(['Bc'])
    await problems.getByRole('button', { name: 'line 6, column 9' }).click()
    expect(await editor.evaluate((area: HTMLTextAreaElement) => area.selectionStart)).toBe(ending.indexOf(' Bc|'))
    // An invisible rest x sounds as a rest; an unclosed chord drops its notes.
    await editor.fill(song.replace('FEDC', 'FExC').replace('GABc', 'G[ABc'))
    await expect(problems).toHaveText([/^line 6, column 11\s+a chord opened with \[ is not closed/, /^line 6, column 19\s+1 invisible rest \(x\) played as silence/])
    // abcjs notices the open chord at the bar line after it: the squiggle starts there.
    await expect(page.getByTestId('problem-mark')).toHaveText([/^\|/, 'xC'])
    // A decoration ABC does not know is left out, and says so, where it is written.
    await editor.fill(song.replace('GABc', '!foo!GABc'))
    await expect(problems).toHaveText([/^line 6, column 6\s+the decoration !foo! is not one ABC knows: it is left out/])
    await expect(page.getByTestId('song-status')).toHaveText(/^16 notes · 1 warning/)
    await page.getByTestId('song-problems').screenshot({ path: `test-results/${kind}-typo-warnings.png` })
    await page.getByLabel('Melody in ABC').screenshot({ path: `test-results/${kind}-typo-squiggles.png` })
  }
}

export const scoreAndEditorFlow: StudioFlow = {
  title: 'a note clicked in the score selects its characters in the editor, and the editor’s cursor lights its note in the score',
  async run({ page }) {
    const editor = page.getByLabel('Melody in ABC')
    const song = 'X:1\nT:Scale\nM:4/4\nL:1/4\nK:C\nC D E F|G A B c|\n'
    await editor.fill(song)
    await expect(page.getByTestId('song-status')).toHaveText(/^8 notes$/)
    const score = page.getByTestId('song score')
    await expect(score).toHaveAttribute('data-abc', song)
    // The third note, E: clicking it selects the E in the text. abcjs listens on the whole
    // drawing and finds the note nearest the pointer, so the click goes to the note's place.
    const box = await score.locator('.abcjs-note').nth(2).boundingBox()
    if (!box) throw new Error('the third note is not drawn')
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    const selected = () => editor.evaluate((area: HTMLTextAreaElement) => area.value.slice(area.selectionStart, area.selectionEnd).trim())
    await expect.poll(selected).toBe('E')
    // The cursor moved in the editor to the A of the second bar: the sixth note lights up.
    await editor.evaluate((area: HTMLTextAreaElement, at: number) => area.setSelectionRange(at, at), song.indexOf('A B c'))
    await editor.press('ArrowRight')
    await editor.press('ArrowLeft')
    await expect(score.locator('.abcjs-note.at-cursor')).toHaveCount(1)
    const lit = await score.locator('.abcjs-note').evaluateAll((notes) => notes.findIndex((note) => note.classList.contains('at-cursor')))
    expect(lit).toBe(5)
  }
}
