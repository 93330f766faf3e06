// Types for afterPack.mjs, for the packaging test (src/main/packaging.test.ts).
import type { FuseV1Config } from '@electron/fuses'
import type { AfterPackContext } from 'electron-builder'

export declare const FUSE_SETTINGS: Readonly<Record<string, boolean>>
export declare const ASAR_INTEGRITY_PLATFORMS: readonly string[]
export declare function fuseConfigFor(platform: string): FuseV1Config
export default function afterPack(context: AfterPackContext): Promise<void>
