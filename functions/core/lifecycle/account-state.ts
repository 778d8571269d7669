import type { AccountRisk } from '../account-risk.js';
import type { AlertState } from '../alert.js';
import type { SourceId } from '../position.js';
import type { LegBook } from '../rules/new-hedge-leg.js';
import type { RiskHealth } from '../rules/risk-down.js';
import type { SourceHealth } from '../rules/source-down.js';

/** Everything one account carries from one cycle to the next. */
export interface AccountState {
  account: string;
  /** Legs held last cycle per source; a source without a book has not yet had a good cycle. */
  legs: Partial<Record<SourceId, LegBook>>;
  health: Partial<Record<SourceId, SourceHealth>>;
  alerts: Record<string, AlertState>;
  lastCycleAt: number | null;
  /**
   * The last few distances to liquidation of each open leg, oldest first, for its pace; keyed by the
   * alert key of the leg's `liq-distance` alert. Absent in state saved before it was kept.
   */
  distances?: Record<string, DistanceSample[]> | undefined;
  /**
   * How each source's account read (margin numbers, ADL quantiles) fared, beside `health`. Absent in
   * state saved before accounts were read, and while none is.
   */
  riskHealth?: Partial<Record<SourceId, RiskHealth>> | undefined;
  /** The account numbers last read, per book (`/status`, the digest); absent before any account read. */
  risks?: AccountRisk[] | undefined;
}

/** One leg's distance to liquidation, in %, at one cycle. */
export interface DistanceSample {
  at: number;
  pct: number;
}

/** The state of an account that has never been checked: no legs, no health, no alerts. */
export function emptyAccountState(account: string): AccountState {
  return { account, legs: {}, health: {}, alerts: {}, lastCycleAt: null };
}
