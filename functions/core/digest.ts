import type { AlertState, Finding } from './alert.js';
import type { RiskLine } from './format/risk-view.js';
import type { SourceId } from './position.js';

/** The daily digest: per account, when it was last checked, how each source fares, its margin numbers and what fires. */
export interface Digest {
  accounts: DigestAccount[];
}

export interface DigestAccount {
  account: string;
  lastCycleAt: number | null;
  sources: { source: SourceId; failures: number; lastOkAt: number | null; openPositions: number }[];
  firing: DigestAlert[];
  /** Its margin numbers as the check last read them, a line each (absent in a digest written before they were kept). */
  risks?: RiskLine[] | undefined;
}

/** An alert firing, with how deep it went and who acknowledged it (absent in a digest written before they were kept). */
export type DigestAlert = Finding & Partial<Pick<AlertState, 'rung' | 'ack'>>;
