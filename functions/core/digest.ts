import type { Finding } from './alert.js';
import type { SourceId } from './position.js';

/** The daily digest: per account, when it was last checked, how each source fares, and what fires. */
export interface Digest {
  accounts: DigestAccount[];
}

export interface DigestAccount {
  account: string;
  lastCycleAt: number | null;
  sources: { source: SourceId; failures: number; lastOkAt: number | null; openPositions: number }[];
  firing: Finding[];
}
