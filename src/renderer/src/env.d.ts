/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { StudioApi } from '../../shared/studioApi'

declare global {
  interface Window {
    /** Present inside the desktop app (exposed by the preload); absent in a plain browser. */
    readonly studio?: StudioApi
  }
}
