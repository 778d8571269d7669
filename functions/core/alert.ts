import type { PositionSide, SourceId } from './position.js';

/**
 * Alerts, as the design's contract describes them ("Alert"), and the state an alert keeps between
 * cycles. `keys-refused`, `notional-cap`, `approach` and the account rules (`margin-ratio`, `uni-mmr`,
 * `account-status`, `adl-risk`, `risk-down`) extend the design's rule list (README, "Rules").
 */
export const RULE_IDS = [
  'liq-distance',
  'leverage-cap',
  'new-hedge-leg',
  'source-down',
  'keys-refused',
  'notional-cap',
  'approach',
  'margin-ratio',
  'uni-mmr',
  'account-status',
  'adl-risk',
  'risk-down',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * The rules judged on an account read (margin numbers, ADL quantiles) rather than on positions, and
 * `risk-down`, that read's outage: their alerts end only when that read answers.
 */
export const RISK_RULES = ['margin-ratio', 'uni-mmr', 'account-status', 'adl-risk', 'risk-down'] as const;
export type RiskRuleId = (typeof RISK_RULES)[number];

export function isRiskRule(rule: RuleId): rule is RiskRuleId {
  return (RISK_RULES as readonly RuleId[]).includes(rule);
}

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export interface Alert {
  rule: RuleId;
  severity: Severity;
  status: 'firing' | 'resolved';
  account: string;
  /** `null` for an alert about the whole account (`keys-refused`). */
  source: SourceId | null;
  symbol: string | null;
  positionSide: PositionSide | null;
  value: number | null;
  threshold: number | null;
  message: string;
}

/** What a rule finds this cycle: an alert that should be firing now. */
export type Finding = Omit<Alert, 'status'>;

/**
 * Why a notification goes out: a new alert, a climb to a higher severity, a ladder rung crossed
 * downward inside the critical tier (`deepened`: `value` is the new distance, `threshold` the rung), a
 * step down to a lower severity after the hold-down (`eased`: `severity` is the new tier), the same news
 * after its repeat interval, the end of an alert, and a leg that closed while critical (`liquidated`).
 */
export const NOTIFICATION_KINDS = [
  'firing',
  'escalated',
  'deepened',
  'eased',
  'repeat',
  'resolved',
  'liquidated',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * What closed a leg whose alert was critical, as a `liquidated` notification reports it: a liquidation or
 * an auto-deleveraging the exchange's force orders confirm, or `unconfirmed` where they could not be read
 * or hold no such order (told as "closed while critical: check whether it was liquidated").
 */
export const CLOSURES = ['liquidation', 'adl', 'unconfirmed'] as const;
export type Closure = (typeof CLOSURES)[number];

/** Who acknowledged an alert from chat, and when. */
export interface Acknowledgement {
  by: string;
  at: number;
}

export interface Notification {
  kind: NotificationKind;
  alert: Alert;
  /** When the alert started firing. */
  since: number;
  /** Set when the alert was acknowledged. */
  ack?: Acknowledgement | undefined;
  /** Set on a `liquidated` notification: what closed the leg. */
  closure?: Closure | undefined;
}

/** What one chat was last told of an alert. */
export interface Told {
  at: number;
  severity: Severity;
}

/** The state of one alert between cycles. */
export interface AlertState {
  /** The last finding, as it fires now. */
  alert: Finding;
  since: number;
  /**
   * Per chat id: when the chat was last told and of which severity. A chat that was muted or in quiet
   * hours when the alert fired has no entry yet, and is told once that ends (if it still fires).
   */
  told: Record<string, Told>;
  /** The deepest ladder rung told, in % (0: past the liquidation price); `null` above the ladder. */
  rung?: number | null | undefined;
  /** Set from chat: the alert then repeats at its slowest interval. Holds for the tier it was given in. */
  ack?: Acknowledgement | null | undefined;
  /** Since when the reading has been clear of the alert's tier: the start of its hold-down. */
  clearSince?: number | null | undefined;
  /** While critical: since when the reading has been clear of the warning tier too. */
  clearOfWarningSince?: number | null | undefined;
}

/** An alert's identity across cycles: account, source, symbol, side and rule. */
export function alertKey(a: Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide' | 'rule'>): string {
  return [a.account, a.source ?? '*', a.symbol ?? '*', a.positionSide ?? '*', a.rule].join('|');
}

/** The identity of a rule's alert about one leg: what `alertKey` is made of. */
export function legAlertBase<R extends RuleId>(
  rule: R,
  p: { account: string; source: SourceId; symbol: string; positionSide: PositionSide },
): Pick<Alert, 'account' | 'source' | 'symbol' | 'positionSide'> & { rule: R } {
  return { rule, account: p.account, source: p.source, symbol: p.symbol, positionSide: p.positionSide };
}

/** Rules whose alerts are events: told once, never resolved. */
export function isEventRule(rule: RuleId): boolean {
  return rule === 'new-hedge-leg';
}

/** The side a trader reads: LONG or SHORT, also for a one-way leg. */
export function sideLabel(side: PositionSide, positionAmt: number): string {
  if (side !== 'BOTH') return side;
  return positionAmt < 0 ? 'SHORT' : 'LONG';
}

/** Two decimals are enough for a value in a message or an alert. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
