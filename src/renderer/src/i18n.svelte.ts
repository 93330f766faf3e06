// The UI's words in English and Korean. The choice is kept in localStorage.
const MESSAGES = {
  en: {
    language: 'Language',
    notConnected: 'The engine is not connected: open this page in the desktop app, or through npm run web.',
    song: 'Song',
    melodyInAbc: 'Melody in ABC',
    examples: 'Examples',
    chooseSong: 'choose a song…',
    notes: '{n} notes',
    warnings: '{n} warning(s)',
    line: 'line {n}',
    model: 'Model',
    epochs: 'Epochs',
    stopAtPerfect: 'stop at 100 %',
    options: 'Options',
    units: 'Units',
    window: 'Window',
    batch: 'Batch',
    learningRate: 'Learning rate',
    seed: 'Seed',
    keepState: 'stateful (keeps its state from window to window)',
    twoFeaturesOption: 'two features (pitch and length)',
    'model.mlp': 'MLP — sees four numbers, no memory',
    'model.lstm': 'LSTM — reads the window, forgets between windows',
    'model.stateful-lstm': 'Stateful LSTM — remembers where it is in the song',
    'model.stateful-lstm-2f': 'Stateful LSTM, pitch and length — learns fastest',
    describe: '{params} parameters · {classes} classes · {samples} samples · {kind}, {features} · batch {batch}',
    stateful: 'stateful',
    stateless: 'stateless',
    twoFeatures: 'pitch and length',
    oneFeature: 'one feature',
    backend: 'Backend: {name}',
    skipped: 'skipped {reason}',
    train: 'Train',
    stop: 'Stop',
    training: 'Training',
    progress: 'epoch {epoch}/{epochs} · loss {loss} · accuracy {accuracy} · {elapsed} elapsed · {left} left · {speed} samples/s',
    starting: 'starting…',
    stopped: 'Stopped: {message}',
    failed: 'Training failed: {message}',
    runs: 'Runs',
    noRuns: 'No runs yet.',
    onChart: 'on chart',
    generateAgain: 'generate again',
    runSummary: '{model}, {epochs} epochs: one step {oneStep}, full song {fullSong}',
    results: 'Results',
    resultSummary: '{model} on {backend} · {params} parameters · {epochs} epochs in {time}',
    trainingPath: 'Training path: {reason}',
    oneStep: 'One step: {accuracy} right, {wrong} wrong',
    fullSong: 'Full song: {accuracy} right, {wrong} wrong',
    export: 'Export:',
    play: '▶ Play',
    stopPlaying: '■ Stop',
    open: 'Open…',
    dropHint: 'or drop an .abc, .mid or .codes file here',
    chooseOne: '{name} holds several — choose one:',
    useIt: 'Use it'
  },
  ko: {
    language: '언어',
    notConnected: '엔진이 연결되지 않았습니다: 데스크톱 앱이나 npm run web 으로 여세요.',
    song: '노래',
    melodyInAbc: 'ABC 악보',
    examples: '예제',
    chooseSong: '노래 고르기…',
    notes: '음표 {n}개',
    warnings: '경고 {n}개',
    line: '{n}번째 줄',
    model: '모델',
    epochs: '에포크',
    stopAtPerfect: '100 %에서 멈춤',
    options: '설정',
    units: '유닛',
    window: '윈도우',
    batch: '배치',
    learningRate: '학습률',
    seed: '시드',
    keepState: '상태 유지 (윈도우 사이에 상태를 이어감)',
    twoFeaturesOption: '특성 두 개 (음높이와 길이)',
    'model.mlp': '다층 퍼셉트론 — 숫자 네 개만 보고 기억이 없음',
    'model.lstm': 'LSTM — 윈도우를 차례로 읽지만 윈도우 사이는 잊음',
    'model.stateful-lstm': '상태 유지 LSTM — 노래의 어디쯤인지 기억함',
    'model.stateful-lstm-2f': '상태 유지 LSTM, 음높이와 길이 — 가장 빨리 배움',
    describe: '파라미터 {params}개 · 클래스 {classes}개 · 샘플 {samples}개 · {kind}, {features} · 배치 {batch}',
    stateful: '상태 유지',
    stateless: '상태 없음',
    twoFeatures: '음높이와 길이',
    oneFeature: '특성 하나',
    backend: '백엔드: {name}',
    skipped: '건너뜀 {reason}',
    train: '학습',
    stop: '멈춤',
    training: '학습',
    progress: '에포크 {epoch}/{epochs} · 손실 {loss} · 정확도 {accuracy} · {elapsed} 지남 · {left} 남음 · 초당 샘플 {speed}개',
    starting: '시작하는 중…',
    stopped: '멈춤: {message}',
    failed: '학습 실패: {message}',
    runs: '학습 기록',
    noRuns: '아직 기록이 없습니다.',
    onChart: '차트에 표시',
    generateAgain: '다시 생성',
    runSummary: '{model}, {epochs} 에포크: 한 스텝 {oneStep}, 곡 전체 {fullSong}',
    results: '결과',
    resultSummary: '{model} ({backend}) · 파라미터 {params}개 · {epochs} 에포크, {time}',
    trainingPath: '학습 경로: {reason}',
    oneStep: '한 스텝 예측: {accuracy} 맞음, {wrong}개 틀림',
    fullSong: '곡 전체 예측: {accuracy} 맞음, {wrong}개 틀림',
    export: '내보내기:',
    play: '▶ 재생',
    stopPlaying: '■ 정지',
    open: '열기…',
    dropHint: '또는 .abc, .mid, .codes 파일을 여기에 끌어 놓으세요',
    chooseOne: '{name} 안에 여러 곡이 있습니다 — 하나를 고르세요:',
    useIt: '사용'
  }
} as const

export type Language = keyof typeof MESSAGES
export type MessageKey = keyof (typeof MESSAGES)['en']
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
