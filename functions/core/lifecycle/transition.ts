import {
  type Alert,
  type AlertState,
  alertKey,
  type Finding,
  isEventRule,
  type Notification,
  type NotificationKind,
  SEVERITY_RANK,
} from '../alert.js';
import { resolutionMessage } from '../rules/resolution.js';
import type { RuleSettings } from '../rules/settings.js';
import type { Evaluation } from './evaluate.js';

/** An event alert nobody could be told of within a day is dropped. */
const EVENT_TTL_MS = 24 * 3_600_000;

export interface TransitionInput {
  /** Last cycle's alerts by key. */
  prev: Readonly<Record<string, AlertState>>;
  evaluation: Pick<Evaluation, 'findings' | 'watched' | 'answered'>;
  /** The chats that hear of this account, each told on its own record (ids are unique). */
  chatIds: readonly number[];
  nowMs: number;
  settings: Pick<RuleSettings, 'repeatMinutes'>;
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
 * (`firing`), a climb to a higher severity (`escalated`), the same news after the severity's repeat
 * interval (`repeat`) and the end of an alert it was told of (`resolved`); nothing else. An alert whose
 * source did not answer is kept as it was: an outage is not a recovery. Pure: `prev` is not changed.
 */
export function transitionAlerts(input: TransitionInput): Transition {
  const { prev, evaluation, chatIds, nowMs, settings } = input;
  const alerts: Record<string, AlertState> = {};
  const owed: OwedNotification[] = [];
  const resolvedKeys: string[] = [];
  const owe = (key: string, alert: Alert, since: number, kindFor: (chatId: number) => NotificationKind | null) => {
    for (const chatId of chatIds) {
      const kind = kindFor(chatId);
      if (kind !== null) owed.push({ key, chatId, notification: { kind, alert, since } });
    }
  };

  for (const finding of evaluation.findings) {
    const key = alertKey(finding);
    if (Object.hasOwn(alerts, key)) continue;
    const state = nextAlertState(prev[key], finding, nowMs);
    alerts[key] = state;
    owe(key, { ...finding, status: 'firing' }, state.since, (chatId) => firingKind(state, chatId, nowMs, settings));
  }

  const keysRefused = evaluation.findings.some((f) => f.rule === 'keys-refused');
  for (const [key, before] of Object.entries(prev)) {
    if (Object.hasOwn(alerts, key)) continue;
    const { source, rule } = before.alert;
    if (source !== null && !evaluation.watched.has(source)) continue;
    const positions = source === null ? undefined : evaluation.answered[source];
    const judged = rule === 'source-down' || rule === 'keys-refused' || positions !== undefined;
    if (!judged) {
      alerts[key] = before;
      continue;
    }
    if (isEventRule(rule)) {
      // An event is told once; it stays only for chats still owed it.
      if (nowMs - before.since < EVENT_TTL_MS && chatIds.some((id) => !before.told[id])) {
        alerts[key] = before;
        owe(key, { ...before.alert, status: 'firing' }, before.since, (id) => (before.told[id] ? null : 'firing'));
      }
      continue;
    }
    resolvedKeys.push(key);
    const message =
      source !== null && positions === undefined
        ? resolutionMessage(before.alert, null, keysRefused)
        : resolutionMessage(before.alert, positions ?? []);
    owe(key, { ...before.alert, status: 'resolved', message }, before.since, (id) =>
      before.told[id] ? 'resolved' : null,
    );
  }
  return { alerts, owed, resolvedKeys };
}

/**
 * Records that chats were told: each routed notification that is not a resolution becomes the chat's
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
    if (!state || notification.kind === 'resolved') continue;
    next[key] = {
      ...state,
      told: { ...state.told, [chatId]: { at: nowMs, severity: notification.alert.severity } },
    };
  }
  return next;
}

/** The finding as it fires now, with its start kept and a tier that eased remembered as eased. */
function nextAlertState(before: AlertState | undefined, finding: Finding, nowMs: number): AlertState {
  const told = { ...before?.told };
  for (const [chat, t] of Object.entries(told)) {
    // So that climbing back is told again as an escalation.
    if (SEVERITY_RANK[t.severity] > SEVERITY_RANK[finding.severity]) told[chat] = { ...t, severity: finding.severity };
  }
  return { alert: finding, since: before?.since ?? nowMs, told };
}

function firingKind(
  state: AlertState,
  chatId: number,
  nowMs: number,
  settings: Pick<RuleSettings, 'repeatMinutes'>,
): NotificationKind | null {
  const told = state.told[chatId];
  const severity = state.alert.severity;
  if (!told) return 'firing';
  if (SEVERITY_RANK[severity] > SEVERITY_RANK[told.severity]) return 'escalated';
  if (isEventRule(state.alert.rule)) return null;
  if (nowMs - told.at >= settings.repeatMinutes[severity] * 60_000) return 'repeat';
  return null;
}
