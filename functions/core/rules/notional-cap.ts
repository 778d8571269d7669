import { type AlertState, alertKey, type Finding, round2, sideLabel } from '../alert.js';
import { isOpen, type Position, roundPct } from '../position.js';
import type { RuleSettings } from './settings.js';

/** Points below the threshold at which a firing `notional-cap` resolves, so it does not flap. */
const RESOLVE_MARGIN_PCT = 2;

/**
 * `notional-cap`: an open leg whose notional reaches `warningPct` of the leverage bracket's
 * `maxNotionalValue`, past which the exchange refuses to let the position grow (and a lower bracket
 * is forced on a leverage change). Sources without both fields are never judged.
 */
export function evaluateNotionalCap(
  positions: readonly Position[],
  prev: Readonly<Record<string, AlertState>>,
  settings: RuleSettings,
): Finding[] {
  if (!settings.notionalCap.enabled) return [];
  const findings: Finding[] = [];
  for (const p of positions) {
    if (!isOpen(p) || p.notional === null || p.maxNotionalValue === null || !(p.maxNotionalValue > 0)) continue;
    // Rounded so a notional exactly at the threshold reaches it (57 / 100 * 100 is 56.99999999999999).
    const used = roundPct((Math.abs(p.notional) / p.maxNotionalValue) * 100);
    const base = {
      rule: 'notional-cap' as const,
      account: p.account,
      source: p.source,
      symbol: p.symbol,
      positionSide: p.positionSide,
    };
    const firing = prev[alertKey(base)] !== undefined;
    const threshold = settings.notionalCap.warningPct;
    if (used < threshold && !(firing && used >= roundPct(threshold - RESOLVE_MARGIN_PCT))) continue;
    findings.push({
      ...base,
      severity: 'warning',
      value: round2(used),
      threshold,
      message: `${p.symbol} ${sideLabel(p.positionSide, p.positionAmt)} notional is ${round2(used)}% of the bracket's maximum ${p.maxNotionalValue}`,
    });
  }
  return findings;
}
