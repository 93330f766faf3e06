// The UI's words in English and Korean (./i18n/). The choice is kept in localStorage.
import { fillTemplate, type EngineSaying } from '../../shared/engineMessages'
import { sayingOf } from '../../shared/studioErrors'
import { EN, type MessageKey } from './i18n/en'
import { KO } from './i18n/ko'

export type { MessageKey }

const MESSAGES = { en: EN, ko: KO } as const

export type Language = keyof typeof MESSAGES
export const LANGUAGES: { readonly id: Language; readonly name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'ko', name: '한국어' }
]

function savedLanguage(): Language {
  const saved = globalThis.localStorage?.getItem('melody-studio.language')
  return saved === 'ko' ? 'ko' : 'en'
}

export const locale = $state<{ language: Language }>({ language: savedLanguage() })

export function setLanguage(language: Language): void {
  locale.language = language
  globalThis.localStorage?.setItem('melody-studio.language', language)
  document.documentElement.lang = language
}

/** The message in the current language, `{name}` filled from `values` (`{n:one|other}` picks a word by n). */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return fillTemplate(MESSAGES[locale.language][key], values)
}

/** What the engine said, in the current language where it gave its message a code; else its English. */
export function engineSaid(message: { readonly message: string; readonly said?: EngineSaying }): string {
  return message.said ? t(`engine.${message.said.code}`, message.said.values) : message.message
}

/** An error's message to show, in the current language where the engine gave it a code. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return engineSaid({ message: error.message, said: sayingOf(error) })
}

/** A duration with its unit, in the current language (12.3 s, 12.3초). */
export const seconds = (ms: number): string => t('unitSeconds', { n: (ms / 1000).toFixed(1) })

/** A share as a percentage, in the current language (87 %, 87%). */
export const percent = (x: number): string => t('unitPercent', { n: (x * 100).toFixed(0) })

/** A number of epochs, in the current language. */
export const epochsText = (n: number): string => t('runEpochs', { n })

const BACKEND_KEYS: Readonly<Record<string, MessageKey>> = {
  wasm: 'backendName.wasm',
  cpu: 'backendName.cpu',
  'tfjs-node': 'backendName.tfjs-node',
  'tfjs-node-gpu': 'backendName.tfjs-node-gpu'
}

/** A TensorFlow.js backend's name with a word on what it is (an unknown name as it is). */
export function backendLabel(name: string): string {
  const key = BACKEND_KEYS[name]
  return key ? t(key) : name
}
