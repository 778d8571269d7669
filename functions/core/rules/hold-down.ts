import { type AlertState, SEVERITY_RANK, type Severity } from '../alert.js';

/** When a held alert's reading went clear of its tiers: the start of each hold-down. */
export interface Hold {
  clearSince: number | null;
  clearOfWarningSince: number | null;
}

/** What one rule judged of one leg beside its finding: the hold-down and the ladder rung it is at. */
export interface TierState {
  hold: Hold;
  /** The ladder rung the distance is at now (`liq-distance` while critical), else `null`. */
  rung: number | null;
}

export interface HoldInput {
  /** The tier the reading is in by the lines alone. */
  entered: Severity | null;
  /** Whether the reading is clear of a tier: past its line and the margin. */
  clearOf: (tier: 'warning' | 'critical') => boolean;
  /** Last cycle's alert of this leg and rule, if it fired. */
  before:
    | ({ alert: Pick<AlertState['alert'], 'severity'> } & Pick<AlertState, 'clearSince' | 'clearOfWarningSince'>)
    | undefined;
  holdMs: number;
  nowMs: number;
}

/**
 * The tier a reading is in, with hysteresis in space and time (Prometheus' `keep_firing_for`): a tier
 * that fired holds until the reading has been clear of it (`clearOf`) for `holdMs` without a break. Each
 * tier keeps its own clock, so a critical that held while the reading was also clear of the warning tier
 * resolves at once when its hold ends, and one that was not eases to a warning first; unless the reading
 * is clear of the warning tier by then too: it stays critical, quietly, until that tier's hold ends and
 * resolves then (one message for one end, not "eased" and "resolved" minutes apart). Pure.
 */
export function holdTier(input: HoldInput): { severity: Severity | null; hold: Hold } {
  const { entered, clearOf, before, holdMs, nowMs } = input;
  const was = before ? SEVERITY_RANK[before.alert.severity] : -1;
  const wasCritical = was === SEVERITY_RANK.critical;
  const since = (tier: 'warning' | 'critical', started: number | null | undefined) =>
    was >= SEVERITY_RANK[tier] && clearOf(tier) ? (started ?? nowMs) : null;
  const critical = since('critical', wasCritical ? before?.clearSince : null);
  const warning = since('warning', wasCritical ? before?.clearOfWarningSince : before?.clearSince);
  const held = (tier: 'warning' | 'critical', clear: number | null) =>
    was >= SEVERITY_RANK[tier] && !(clear !== null && nowMs - clear >= holdMs);
  const leavingBoth = wasCritical && entered === null && warning !== null;
  if (entered === 'critical' || held('critical', critical) || (leavingBoth && held('warning', warning))) {
    return { severity: 'critical', hold: { clearSince: critical, clearOfWarningSince: warning } };
  }
  if (entered === 'warning' || held('warning', warning)) {
    return { severity: 'warning', hold: { clearSince: warning, clearOfWarningSince: null } };
  }
  return { severity: null, hold: { clearSince: null, clearOfWarningSince: null } };
}
