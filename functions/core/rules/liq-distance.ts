import { type AlertState, alertKey, type Finding, round2, type Severity, sideLabel } from '../alert.js';
import { formatPrice } from '../format/numbers.js';
import { isOpen, liqDistancePct, type Position, roundPct } from '../position.js';
import { liqThresholds, type RuleSettings } from './settings.js';

/**
 * `liq-distance`: how far the mark price is from the liquidation price, in percent of the mark, on
 * the side the leg loses money. At or below `warningPct` it warns, at or below `criticalPct` it is
 * critical; a mark already past the liquidation price is critical. A leg without a liquidation price
 * carries no risk. Hysteresis: a tier that fired holds until the distance is `resolveMarginPct` points
 * above its threshold, so a price hovering at the line does not flap.
 */
export function evaluateLiqDistance(
  positions: readonly Position[],
  prev: Readonly<Record<string, AlertState>>,
  settings: RuleSettings,
): Finding[] {
  if (!settings.liqDistance.enabled) return [];
  const findings: Finding[] = [];
  for (const p of positions) {
    if (!isOpen(p)) continue;
    const distance = liqDistancePct(p);
    if (distance === null) continue;
    const base = {
      rule: 'liq-distance' as const,
      account: p.account,
      source: p.source,
      symbol: p.symbol,
      positionSide: p.positionSide,
    };
    const before = prev[alertKey(base)]?.alert.severity ?? null;
    const t = liqThresholds(settings, p.symbol);
    const severity = tierFor(distance, t, settings.liqDistance.resolveMarginPct, before);
    if (severity === null) continue;
    const side = sideLabel(p.positionSide, p.positionAmt);
    const value = round2(distance);
    findings.push({
      ...base,
      severity,
      value,
      threshold: severity === 'critical' ? t.criticalPct : t.warningPct,
      message:
        distance <= 0
          ? `${p.symbol} ${side} mark ${formatPrice(p.markPrice)} is past its liquidation price ${formatPrice(p.liquidationPrice)}`
          : `${p.symbol} ${side} is ${value}% from liquidation (mark ${formatPrice(p.markPrice)}, liquidation ${formatPrice(p.liquidationPrice)})`,
    });
  }
  return findings;
}

/**
 * The tier a distance is in, held one margin longer for a tier that was already firing. A distance at a
 * line is in its tier; both sides are rounded (`roundPct`) because a line plus its margin is a sum in
 * floating point too (1.9 + 0.3 is 2.1999999999999997).
 */
export function tierFor(
  distance: number,
  t: { warningPct: number; criticalPct: number },
  margin: number,
  before: Severity | null,
): Severity | null {
  const d = roundPct(distance);
  const within = (line: number) => d <= roundPct(line);
  if (within(t.criticalPct)) return 'critical';
  if (before === 'critical' && within(t.criticalPct + margin)) return 'critical';
  if (within(t.warningPct)) return 'warning';
  if (before !== null && within(t.warningPct + margin)) return 'warning';
  return null;
}
