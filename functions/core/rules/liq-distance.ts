import { type AlertState, alertKey, type Finding, legAlertBase, round2, type Severity, sideLabel } from '../alert.js';
import { formatPrice } from '../format/numbers.js';
import type { DistanceSample } from '../lifecycle/account-state.js';
import { type Position, roundPct } from '../position.js';
import { holdTier, type TierState } from './hold-down.js';
import { describePace, distanceKey, legDistances, paceOf, swingOf } from './pace.js';
import { ladderFor, liqThresholds, type RuleSettings } from './settings.js';

/** What a rule judged of one leg: the finding, and the tier state the lifecycle keeps with its alert. */
export interface Judged {
  finding: Finding;
  tier: TierState;
}

/** The cycle a rule judges in: its time, and each leg's recent distances (this cycle's included). */
export interface JudgeContext {
  nowMs: number;
  distances: Readonly<Record<string, readonly DistanceSample[]>>;
}

/**
 * `liq-distance`: how far the mark price is from the liquidation price, in percent of the mark, on
 * the side the leg loses money. At or below `warningPct` it warns, at or below `criticalPct` it is
 * critical; a mark already past the liquidation price is critical. A leg without a liquidation price
 * carries no risk. Hysteresis: a tier that fired holds until the distance is clear of its threshold by
 * a margin and has stayed there `holdDownMinutes` (`hold-down.ts`), so a price hovering at the line does
 * not flap, on a calm day or a violent one. The margin is `resolveMarginPct` points, or
 * `volatilityMargin` times the distance's swing over the last ten minutes where that is wider: a market
 * that moves three points a minute is not clear one point above the line. While critical, the ladder
 * rung it is at is kept (`ladderPct`); a shrinking distance is told with its pace.
 */
export function judgeLiqDistance(
  positions: readonly Position[],
  prev: Readonly<Record<string, AlertState>>,
  settings: RuleSettings,
  ctx: JudgeContext,
): Judged[] {
  if (!settings.liqDistance.enabled) return [];
  const judged: Judged[] = [];
  for (const { p, distance } of legDistances(positions)) {
    const base = legAlertBase('liq-distance', p);
    const t = liqThresholds(settings, p.symbol);
    const samples = ctx.distances[distanceKey(p)];
    const { resolveMarginPct, volatilityMargin } = settings.liqDistance;
    const margin = Math.max(resolveMarginPct, volatilityMargin * swingOf(samples));
    const { severity, hold } = holdTier({
      ...linesOf(distance, t, margin),
      before: prev[alertKey(base)],
      holdMs: settings.liqDistance.holdDownMinutes * 60_000,
      nowMs: ctx.nowMs,
    });
    if (severity === null) continue;
    const side = sideLabel(p.positionSide, p.positionAmt);
    const value = round2(distance);
    const pace = describePace(paceOf(samples, ctx.nowMs), distance);
    const message =
      distance <= 0
        ? `${p.symbol} ${side} mark ${formatPrice(p.markPrice)} is past its liquidation price ${formatPrice(p.liquidationPrice)}`
        : `${p.symbol} ${side} is ${value}% from liquidation (mark ${formatPrice(p.markPrice)}, liquidation ${formatPrice(p.liquidationPrice)})`;
    judged.push({
      finding: {
        ...base,
        severity,
        value,
        threshold: severity === 'critical' ? t.criticalPct : t.warningPct,
        message: pace ? `${message}, ${pace}` : message,
      },
      tier: { hold, rung: severity === 'critical' ? rungOf(distance, ladderFor(settings, p.symbol)) : null },
    });
  }
  return judged;
}

/** The findings of `judgeLiqDistance` alone (a first cycle, or a test of the tiers). */
export function evaluateLiqDistance(
  positions: readonly Position[],
  prev: Readonly<Record<string, AlertState>>,
  settings: RuleSettings,
  ctx: JudgeContext = { nowMs: 0, distances: {} },
): Finding[] {
  return judgeLiqDistance(positions, prev, settings, ctx).map((j) => j.finding);
}

/** The deepest ladder rung a distance has reached (`ladder` deepest last), or `null` above the ladder. */
export function rungOf(distance: number, ladder: readonly number[]): number | null {
  const d = roundPct(distance);
  return ladder.filter((rung) => d <= roundPct(rung)).at(-1) ?? null;
}

/**
 * The tier a distance is in, held one margin longer for a tier that was already firing (no hold-down).
 * A distance at a line is in its tier; both sides are rounded (`roundPct`) because a line plus its
 * margin is a sum in floating point too (1.9 + 0.3 is 2.1999999999999997).
 */
export function tierFor(
  distance: number,
  t: { warningPct: number; criticalPct: number },
  margin: number,
  before: Severity | null,
): Severity | null {
  const alert = before === null ? undefined : { alert: { severity: before } };
  return holdTier({ ...linesOf(distance, t, margin), before: alert, holdMs: 0, nowMs: 0 }).severity;
}

function linesOf(distance: number, t: { warningPct: number; criticalPct: number }, margin: number) {
  const d = roundPct(distance);
  const line = (tier: 'warning' | 'critical') => (tier === 'critical' ? t.criticalPct : t.warningPct);
  const entered: Severity | null =
    d <= roundPct(t.criticalPct) ? 'critical' : d <= roundPct(t.warningPct) ? 'warning' : null;
  return { entered, clearOf: (tier: 'warning' | 'critical') => d > roundPct(line(tier) + margin) };
}
