import type { AccountRisk, PortfolioMarginRisk } from '../account-risk.js';
import { type AlertState, round2 } from '../alert.js';
import { formatSum } from '../format/numbers.js';
import { LIQUIDATION_UNI_MMR, REDUCE_ONLY_UNI_MMR, uniMmrLadder } from './account-rule-settings.js';
import { judgeLevel } from './ladder.js';
import type { Judged } from './liq-distance.js';
import { safeText } from './safe-margin.js';
import type { RuleSettings } from './settings.js';

/** The identity of a Portfolio Margin account's alerts about its whole margin (`uni-mmr`, `account-status`). */
export function portfolioBase<R extends 'uni-mmr' | 'account-status'>(
  rule: R,
  r: Pick<PortfolioMarginRisk, 'account' | 'source'>,
) {
  return { rule, account: r.account, source: r.source, symbol: null, positionSide: null };
}

/**
 * `uni-mmr`: a Portfolio Margin account's unified maintenance margin ratio (equity ÷ maintenance margin,
 * `GET /papi/v1/account`), on the exchange's own ladder: at or below 1.5 it reminds (a warning), at or
 * below 1.2 it takes only orders that reduce positions (critical), at or below 1.05 it liquidates, and a
 * deposit no longer stops it (the ladder's last rung). A tier ends once the uniMMR is `resolveMargin`
 * above its line and has stayed there `holdDownMinutes`. No ratio (no maintenance margin) is no risk.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
export function judgeUniMmr(
  risks: readonly AccountRisk[],
  prev: Readonly<Record<string, AlertState>>,
  settings: Pick<RuleSettings, 'marginRatio' | 'uniMmr' | 'liqDistance'>,
  nowMs: number,
): Judged[] {
  const s = settings.uniMmr;
  if (!s.enabled) return [];
  const judged: Judged[] = [];
  for (const r of risks) {
    if (r.kind !== 'portfolio' || r.uniMMR === null) continue;
    const one = judgeLevel({
      base: portfolioBase('uni-mmr', r),
      prev,
      reading: r.uniMMR,
      warning: s.warning,
      critical: s.critical,
      margin: s.resolveMargin,
      ladder: uniMmrLadder(settings),
      holdMs: settings.liqDistance.holdDownMinutes * 60_000,
      nowMs,
      value: round2(r.uniMMR),
      message: uniMmrMessage(r, r.uniMMR, settings),
    });
    if (one) judged.push(one);
  }
  return judged;
}

/**
 * `uniMMR 1.34 (equity 52,100 USD, maintenance margin 38,900 USD; the exchange goes reduce-only at 1.2
 * and liquidates at 1.05): add 6,250 USD of equity, or reduce positions by 11 %, to be back over 1.5`.
 */
function uniMmrMessage(r: PortfolioMarginRisk, uniMMR: number, settings: Pick<RuleSettings, 'marginRatio' | 'uniMmr'>) {
  const numbers = `equity ${formatSum(r.accountEquity)} USD, maintenance margin ${formatSum(r.accountMaintMargin)} USD`;
  const lines =
    uniMMR <= LIQUIDATION_UNI_MMR
      ? numbers
      : `${numbers}; the exchange goes reduce-only at ${REDUCE_ONLY_UNI_MMR} and liquidates at ${LIQUIDATION_UNI_MMR}`;
  const now = `uniMMR ${uniMmrText(uniMMR)} (${lines})`;
  const safe = safeText(r, settings);
  return safe ? `${now}: ${safe}` : now;
}

/** A uniMMR as messages say it: two decimals, `1.08`. */
export function uniMmrText(value: number): string {
  return value.toFixed(2);
}
