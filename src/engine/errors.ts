import { englishOf, type EngineSaying } from '../shared/engineMessages'

/**
 * Errors the engine throws on purpose. Each one is meant to be shown to a person as it is:
 * the message names the problem (and, for text input, the line and the token).
 * They cross process boundaries as `{ name, message, said }`: the name, the English message, and
 * for the common ones the message as a code and values (../shared/engineMessages), to translate.
 */
export class StudioError extends Error {
  override readonly name: string = 'StudioError'
  /** The message as a code and its values, where it has one: the UI says it in the person's language. */
  readonly said?: EngineSaying

  constructor(message: string | EngineSaying) {
    super(typeof message === 'string' ? message : englishOf(message))
    if (typeof message !== 'string') this.said = message
  }
}

/** Bad text in a song: `line` and `column` are 1-based, `token` is the offending text. */
export class SongSyntaxError extends StudioError {
  override readonly name = 'SongSyntaxError'
  constructor(
    readonly line: number,
    readonly column: number,
    readonly token: string,
    problem: string
  ) {
    super(`line ${line}, column ${column}: ${problem}`)
  }
}

/** A song that parses but cannot be used as asked (empty, shorter than the window…). */
export class SongError extends StudioError {
  override readonly name = 'SongError'
}

/** An option outside its allowed range (epochs ≤ 0, NaN learning rate…). */
export class OptionError extends StudioError {
  override readonly name = 'OptionError'
}

/** Training stopped because the caller asked it to. */
export class TrainingCancelledError extends StudioError {
  override readonly name = 'TrainingCancelledError'
  constructor(readonly epochsDone: number) {
    super(`training cancelled after ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}`)
  }
}

/**
 * Input past one of the named limits in `src/shared/limits.ts`. The message names the limit, the
 * value and (for text) the line and column; it is raised before anything of that size is built.
 */
export class LimitError extends StudioError {
  override readonly name = 'LimitError'
  constructor(
    readonly limit: string,
    message: string
  ) {
    super(`${message} (limit ${limit})`)
  }
}

/** Generation (a continuation) stopped because the caller asked it to. */
export class GenerationCancelledError extends StudioError {
  override readonly name = 'GenerationCancelledError'
  constructor() {
    super('the continuation was stopped')
  }
}
