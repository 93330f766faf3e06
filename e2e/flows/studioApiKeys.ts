import { studioApiKeys as contractKeys } from '../../src/shared/studioContract'

/** The StudioApi's member names as the contract's method table defines them, sorted: what the preload must expose, exactly. */
export function studioApiKeys(): string[] {
  return contractKeys().sort()
}
