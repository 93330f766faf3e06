import { memoryFlow } from './memoryFlows'
import { corpusFlow, corpusSequenceFlow, functionalModelFlow, modelLabFlow } from './modelLabFlows'
import { koreanFlow, malformedAbcFlow, openFilesFlow, scoreAndEditorFlow, typoWarningsFlow, undoAfterOpenFlow } from './songFlows'
import type { StudioFlow } from './studioUnderTest'
import { reproduceTutorialFlow } from './tutorialFlows'
import { compareBarByBarFlow, corruptRunFileFlow, deleteRunFlow, earlyStoppingFlow, projectFileFlow, stopAndTrainOnFlow, trainAndSeeWrongNotesFlow } from './trainingFlows'

/** Every flow both the web spec and the desktop spec run, in this order: a new one goes here, and so into both. */
export const SHARED_FLOWS: readonly StudioFlow[] = [
  trainAndSeeWrongNotesFlow,
  compareBarByBarFlow,
  openFilesFlow,
  undoAfterOpenFlow,
  typoWarningsFlow,
  scoreAndEditorFlow,
  koreanFlow,
  corruptRunFileFlow,
  deleteRunFlow,
  projectFileFlow,
  malformedAbcFlow,
  stopAndTrainOnFlow,
  modelLabFlow,
  functionalModelFlow,
  corpusFlow,
  corpusSequenceFlow,
  earlyStoppingFlow,
  reproduceTutorialFlow,
  memoryFlow
]

export type { StudioFlow, StudioUnderTest } from './studioUnderTest'
