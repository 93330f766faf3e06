import { windowRows } from './dataset/windows'
import { noteCodeToString, parseNoteCodes } from './notation/noteCodes'
import { chooseVocabulary, indexNotes } from './notation/vocabulary'

/** What the song screen shows about typed note codes, without touching TensorFlow. */
export function summarizeNoteCodes(text: string, window: number) {
  const notes = parseNoteCodes(text)
  const vocabulary = chooseVocabulary(notes)
  const rows = windowRows(indexNotes(notes, vocabulary), window)
  return {
    notes: notes.length,
    samples: rows.length,
    window,
    vocabulary: vocabulary.kind,
    codes: notes.map(noteCodeToString)
  }
}
