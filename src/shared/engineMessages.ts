// What the engine says to people most often (the errors and warnings a song, a file or a run
// meets), by code, with its values: the English here is the engine's own message and the
// renderer's English (i18n/en.ts spreads it in), and each other language translates every code
// (i18n/ko.ts; the completeness test fails on one missing). A message with a code crosses every
// boundary beside its English text (SerializedError.said, SongProblem.said), so the UI can say it
// in the person's language; anything without a code is shown in English as the engine wrote it.
import { z } from 'zod'

/**
 * `{name}` is a value; `{count:one|other}` picks a word by whether `count` is 1. Values given as
 * text are the person's own (a file name, a note) or a detail from the system (a file's path, an
 * error code), never English words to translate.
 */
export const ENGINE_MESSAGES = {
  songTooShort: 'the song has {notes} {notes:note|notes}, but a window of {window} needs at least {needed}',
  tuneHasNoNotes: 'the tune has no notes',
  noNotesAfterKey: 'no notes could be read from the tune after its K: field',
  noAbcTune: 'the text holds no ABC tune',
  unclosedChord: 'a chord opened with [ is not closed: its notes are dropped; close it with ]',
  unplayedNotes:
    "{count} {count:note|notes} and rests written here are never played: they sit in an ending (such as [2 or |2) that no repeat reaches; write :| before it, or remove the ending's number",
  invisibleRests: '{count} invisible {count:rest|rests} (x) played as silence, as a rest z would be; write z for a rest you mean to hear',
  unknownDecoration: 'the decoration !{name}! is not one ABC knows: it is left out, and the note is played as written',
  unknownCharacter: 'this character is not ABC: it is left out',
  graceNotesDropped: '{count} grace {count:note|notes} dropped',
  graceNotesDroppedInBars: '{count} grace {count:note|notes} dropped ({bars:bar|bars} {barList})',
  notAnAbcField: "'{field}:' is not an ABC field: line ignored",
  midiDamaged: 'the MIDI file is damaged or truncated: {detail}',
  unknownSongFormat: '{file}: unknown song format; open .abc, .mid or .codes',
  noTuneWithNotes: '{file}: no tune with notes',
  savedModelUnusable: "this run's trained model is missing or damaged, so it cannot be used: train the song again to make a new one; {detail}",
  otherVocabulary:
    'that run was trained on other notes or with other options (another vocabulary or model): train it more on the same song (or songs) with the same options',
  notAProjectJson: 'this is not a Melody Studio project (it is not JSON)',
  notAProject: 'this is not a Melody Studio project',
  projectFromNewerStudio: 'this project was saved by a newer Melody Studio (project version {version}); update the studio to open it',
  projectDamaged: 'the project is damaged: {detail}',
  noteNotKnown: "the song's note {note} is not among the notes the model knows; change it or train on songs that have it",
  notesNotKnown: "{count} of the song's notes are not among the notes the model knows: {notes}; change them or train on songs that have them",
  // Whether the GPU trains, and why not (engine/backend/gpuProbe). {needed} and {cudnn} are the
  // versions tfjs-node-gpu's TensorFlow was built for; {found}, {driver} and {gpu} are the machine's.
  gpuInUse: 'GPU in use: {gpu} (CUDA {cuda})',
  gpuPackageMissing: 'tfjs-node-gpu not installed',
  gpuLoadFailed: 'tfjs-node-gpu did not load: {detail}',
  gpuLibraryMissing: '{library} not found: this TensorFlow needs CUDA {needed} and cuDNN {cudnn}; training on the CPU',
  gpuNoDriver: 'loaded, but TensorFlow sees no CUDA device (no NVIDIA driver found); training on the CPU',
  gpuDriverTooOld: 'NVIDIA driver {driver} runs CUDA up to {driverCuda}, this TensorFlow needs CUDA {needed} (driver {minDriver} or newer); training on the CPU',
  gpuNoCudaRuntime: 'NVIDIA driver {driver} found, but no CUDA runtime library that the loader can see; this TensorFlow needs CUDA {needed} and cuDNN {cudnn}; training on the CPU',
  gpuCudaMismatch: 'CUDA {found} found, this TensorFlow needs {needed} and cuDNN {cudnn}; training on the CPU',
  gpuNoCudnn: 'CUDA {found} found but no cuDNN, this TensorFlow needs cuDNN {cudnn}; training on the CPU',
  gpuCudnnMismatch: 'cuDNN {found} found, this TensorFlow needs cuDNN {cudnn} with CUDA {needed}; training on the CPU',
  gpuNotSeen: 'loaded, but TensorFlow sees no CUDA device although driver {driver}, CUDA {found} and cuDNN are there (its own log says why); training on the CPU',
  gpuNotTried: 'the backend is set to {backend}'
} as const

export type EngineMessageCode = keyof typeof ENGINE_MESSAGES
export type EngineMessageValues = Readonly<Record<string, string | number>>

/** A message as code and values: what the UI translates. */
export interface EngineSaying {
  readonly code: EngineMessageCode
  readonly values: EngineMessageValues
}

const CODES = Object.keys(ENGINE_MESSAGES) as [EngineMessageCode, ...EngineMessageCode[]]

/** A saying as it crosses a boundary: a known code, a few short values. */
export const ENGINE_SAYING_SCHEMA = z.object({
  code: z.enum(CODES),
  values: z.record(z.string().max(32), z.union([z.string().max(4096), z.number()])).refine((values) => Object.keys(values).length <= 16, 'at most 16 values')
})

/** A template with its values: `{name}` and `{count:one|other}` (see ENGINE_MESSAGES). */
export function fillTemplate(template: string, values: EngineMessageValues): string {
  return template.replace(/\{(\w+)(?::([^|}]*)\|([^}]*))?\}/g, (whole, name: string, one: string | undefined, other: string | undefined) => {
    const value = values[name]
    if (one !== undefined) return Number(value) === 1 ? one : (other ?? '')
    return value === undefined ? whole : String(value)
  })
}

/** The saying's English, as the engine writes it in its errors and logs. */
export function englishOf(saying: EngineSaying): string {
  return fillTemplate(ENGINE_MESSAGES[saying.code], saying.values)
}

/** A saying of `code` with its values. */
export function saying(code: EngineMessageCode, values: EngineMessageValues = {}): EngineSaying {
  return { code, values }
}
