// The UI's words in English and Korean (./i18n/). The choice is kept in localStorage.
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

/** The message in the current language, `{name}` filled from `values`. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const text: string = MESSAGES[locale.language][key]
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`))
}
