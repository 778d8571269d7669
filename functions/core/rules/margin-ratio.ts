import { type AccountRisk, type CrossMarginRisk, marginRatioPct } from '../account-risk.js';
import { type AlertState, round2 } from '../alert.js';
import { formatSum } from '../format/numbers.js';
import { LIQUIDATION_MARGIN_RATIO_PCT, marginRatioLadder } from './account-rule-settings.js';
import { judgeLevel } from './ladder.js';
import type { Judged } from './liq-distance.js';
import { crossUnit, safeText } from './safe-margin.js';
import type { RuleSettings } from './settings.js';

/** The identity of a cross account's (or COIN-M margin asset's) `margin-ratio` alert. */
export function marginRatioBase(r: Pick<CrossMarginRisk, 'account' | 'source' | 'asset'>) {
  return { rule: 'margin-ratio' as const, account: r.account, source: r.source, symbol: r.asset, positionSide: null };
}

/**
 * `margin-ratio`: a cross account, or one COIN-M margin asset, whose maintenance margin is a growing
 * share of its margin balance; the exchange liquidates the whole account at 100 %, whichever position
 * moved. At or above `warningPct` it warns, at or above `criticalPct` it is critical, and inside the
 * critical tier each rung of the ladder (90, 95, 100 %) is told as it is crossed. A tier ends once the
 * ratio is `resolveMarginPct` points under its line and has stayed there `holdDownMinutes`. Nothing held
 * on cross margin (no maintenance margin) carries no risk. The message says what it takes to be safe.
 */
export function judgeMarginRatio(
  risks: readonly AccountRisk[],
  prev: Readonly<Record<string, AlertState>>,
  settings: Pick<RuleSettings, 'marginRatio' | 'uniMmr' | 'liqDistance'>,
  nowMs: number,
): Judged[] {
  const s = settings.marginRatio;
  if (!s.enabled) return [];
  const judged: Judged[] = [];
  for (const r of risks) {
    if (r.kind !== 'cross') continue;
    const ratio = marginRatioPct(r);
    if (ratio === null) continue;
    const one = judgeLevel({
      base: marginRatioBase(r),
      prev,
      reading: ratio,
      warning: s.warningPct,
      critical: s.criticalPct,
      margin: s.resolveMarginPct,
      ladder: marginRatioLadder(settings),
      holdMs: settings.liqDistance.holdDownMinutes * 60_000,
      nowMs,
      // A margin balance at or below zero has no finite ratio: JSON and the state store hold no Infinity.
      value: Number.isFinite(ratio) ? round2(ratio) : null,
      message: marginRatioMessage(r, ratio, settings),
    });
    if (one) judged.push(one);
  }
  return judged;
}

/**
 * `Margin ratio 72.4 % (maintenance margin 7,240 of 10,000 USDT margin balance; liquidation at 100 %):
 * add 1,240 USDT of margin, or reduce positions by 18 %, to be back under 70 %`; a COIN-M asset leads
 * with its coin (`BTC margin ratio …`).
 */
function marginRatioMessage(
  r: CrossMarginRisk,
  ratio: number,
  settings: Pick<RuleSettings, 'marginRatio' | 'uniMmr'>,
): string {
  const unit = crossUnit(r);
  const name = r.asset === null ? 'Margin ratio' : `${r.asset} margin ratio`;
  const numbers = `maintenance margin ${formatSum(r.maintMargin)} of ${formatSum(r.marginBalance)} ${unit} margin balance`;
  const now = Number.isFinite(ratio)
    ? `${name} ${ratioText(ratio)} (${numbers}; liquidation at ${LIQUIDATION_MARGIN_RATIO_PCT} %)`
    : `${name}: the margin balance is gone (${numbers}); the exchange liquidates at ${LIQUIDATION_MARGIN_RATIO_PCT} %`;
  const safe = safeText(r, settings);
  return safe ? `${now}: ${safe}` : now;
}

/** A margin ratio as messages say it: one decimal at most, `72.4 %`, `91 %`. */
export function ratioText(pct: number): string {
  return `${Number(pct.toFixed(1))} %`;
}
