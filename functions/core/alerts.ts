import {
  type Alert,
  type AlertState,
  alertKey,
  type Finding,
  isEventRule,
  type Notification,
  type NotificationKind,
  SEVERITY_RANK,
  type Severity,
} from './alert.js';
import { isMuted, type Mute } from './mutes.js';
import type { Position, SourceId } from './position.js';
import { inQuietHours, type QuietHours } from './quiet-hours.js';
import { evaluateLeverageCap } from './rules/leverage-cap.js';
import { evaluateLiqDistance } from './rules/liq-distance.js';
import { evaluateNewHedgeLeg, type LegBook, legBook } from './rules/new-hedge-leg.js';
import { evaluateNotionalCap } from './rules/notional-cap.js';
import { resolutionMessage } from './rules/resolution.js';
import type { RuleSettings } from './rules/settings.js';
import { evaluateSourceDown, type SourceHealth } from './rules/source-down.js';

/** Everything one account carries from one cycle to the next. */
export interface AccountState {
  account: string;
  /** Legs held last cycle per source; a source without a book has not yet had a good cycle. */
  legs: Partial<Record<SourceId, LegBook>>;
  health: Partial<Record<SourceId, SourceHealth>>;
  alerts: Record<string, AlertState>;
  lastCycleAt: number | null;
}

/** One source's result this cycle, as the rules need it (never holding a secret). */
export type SourceOutcome =
  | { source: SourceId; ok: true; positions: readonly Position[] }
  | { source: SourceId; ok: false; error: NonNullable<SourceHealth['lastError']> };

/** A chat that receives alerts. */
export interface ChatRoute {
  id: number;
  threadId?: number | undefined;
  quietHours?: QuietHours | undefined;
  /** Severities that arrive without a sound; a critical alert always rings. */
  silent?: readonly Severity[] | undefined;
}

/** The notifications of one cycle for one chat, to go out as one message. */
export interface ChatNotifications {
  chatId: number;
  threadId?: number | undefined;
  /** Deliver without a sound: nothing in it must ring. */
  silent: boolean;
  notifications: Notification[];
}

export interface CycleInput {
  account: string;
  prev: AccountState | null;
  outcomes: readonly SourceOutcome[];
  settings: RuleSettings;
  nowMs: number;
  mutes: readonly Mute[];
  chats: readonly ChatRoute[];
}

export interface CycleResult {
  state: AccountState;
  deliveries: ChatNotifications[];
  /** Alerts that resolved this cycle: their "until resolved" mutes end. */
  resolvedKeys: string[];
  /** The state this cycle moved on from (its time): the same news from the same state is the same news. */
  basis: number;
}

/** An event alert nobody could be told of within a day is dropped. */
const EVENT_TTL_MS = 24 * 3_600_000;

/**
 * One cycle of one account: health and legs updated, every rule evaluated on the sources that answered,
 * and the alert lifecycle advanced per chat. A chat is told of a new alert, of an escalation, again after
 * the severity's repeat interval, and of the resolution of an alert it was told of; nothing else. Alerts
 * of a source that failed this cycle are kept as they were: an outage is not a recovery.
 */
export function advanceAccount(input: CycleInput): CycleResult {
  const { account, nowMs, settings } = input;
  const prev = input.prev ?? { account, legs: {}, health: {}, alerts: {}, lastCycleAt: null };
  // A source taken out of the config is forgotten, with its alerts: it is no longer watched, not recovered.
  const watched = new Set(input.outcomes.map((o) => o.source));
  const legs = pick(prev.legs, watched);
  const health = pick(prev.health, watched);
  const findings: Finding[] = [];
  const answered = new Set<SourceId>();

  for (const outcome of input.outcomes) {
    const before = health[outcome.source];
    if (outcome.ok) {
      answered.add(outcome.source);
      const open = outcome.positions.filter((p) => p.positionAmt !== 0);
      health[outcome.source] = {
        failures: 0,
        lastCheckAt: nowMs,
        lastOkAt: nowMs,
        lastError: null,
        openPositions: open.length,
      };
      findings.push(
        ...evaluateLiqDistance(outcome.positions, prev.alerts, settings),
        ...evaluateLeverageCap(outcome.positions, settings),
        ...evaluateNotionalCap(outcome.positions, prev.alerts, settings),
        ...evaluateNewHedgeLeg(account, outcome.source, outcome.positions, prev.legs[outcome.source], settings),
      );
      legs[outcome.source] = legBook(outcome.positions);
    } else {
      health[outcome.source] = {
        failures: (before?.failures ?? 0) + 1,
        lastCheckAt: nowMs,
        lastOkAt: before?.lastOkAt ?? null,
        lastError: outcome.error,
        openPositions: before?.openPositions ?? 0,
      };
    }
  }
  findings.push(...evaluateSourceDown(account, health, settings));

  const judged = (f: Pick<Finding, 'rule' | 'source'>) =>
    f.rule === 'source-down' || f.rule === 'keys-refused' || (f.source !== null && answered.has(f.source));

  const alerts: Record<string, AlertState> = {};
  const pending: { key: string; notification: (chat: ChatRoute) => NotificationKind | null; alert: Alert }[] = [];
  const resolvedKeys: string[] = [];
  const seen = new Set<string>();

  for (const finding of findings) {
    const key = alertKey(finding);
    if (seen.has(key)) continue;
    seen.add(key);
    const before = prev.alerts[key];
    const told = { ...before?.told };
    for (const [chat, t] of Object.entries(told)) {
      // A tier that eased is remembered as eased, so climbing back is told again as an escalation.
      if (SEVERITY_RANK[t.severity] > SEVERITY_RANK[finding.severity])
        told[chat] = { ...t, severity: finding.severity };
    }
    const state: AlertState = { alert: finding, since: before?.since ?? nowMs, told };
    alerts[key] = state;
    pending.push({
      key,
      alert: { ...finding, status: 'firing' },
      notification: (chat) => firingKind(state, chat.id, nowMs, settings),
    });
  }

  for (const [key, before] of Object.entries(prev.alerts)) {
    if (seen.has(key)) continue;
    if (before.alert.source !== null && !watched.has(before.alert.source)) continue;
    if (!judged(before.alert)) {
      alerts[key] = before;
      continue;
    }
    if (isEventRule(before.alert.rule)) {
      // An event is told once; it stays only for chats still owed it.
      if (nowMs - before.since < EVENT_TTL_MS && input.chats.some((c) => !before.told[c.id])) {
        alerts[key] = before;
        pending.push({
          key,
          alert: { ...before.alert, status: 'firing' },
          notification: (chat) => (before.told[chat.id] ? null : 'firing'),
        });
      }
      continue;
    }
    resolvedKeys.push(key);
    const now = input.outcomes.find((o) => o.source === before.alert.source);
    const message = resolutionMessage(before.alert, now?.ok ? now.positions : []);
    pending.push({
      key,
      alert: { ...before.alert, status: 'resolved', message },
      notification: (chat) => (before.told[chat.id] ? 'resolved' : null),
    });
  }

  const deliveries: ChatNotifications[] = [];
  for (const chat of input.chats) {
    const quiet = inQuietHours(nowMs, chat.quietHours);
    const notifications: Notification[] = [];
    for (const p of pending) {
      const kind = p.notification(chat);
      if (kind === null || isMuted(input.mutes, p.alert, chat.id, nowMs)) continue;
      // Quiet hours hold back all but critical alerts; the chat is told when they end.
      if (quiet && kind !== 'resolved' && p.alert.severity !== 'critical') continue;
      const state = alerts[p.key];
      if (state && kind !== 'resolved') state.told[chat.id] = { at: nowMs, severity: p.alert.severity };
      notifications.push({ kind, alert: p.alert, since: state?.since ?? prev.alerts[p.key]?.since ?? nowMs });
    }
    if (notifications.length === 0) continue;
    notifications.sort(byUrgency);
    const rings = notifications.some(
      (n) =>
        n.alert.status === 'firing' &&
        (n.alert.severity === 'critical' || (!quiet && !(chat.silent ?? []).includes(n.alert.severity))),
    );
    deliveries.push({ chatId: chat.id, threadId: chat.threadId, silent: !rings, notifications });
  }

  return {
    state: { account, legs, health, alerts, lastCycleAt: nowMs },
    deliveries,
    resolvedKeys,
    basis: prev.lastCycleAt ?? 0,
  };
}

function pick<T>(bySource: Partial<Record<SourceId, T>>, keep: ReadonlySet<SourceId>): Partial<Record<SourceId, T>> {
  return Object.fromEntries(Object.entries(bySource).filter(([s]) => keep.has(s as SourceId))) as Partial<
    Record<SourceId, T>
  >;
}

function firingKind(state: AlertState, chatId: number, nowMs: number, settings: RuleSettings): NotificationKind | null {
  const told = state.told[chatId];
  const severity = state.alert.severity;
  if (!told) return 'firing';
  if (SEVERITY_RANK[severity] > SEVERITY_RANK[told.severity]) return 'escalated';
  if (isEventRule(state.alert.rule)) return null;
  if (nowMs - told.at >= settings.repeatMinutes[severity] * 60_000) return 'repeat';
  return null;
}

/** Critical first, then warnings, then the rest; firing before resolved; nearest to liquidation first. */
function byUrgency(a: Notification, b: Notification): number {
  const status = (n: Notification) => (n.alert.status === 'firing' ? 0 : 1);
  return (
    status(a) - status(b) ||
    SEVERITY_RANK[b.alert.severity] - SEVERITY_RANK[a.alert.severity] ||
    (a.alert.rule === 'liq-distance' && b.alert.rule === 'liq-distance'
      ? (a.alert.value ?? 0) - (b.alert.value ?? 0)
      : 0)
  );
}
