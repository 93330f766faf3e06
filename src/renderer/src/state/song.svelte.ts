import type { MelodyValue, SongReport, StudioApi } from '../../../shared/studioApi'
import { NABIYA_ABC } from '../exampleSongs'
import { errorMessage } from '../i18n.svelte'
import { createAutosave, type Autosave } from './autosave'

/** The song in the editor: its text, how the engine reads it, and its autosave. */
export class SongState {
  /** The editor's text, as typed (it may be mid-edit and broken). */
  abc = $state(NABIYA_ABC)
  /** How the engine read the text, a moment after the last keystroke. */
  check = $state<SongReport | null>(null)
  /** The last ABC that read without errors: the score keeps showing it while the text is broken. */
  goodAbc = $state(NABIYA_ABC)
  /**
   * That ABC as the engine read it, once: the melody every later call takes (the model screen,
   * training, exports). Null until the first reading comes back.
   */
  goodMelody = $state<MelodyValue | null>(null)
  /**
   * A whole new text for the editor (a file opened, an example chosen) and where it came from:
   * the editor puts it in as one edit of its own, so Ctrl+Z brings back what was there.
   */
  replacement = $state<{ readonly text: string; readonly source: string } | null>(null)
  /** Where the text the editor last took in whole came from, to say what Ctrl+Z would undo. */
  replacedBy = $state<string | null>(null)
  /** Where the editor's cursor is (a character of the text), for the score to highlight the note there. */
  cursorAt = $state<number | null>(null)
  /** Characters the editor is asked to select (a note clicked in the score); the editor takes it and clears it. */
  selection = $state<{ readonly start: number; readonly end: number } | null>(null)
  /** The score is drawn from the text as typed (no error since): its characters are the editor's. */
  readonly scoreIsText = $derived(this.abc === this.goodAbc)
  /** Why the last autosave failed, or null once one succeeds. */
  saveProblem = $state<string | null>(null)
  readonly errors = $derived(this.check?.problems.filter((p) => p.severity === 'error') ?? [])
  /** Null without an engine: there is nowhere to save. */
  readonly autosave: Autosave | null

  constructor(studio: StudioApi | null) {
    this.autosave = studio
      ? createAutosave(
          (text) => studio.saveSong(text),
          (error) => (this.saveProblem = error === null ? null : errorMessage(error))
        )
      : null
  }

  /** Replaces the editor's text, undoably (see `replacement`). */
  replace(text: string, source: string): void {
    if (text !== this.abc) this.replacement = { text, source }
  }

  /** The engine's reading of `text`; ignored when the editor has moved on since. */
  checked(text: string, report: SongReport): void {
    if (text !== this.abc) return
    this.check = report
    if (report.notes > 0 && report.melody && !report.problems.some((p) => p.severity === 'error')) {
      this.goodAbc = text
      this.goodMelody = report.melody
    }
  }
}
