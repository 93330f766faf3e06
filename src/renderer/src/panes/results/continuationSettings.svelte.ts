/**
 * How to continue the song: kept by the results pane, which stays mounted while results come and
 * go, so the choices carry over from one run's result to the next.
 */
export class ContinuationSettings {
  bars = $state(8)
  /** 0 = greedy. */
  temperature = $state(1)
  topK = $state<number | null>(null)
  seed = $state(1)
  variations = $state(2)
  /** Continue the song in the editor rather than the run's own song. */
  editorSong = $state(false)
  /** A continuation is being made (it can be stopped). */
  continuing = $state(false)
}
