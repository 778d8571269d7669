import { ADL_QUANTILE_MAX, type AdlQuantile } from '../account-risk.js';
import { type AlertState, alertKey, legAlertBase, sideLabel } from '../alert.js';
import { isOpen, type Position } from '../position.js';
import { holdTier } from './hold-down.js';
import type { Judged } from './liq-distance.js';
import type { RuleSettings } from './settings.js';

/**
 * `adl-risk`: an open leg at the top of the auto-deleveraging queue (quantile `minQuantile` or more, of
 * 0 to 4): when a liquidation cannot be filled in the market, the exchange closes the most profitable,
 * most levered positions against it. Above all for the profitable leg of a hedge: ADL can close it and
 * leave the other leg naked. ADL takes only positions in profit, and in cross hedge mode the exchange
 * shows one quantile for both legs, so the losing leg of a hedge whose other leg gains is not told.
 * `adl` is the book's quantiles this cycle (`GET /fapi/v1/adlQuantile` and its counterparts); a leg
 * without one is not at the top. Once firing it holds through the hold-down, as quantiles move every
 * 30 seconds. https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-ADL-Quantile-Estimation
 */
export function judgeAdlRisk(
  positions: readonly Position[],
  adl: readonly AdlQuantile[],
  prev: Readonly<Record<string, AlertState>>,
  settings: Pick<RuleSettings, 'adlRisk' | 'liqDistance'>,
  nowMs: number,
): Judged[] {
  if (!settings.adlRisk.enabled) return [];
  const { minQuantile } = settings.adlRisk;
  const judged: Judged[] = [];
  for (const p of positions) {
    if (!isOpen(p)) continue;
    const base = legAlertBase('adl-risk', p);
    const quantile = quantileOf(p, adl);
    const other = oppositeLeg(p, positions);
    const losingSideOfHedge = other !== undefined && p.unrealizedProfit <= 0 && other.unrealizedProfit > 0;
    const entered = quantile !== null && quantile >= minQuantile && !losingSideOfHedge ? 'warning' : null;
    const { severity, hold } = holdTier({
      entered,
      clearOf: () => entered === null,
      before: prev[alertKey(base)],
      holdMs: settings.liqDistance.holdDownMinutes * 60_000,
      nowMs,
    });
    if (severity === null) continue;
    const name = `${p.symbol} ${sideLabel(p.positionSide, p.positionAmt)}`;
    const place = `quantile ${quantile ?? 'unknown'} of ${ADL_QUANTILE_MAX}`;
    const message =
      entered === null
        ? `${name} was at the top of the auto-deleveraging queue; now ${place}`
        : other !== undefined && p.unrealizedProfit > 0
          ? `${name} is at the top of the auto-deleveraging queue (${place}) and is the profitable leg of a hedge: ADL can close it and leave the ${other.positionSide} leg naked`
          : `${name} is at the top of the auto-deleveraging queue (${place}): if a liquidation cannot be filled in the market, the exchange can close this leg against it`;
    judged.push({
      finding: { ...base, severity, value: quantile, threshold: minQuantile, message },
      tier: { hold, rung: null },
    });
  }
  return judged;
}

/** A leg's quantile: the one of its own side (`BOTH` is a one-way leg's; `LONG`/`SHORT` hedge legs'). */
function quantileOf(p: Position, adl: readonly AdlQuantile[]): number | null {
  return adl.find((q) => q.symbol === p.symbol && q.positionSide === p.positionSide)?.quantile ?? null;
}

/** The open opposite leg of a hedge-mode leg, if any. */
function oppositeLeg(p: Position, positions: readonly Position[]): Position | undefined {
  if (p.positionSide === 'BOTH') return undefined;
  const side = p.positionSide === 'LONG' ? 'SHORT' : 'LONG';
  return positions.find((o) => o.symbol === p.symbol && o.positionSide === side && isOpen(o));
}
