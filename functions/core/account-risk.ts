import type { PositionSide, SourceId } from './position.js';

/*
 * The normalised account-level risk: the numbers the exchange liquidates a whole account on, beside the
 * normalised position (README, "Account risk"). A cross-margin account is liquidated when its margin
 * ratio (maintenance margin ÷ margin balance) reaches 100 %, whichever position moved; a Portfolio Margin
 * account on its uniMMR (unified maintenance margin ratio), which the exchange reminds below 1.5, makes
 * reduce-only below 1.2 and liquidates below 1.05.
 */

/**
 * The cross margin of a USDⓈ-M account (`GET /fapi/v2/account` or the WebSocket API's `account.status`:
 * its USDT totals, `asset` null) or of one COIN-M margin asset (`GET /dapi/v1/account`, one per row of
 * `assets`, `asset` the coin: `BTC`). Amounts are in the asset (USDⓈ-M: USDT, or USD in multi-assets mode).
 */
export interface CrossMarginRisk {
  kind: 'cross';
  account: string;
  source: SourceId;
  asset: string | null;
  maintMargin: number;
  marginBalance: number;
  walletBalance: number;
  /** What can still open positions or be withdrawn; `null` where the source does not say. */
  availableBalance: number | null;
}

/** The Portfolio Margin account (`GET /papi/v1/account`): one per account, whichever of its books is read. */
export interface PortfolioMarginRisk {
  kind: 'portfolio';
  account: string;
  /** The first of `pm-um`, `pm-cm` the account watches: its alerts are keyed under it. */
  source: SourceId;
  /** `null` where the exchange has no ratio to give (no maintenance margin). */
  uniMMR: number | null;
  /** `NORMAL`, `MARGIN_CALL`, `SUPPLY_MARGIN`, `REDUCE_ONLY`, `ACTIVE_LIQUIDATION`, `FORCE_LIQUIDATION`, `BANKRUPTED`. */
  accountStatus: string;
  /** Account equity in USD. */
  accountEquity: number;
  /** Equity without the collateral rate applied, in USD. */
  actualEquity: number;
  /** Maintenance margin of the unified account, in USD. */
  accountMaintMargin: number;
  /** In USD; `null` where the source does not say. */
  totalAvailableBalance: number | null;
}

export type AccountRisk = CrossMarginRisk | PortfolioMarginRisk;

/**
 * Where a leg stands in the queue of auto-deleveraging: 0 (last) to 4 (first to be closed) on every
 * source (`GET /fapi/v1/adlQuantile` and its COIN-M and Portfolio Margin counterparts).
 */
export interface AdlQuantile {
  account: string;
  source: SourceId;
  symbol: string;
  positionSide: PositionSide;
  quantile: number;
}

/** The top of the auto-deleveraging queue on every source. */
export const ADL_QUANTILE_MAX = 4;

/** What one source's account read gave this cycle (never holding a secret). */
export type RiskOutcome =
  | { source: SourceId; ok: true; risks: readonly AccountRisk[]; adl: readonly AdlQuantile[] }
  | {
      source: SourceId;
      ok: false;
      error: { kind: string; message: string; exchangeCode: number | null; keysRefused: boolean };
    };

/**
 * The margin ratio of a cross account or margin asset, in %: maintenance margin ÷ margin balance. `null`
 * where nothing is held on cross margin (no maintenance margin); 100 % or more where the margin balance
 * is gone (at 100 % the exchange liquidates).
 */
export function marginRatioPct(r: Pick<CrossMarginRisk, 'maintMargin' | 'marginBalance'>): number | null {
  if (!(r.maintMargin > 0)) return null;
  if (!(r.marginBalance > 0)) return Number.POSITIVE_INFINITY;
  return Math.round((r.maintMargin / r.marginBalance) * 100 * 1e9) / 1e9;
}
