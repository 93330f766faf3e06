// Types for electronBinary.mjs, so the TypeScript tests (e2e/desktop.spec.ts) use the same check.
export declare const ELECTRON_INSTALL_COMMAND: string
export declare function installedElectronBinary(): string | undefined
export declare function electronPackageDir(): string | undefined
export declare function downloadElectronBinary(): string | undefined
