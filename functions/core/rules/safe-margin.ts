import type { AccountRisk, CrossMarginRisk, PortfolioMarginRisk } from '../account-risk.js';
import { marginRatioPct } from '../account-risk.js';
import { formatSum } from '../format/numbers.js';
import { type AccountRuleSettings, LIQUIDATION_UNI_MMR } from './account-rule-settings.js';

/*
 * What it takes to be safe again, from the account's own numbers: said in an alert and on a risk line,
 * never acted on. Two ways back to the warning line, either one enough on its own: more margin (or
 * equity), or smaller positions. Closing a share of every position closes the same share of the
 * maintenance margin, which scales with notional (a smaller position may fall to a lower bracket, so
 * the share is, if anything, more than enough), and leaves the margin balance as it is.
 */

/** Two ways back to a line, in the account's own unit. */
export interface WayBack {
  /** Margin (cross) or equity (Portfolio Margin) to add, in `unit`. */
  add: number;
  /** Or the share of every position to close, in % (100: everything). */
  reducePct: number;
  unit: string;
  /** The line it gets back to: a margin ratio in %, or a uniMMR. */
  target: number;
}

/** The unit a cross risk's amounts are in: its margin asset (COIN-M), else USDT. */
export function crossUnit(r: Pick<CrossMarginRisk, 'asset'>): string {
  return r.asset ?? 'USDT';
}

/**
 * Back under `warningPct` on a cross account: margin to add, maintenance ÷ warning − margin balance, or
 * the share to close, 1 − warning × margin balance ÷ maintenance. `null` when already under it (or
 * nothing is on cross margin).
 */
export function crossWayBack(r: CrossMarginRisk, warningPct: number): WayBack | null {
  const ratio = marginRatioPct(r);
  if (ratio === null || ratio < warningPct) return null;
  const w = warningPct / 100;
  return {
    add: Math.max(0, r.maintMargin / w - r.marginBalance),
    reducePct: shareOf(1 - (w * r.marginBalance) / r.maintMargin),
    unit: crossUnit(r),
    target: warningPct,
  };
}

/**
 * Back over `warning` on a Portfolio Margin account: equity to add, warning × maintenance − equity (USD),
 * or the share to close, 1 − equity ÷ (warning × maintenance). `null` when already over it.
 */
export function portfolioWayBack(r: PortfolioMarginRisk, warning: number): WayBack | null {
  if (r.uniMMR === null || r.uniMMR > warning || !(r.accountMaintMargin > 0)) return null;
  const needed = warning * r.accountMaintMargin;
  return {
    add: Math.max(0, needed - r.accountEquity),
    reducePct: shareOf(1 - r.accountEquity / needed),
    unit: 'USD',
    target: warning,
  };
}

/**
 * The way back in words: `add 1,240 USDT of margin, or reduce positions by 18 %, to be back under 70 %`;
 * for a Portfolio Margin account past the liquidation line, that liquidation is under way (a deposit no
 * longer stops it). `null` when nothing is needed.
 */
export function safeText(risk: AccountRisk, s: Pick<AccountRuleSettings, 'marginRatio' | 'uniMmr'>): string | null {
  if (risk.kind === 'portfolio') {
    if (risk.uniMMR !== null && risk.uniMMR <= LIQUIDATION_UNI_MMR) {
      return 'liquidation is under way: once the exchange has started it, a deposit does not stop it';
    }
    const way = portfolioWayBack(risk, s.uniMmr.warning);
    return way && wayText(way, 'equity', `over ${way.target}`);
  }
  const way = crossWayBack(risk, s.marginRatio.warningPct);
  return way && wayText(way, 'margin', `under ${way.target} %`);
}

function wayText(way: WayBack, what: 'margin' | 'equity', back: string): string {
  const reduce = way.reducePct >= 100 ? 'close every position' : `reduce positions by ${way.reducePct} %`;
  return `add ${formatSum(way.add, 'up')} ${way.unit} of ${what}, or ${reduce}, to be back ${back}`;
}

/** A share as a whole percentage, rounded up so that it is enough: 0.171 → 18; at least 1, at most 100. */
function shareOf(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction >= 1) return 100;
  return Math.min(100, Math.max(1, Math.ceil(fraction * 100 - 1e-9)));
}
