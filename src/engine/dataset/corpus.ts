import { SongError } from '../errors'
import { abcToMelodies } from '../notation/abcIn'
import { melodyToNoteCodes } from '../notation/noteCodes'
import { indexNotes, vocabularyFromNotes, type Vocabulary } from '../notation/vocabulary'
import { shuffledOrder } from '../training/random'

/** Many tunes as token ids over one vocabulary (the note codes of every tune). */
export interface TokenCorpus {
  readonly vocabulary: Vocabulary
  readonly tunes: readonly { readonly title: string; readonly tokens: number[] }[]
}

/**
 * Every tune of an ABC text as note-code tokens, over the vocabulary of all of them.
 * @throws SongError when the text holds no tune with notes
 */
export function abcCorpusTokens(text: string): TokenCorpus {
  const melodies = abcToMelodies(text).tunes.flatMap((tune) =>
    tune.melody && tune.melody.notes.length > 0 ? [{ title: tune.title, codes: melodyToNoteCodes(tune.melody) }] : []
  )
  if (melodies.length === 0) throw new SongError('the text holds no tune with notes')
  const vocabulary = vocabularyFromNotes(melodies.flatMap((tune) => tune.codes))
  return { vocabulary, tunes: melodies.map((tune) => ({ title: tune.title, tokens: indexNotes(tune.codes, vocabulary) })) }
}

/** Windows of token ids and the token after each, never across a tune's end. */
export interface TokenWindows {
  readonly window: number
  /** ids, `window` per sample, sample after sample */
  readonly inputs: Int32Array
  readonly labels: Int32Array
}

export function corpusWindows(tunes: readonly { readonly tokens: readonly number[] }[], window: number): TokenWindows {
  const count = tunes.reduce((sum, tune) => sum + Math.max(0, tune.tokens.length - window), 0)
  const inputs = new Int32Array(count * window)
  const labels = new Int32Array(count)
  let sample = 0
  for (const { tokens } of tunes) {
    for (let start = 0; start + window < tokens.length; start++) {
      for (let t = 0; t < window; t++) inputs[sample * window + t] = tokens[start + t] ?? 0
      labels[sample] = tokens[start + window] ?? 0
      sample++
    }
  }
  return { window, inputs, labels }
}

/** Tunes split by tune (not by window) into training and validation, from a seed. */
export function splitTunesForValidation<T>(tunes: readonly T[], validationShare: number, random: () => number): { training: T[]; validation: T[] } {
  const order = shuffledOrder(tunes.length, random)
  const validationCount = Math.round(tunes.length * validationShare)
  const pick = (indices: number[]) => indices.map((i) => tunes[i] as T)
  return { validation: pick(order.slice(0, validationCount)), training: pick(order.slice(validationCount)) }
}
