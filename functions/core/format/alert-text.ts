import type { Alert, Notification, Severity } from '../alert.js';

/** The mark a severity leads with. */
export const SEVERITY_MARK: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

/** Where an alert comes from: `main usdm`, or just the account for an account-wide alert. */
export function alertOrigin(a: Pick<Alert, 'account' | 'source'>): string {
  return a.source === null ? a.account : `${a.account} ${a.source}`;
}

/** A distance as a headline says it: one decimal, `2.1 %`. */
const pct = (value: number) => `${value.toFixed(1)} %`;

/** How deep an alert went, by the deepest ladder rung it was told under; nothing before the first rung. */
export function depthText(rung: number | null | undefined): string {
  if (rung === null || rung === undefined) return '';
  return rung <= 0 ? 'past the liquidation price' : `under ${rung} %`;
}

/**
 * What a liquidated notice reports, read from the alert the lifecycle wrote: a liquidation or an
 * auto-deleverage the exchange's force orders confirm, or a leg that closed while critical when they
 * could not be read (`core/lifecycle`, `core/force-order.ts`).
 */
export function liquidationHeadline(
  a: Pick<Alert, 'message'>,
): 'LIQUIDATED' | 'AUTO-DELEVERAGED' | 'CLOSED WHILE CRITICAL' {
  if (/closed while critical/i.test(a.message)) return 'CLOSED WHILE CRITICAL';
  if (/auto-deleverag/i.test(a.message)) return 'AUTO-DELEVERAGED';
  return 'LIQUIDATED';
}

/**
 * What changed, the words a notification leads with: `deeper: 2.1 % from liquidation`, `eased to warning`,
 * `LIQUIDATED`; `escalated` and `still firing`; nothing for a new alert or a resolution, whose severity or
 * `RESOLVED` says it.
 */
export function changeHeadline(n: Pick<Notification, 'kind' | 'alert'>): string {
  const a = n.alert;
  switch (n.kind) {
    case 'deepened':
      if (a.value === null) return 'deeper';
      return a.value <= 0 ? 'deeper: past the liquidation price' : `deeper: ${pct(a.value)} from liquidation`;
    case 'eased':
      return `eased to ${a.severity}`;
    case 'liquidated':
      return liquidationHeadline(a);
    case 'escalated':
      return 'escalated';
    case 'repeat':
      return 'still firing';
    default:
      return '';
  }
}

/**
 * One notification as one plain-text line for a terminal: severity first, then what changed (in capitals),
 * where, and what: `[CRITICAL] DEEPER: 2.1 % FROM LIQUIDATION main usdm: BTCUSDT LONG is …`.
 */
export function renderAlertLine(n: Notification): string {
  const resolved = n.kind === 'resolved';
  const severity = resolved ? 'OK' : n.alert.severity.toUpperCase();
  const change = resolved ? 'RESOLVED' : changeHeadline(n).toUpperCase();
  const ack = n.ack ? ` (acknowledged by ${n.ack.by})` : '';
  return `[${severity}] ${change ? `${change} ` : ''}${alertOrigin(n.alert)}: ${n.alert.message}${ack}`;
}

/** The design's alert contract, field by field in its order. */
export function alertJson(a: Alert): Alert {
  return {
    rule: a.rule,
    severity: a.severity,
    status: a.status,
    account: a.account,
    source: a.source,
    symbol: a.symbol,
    positionSide: a.positionSide,
    value: a.value,
    threshold: a.threshold,
    message: a.message,
  };
}

/**
 * One notification as `liqwatch check --json` prints it: the alert object, then its `kind` and `since`
 * (when the alert started firing, epoch ms), so a consumer knows what changed without keeping state.
 */
export function notificationJson(n: Notification): Alert & Pick<Notification, 'kind' | 'since'> {
  return { ...alertJson(n.alert), kind: n.kind, since: n.since };
}
