// Example songs shipped in resources/songs, bundled with the UI (nothing is fetched at run time).
import arirang from '../../../resources/songs/arirang.abc?raw'
import frereJacques from '../../../resources/songs/frere-jacques.abc?raw'
import nabiya from '../../../resources/songs/nabiya.abc?raw'
import odeToJoy from '../../../resources/songs/ode-to-joy.abc?raw'
import twinkle from '../../../resources/songs/twinkle.abc?raw'

export const EXAMPLE_SONGS: { readonly title: string; readonly abc: string }[] = [
  { title: '나비야 (Butterfly) — the seed song', abc: nabiya },
  { title: 'Twinkle, Twinkle, Little Star', abc: twinkle },
  { title: 'Frère Jacques', abc: frereJacques },
  { title: 'Ode to Joy', abc: odeToJoy },
  { title: '아리랑 (Arirang)', abc: arirang }
]

export const NABIYA_ABC = nabiya
