/**
 * What a saved prediction is called: the song, the model, the day and which prediction, so files
 * from several runs tell themselves apart (`나비야 (Butterfly) - stateful-lstm-2f - 2026-12-01 - one-step`).
 * The engine keeps only what a file system takes of it.
 */
export function predictionFileName(song: string, model: string, which: string, day: Date = new Date()): string {
  const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`
  return [song.trim() || 'melody', model, date, which].join(' - ')
}
