import type { AccountRead } from '#accounts/read-accounts.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { Position, SourceId } from '#core/position.js';

/** How one source of one account fared in a cycle. */
export interface SourceReport {
  source: SourceId;
  ok: boolean;
  ms: number;
  openPositions?: number;
  error?: string;
}

export interface AccountReport {
  account: string;
  sources: SourceReport[];
  /** `false` when another invocation moved the account forward first: its notifications stand. */
  saved: boolean;
  positions: Position[];
}

/** What one check cycle read, and what it handed to the queue. */
export interface CycleReport {
  at: number;
  accounts: AccountReport[];
  deliveries: Delivery[];
  /** What the cycle judged: the exchange's answers per account (a watcher recomputes distances from them). */
  reads: readonly AccountRead[];
}
