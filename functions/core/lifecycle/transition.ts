import {
  type Alert,
  type AlertState,
  alertKey,
  type Finding,
  isEventRule,
  isRiskRule,
  type Notification,
  type NotificationKind,
} from '../alert.js';
import { closedWhileCritical, type ForceOrderEvidence, isLegOpen, wasCritical } from '../force-order.js';
import type { TierState } from '../rules/hold-down.js';
import { resolutionMessage } from '../rules/resolution.js';
import type { RuleSettings } from '../rules/settings.js';
import type { Evaluation } from './evaluate.js';
import { firingKind, nextAlertState, notificationOf } from './news.js';
import { type RiskAnswers, riskEvidence, riskJudged } from './risk-judged.js';

/** An event alert nobody could be told of within a day is dropped. */
const EVENT_TTL_MS = 24 * 3_600_000;

export interface TransitionInput {
  /** Last cycle's alerts by key. */
  prev: Readonly<Record<string, AlertState>>;
  evaluation: Pick<Evaluation, 'findings' | 'watched' | 'answered'> & {
    tiers?: Record<string, TierState>;
  } & RiskAnswers;
  /** The chats that hear of this account, each told on its own record (ids are unique). */
  chatIds: readonly number[];
  nowMs: number;
  settings: Pick<RuleSettings, 'repeatMinutes' | 'liqDistance'>;
  /** Force orders of the sources whose critical legs closed: a liquidation is told as one. */
  forceOrders?: ForceOrderEvidence | undefined;
}

/** A notification one chat is owed by the lifecycle, before mutes and quiet hours have their say. */
export interface OwedNotification {
  key: string;
  chatId: number;
  notification: Notification;
}

export interface Transition {
  /** This cycle's alerts by key, with what each chat had been told (this cycle's news not yet recorded). */
  alerts: Record<string, AlertState>;
  /** Per alert, then per chat in `chatIds` order. */
  owed: OwedNotification[];
  /** Alerts that resolved this cycle. */
  resolvedKeys: string[];
}

/**
 * Step 2 of the alert lifecycle: findings against last cycle's alerts. A chat is owed a new alert
 * (`firing`), a climb to a higher severity (`escalated`), a ladder rung crossed downward while critical
 * (`deepened`, whatever the repeat timer says), a step down once the hold-down let the tier go
 * (`eased`), the same news after its repeat interval (`repeat`, tighter with depth until acknowledged),
 * the end of an alert it was told of (`resolved`), and a leg that closed while critical (`liquidated`,
 * never a quiet resolve); at most one of them per alert and cycle. An alert whose source did not answer
 * (for an account alert: whose account read did not) is kept as it was: an outage is not a recovery.
 * Pure: `prev` is not changed.
 */
export function transitionAlerts(input: TransitionInput): Transition {
  const { prev, evaluation, chatIds, nowMs, settings } = input;
  const alerts: Record<string, AlertState> = {};
  const owed: OwedNotification[] = [];
  const resolvedKeys: string[] = [];
  const owe = (
    key: string,
    alert: Alert,
    state: AlertState,
    kindFor: (chatId: number) => NotificationKind | null,
    extra: Pick<Notification, 'closure'> = {},
  ) => {
    for (const chatId of chatIds) {
      const kind = kindFor(chatId);
      if (kind !== null) owed.push({ key, chatId, notification: { ...notificationOf(kind, alert, state), ...extra } });
    }
  };

  for (const finding of evaluation.findings) {
    const key = alertKey(finding);
    if (Object.hasOwn(alerts, key)) continue;
    const { state, deeper } = nextAlertState(prev[key], finding, evaluation.tiers?.[key], nowMs);
    alerts[key] = state;
    owe(key, { ...finding, status: 'firing' }, state, (id) => firingKind(state, id, nowMs, settings, deeper));
  }

  const keysRefused = evaluation.findings.some((f) => f.rule === 'keys-refused');
  for (const [key, before] of Object.entries(prev)) {
    if (Object.hasOwn(alerts, key)) continue;
    const { source, rule } = before.alert;
    if (source !== null && !evaluation.watched.has(source)) continue;
    const positions = source === null ? undefined : evaluation.answered[source];
    // An account alert ends only on an account read (`risk-judged.ts`).
    const judged = isRiskRule(rule)
      ? riskJudged(before.alert, evaluation)
      : rule === 'source-down' || rule === 'keys-refused' || positions !== undefined;
    if (!judged) {
      alerts[key] = before;
      continue;
    }
    if (isEventRule(rule)) {
      // An event is told once; it stays only for chats still owed it.
      if (nowMs - before.since < EVENT_TTL_MS && chatIds.some((id) => !before.told[id])) {
        alerts[key] = before;
        owe(key, { ...before.alert, status: 'firing' }, before, (id) => (before.told[id] ? null : 'firing'));
      }
      continue;
    }
    resolvedKeys.push(key);
    const toldOf = (kind: NotificationKind) => (id: number) => (before.told[id] ? kind : null);
    if (positions !== undefined && wasCritical(before) && !isLegOpen(before.alert, positions)) {
      // Told loud, as a critical, to every chat that heard of the alert: the trader must look.
      const { closure, message } = closedWhileCritical(before, input.forceOrders);
      const alert: Alert = { ...before.alert, severity: 'critical', status: 'firing', message };
      owe(key, alert, before, toldOf('liquidated'), { closure });
      continue;
    }
    // The leg's critical tier took over from its approach: that alert says all there is to say.
    if (rule === 'approach' && evaluation.findings.some((f) => isCriticalOfLeg(f, before.alert))) continue;
    const risk = riskEvidence(before.alert, evaluation);
    const message =
      source !== null && positions === undefined
        ? resolutionMessage(before.alert, null, keysRefused, risk)
        : resolutionMessage(before.alert, positions ?? [], keysRefused, risk);
    owe(key, { ...before.alert, status: 'resolved', message }, before, toldOf('resolved'));
  }
  return { alerts, owed, resolvedKeys };
}

/**
 * Records that chats were told: each routed notification that is not an alert's end becomes the chat's
 * `told` entry, so the same news is not sent again before its repeat interval. Returns new states.
 */
export function recordTold(
  alerts: Readonly<Record<string, AlertState>>,
  routed: readonly OwedNotification[],
  nowMs: number,
): Record<string, AlertState> {
  const next = { ...alerts };
  for (const { key, chatId, notification } of routed) {
    const state = next[key];
    if (!state || notification.kind === 'resolved' || notification.kind === 'liquidated') continue;
    next[key] = {
      ...state,
      told: { ...state.told, [chatId]: { at: nowMs, severity: notification.alert.severity } },
    };
  }
  return next;
}

function isCriticalOfLeg(f: Finding, of: Finding): boolean {
  return (
    f.rule === 'liq-distance' &&
    f.severity === 'critical' &&
    f.source === of.source &&
    f.symbol === of.symbol &&
    f.positionSide === of.positionSide
  );
}
