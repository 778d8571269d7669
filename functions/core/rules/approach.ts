import { type AlertState, alertKey, legAlertBase, round2, SEVERITY_RANK, type Severity, sideLabel } from '../alert.js';
import { type Position, roundPct } from '../position.js';
import { holdTier } from './hold-down.js';
import type { JudgeContext, Judged } from './liq-distance.js';
import { distanceKey, inMinutes, legDistances, sustainedShrink } from './pace.js';
import { liqThresholds, type RuleSettings } from './settings.js';

/**
 * The least pace, in points of distance per minute, that counts as an approach. A calm day's drift is
 * well under it; a leg losing half a point a minute for minutes on end is being run down.
 */
const MIN_POINTS_PER_MINUTE = 0.5;
/** Projected to turn critical within this many minutes, the approach is itself critical. */
const CRITICAL_WITHIN_MINUTES = 3;

/**
 * `approach`: a leg whose distance to liquidation shrinks fast enough to reach the critical tier within
 * `withinMinutes`, even while it is above the warning line: a warning, critical when the critical tier
 * is projected within three minutes. Only a sustained shrink counts (three samples or more over two
 * minutes or more, each nearer than the one before by half a point a minute or more), so a one-minute
 * wick, or one drop followed by a drift, fires nothing; once firing it holds through the hold-down like
 * `liq-distance`. A leg already in the critical tier is `liq-distance`'s to tell: its approach ends there,
 * without a word (`transition.ts`).
 */
export function judgeApproach(
  positions: readonly Position[],
  prev: Readonly<Record<string, AlertState>>,
  settings: RuleSettings,
  ctx: JudgeContext,
): Judged[] {
  if (!settings.approach.enabled) return [];
  const judged: Judged[] = [];
  for (const { p, distance } of legDistances(positions)) {
    const critical = liqThresholds(settings, p.symbol).criticalPct;
    if (roundPct(distance) <= roundPct(critical)) continue;
    // Held critical through its hold-down, the leg's liq-distance alert already says the worst.
    if (prev[alertKey(legAlertBase('liq-distance', p))]?.alert.severity === 'critical') continue;
    const base = legAlertBase('approach', p);
    const shrink = sustainedShrink(ctx.distances[distanceKey(p)], MIN_POINTS_PER_MINUTE);
    const minutes = shrink ? (distance - critical) / -shrink.perMinute : null;
    const entered: Severity | null =
      minutes === null || minutes > settings.approach.withinMinutes
        ? null
        : minutes <= CRITICAL_WITHIN_MINUTES
          ? 'critical'
          : 'warning';
    const { severity, hold } = holdTier({
      entered,
      clearOf: (tier) => entered === null || SEVERITY_RANK[entered] < SEVERITY_RANK[tier],
      before: prev[alertKey(base)],
      holdMs: settings.liqDistance.holdDownMinutes * 60_000,
      nowMs: ctx.nowMs,
    });
    if (severity === null) continue;
    const name = `${p.symbol} ${sideLabel(p.positionSide, p.positionAmt)}`;
    judged.push({
      finding: {
        ...base,
        severity,
        value: minutes === null ? null : Math.round(minutes * 10) / 10,
        threshold: settings.approach.withinMinutes,
        message:
          shrink && minutes !== null
            ? `${name} is closing in on liquidation: ${round2(distance)}% away, −${Math.abs(shrink.change).toFixed(1)} points in ${Math.round(shrink.minutes)} min; at this pace critical (${critical}%) in ${inMinutes(minutes)}`
            : `${name} was closing in on liquidation fast; now ${round2(distance)}% away`,
      },
      tier: { hold, rung: null },
    });
  }
  return judged;
}
