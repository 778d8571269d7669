import {
  type Alert,
  type AlertState,
  type Finding,
  isEventRule,
  type Notification,
  type NotificationKind,
  SEVERITY_RANK,
} from '../alert.js';
import type { TierState } from '../rules/hold-down.js';
import { deeperRung, isDeeperRung } from '../rules/ladder.js';
import { type RuleSettings, repeatMinutesFor } from '../rules/settings.js';

/**
 * The finding as it fires now, with its start and what each chat was told kept, its hold-down and
 * deepest rung carried on, and an acknowledgement kept while the severity stays. `deeper`: a rung was
 * crossed toward liquidation this cycle while critical (down for a distance or a uniMMR, up for a
 * margin ratio: `ladder.ts`). Optional fields are left out while they say nothing, but a critical
 * judged on a ladder keeps its rung, `null` before the ladder.
 */
export function nextAlertState(
  before: AlertState | undefined,
  finding: Finding,
  tier: TierState | undefined,
  nowMs: number,
): { state: AlertState; deeper: boolean } {
  const state: AlertState = { alert: finding, since: before?.since ?? nowMs, told: { ...before?.told } };
  const stillCritical = before?.alert.severity === 'critical' && finding.severity === 'critical';
  // A critical saved before rungs were kept has none: its rung is taken as it stands, untold.
  const known = stillCritical && before.rung !== undefined;
  const told = known ? (before.rung ?? null) : null;
  const now = finding.severity === 'critical' ? (tier?.rung ?? null) : null;
  const rule = finding.rule;
  const deeper = known && now !== null && (told === null || isDeeperRung(rule, now, told));
  const rung = told === null ? now : now === null ? told : deeperRung(rule, told, now);
  if (finding.severity === 'critical' && tier !== undefined) state.rung = rung;
  if (before?.ack && before.alert.severity === finding.severity) state.ack = before.ack;
  if (tier?.hold.clearSince != null) state.clearSince = tier.hold.clearSince;
  if (tier?.hold.clearOfWarningSince != null) state.clearOfWarningSince = tier.hold.clearOfWarningSince;
  return { state, deeper };
}

/**
 * What one chat is owed of a firing alert, at most one thing: news of it (`firing`), a climb
 * (`escalated`), a step down its hold-down let through (`eased`; told once: once routed, the chat's
 * record holds the lower tier), a rung crossed (`deepened`), or a repeat when its interval is up and
 * the reading is still in the tier (not clear of it, waiting out its hold-down).
 */
export function firingKind(
  state: AlertState,
  chatId: number,
  nowMs: number,
  settings: Pick<RuleSettings, 'repeatMinutes' | 'liqDistance'>,
  deeper: boolean,
): NotificationKind | null {
  const told = state.told[chatId];
  const severity = state.alert.severity;
  if (!told) return 'firing';
  if (SEVERITY_RANK[severity] > SEVERITY_RANK[told.severity]) return 'escalated';
  if (SEVERITY_RANK[severity] < SEVERITY_RANK[told.severity]) return 'eased';
  if (isEventRule(state.alert.rule)) return null;
  if (deeper) return 'deepened';
  // In its hold-down the reading has left the tier: repeating the tier would be old news.
  if (state.clearSince != null) return null;
  if (nowMs - told.at >= repeatMinutesFor(settings, state.alert, Boolean(state.ack)) * 60_000) return 'repeat';
  return null;
}

/** A notification of an alert: a deepening names the rung it crossed; an acknowledged alert says who. */
export function notificationOf(kind: NotificationKind, alert: Alert, state: AlertState): Notification {
  const told = kind === 'deepened' && state.rung != null ? { ...alert, threshold: state.rung } : alert;
  return { kind, alert: told, since: state.since, ...(state.ack ? { ack: state.ack } : {}) };
}
