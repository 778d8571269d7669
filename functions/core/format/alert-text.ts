import type { Alert, Notification, Severity } from '../alert.js';

/** The mark a severity leads with. */
export const SEVERITY_MARK: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

const KIND_LABEL: Record<Notification['kind'], string> = {
  firing: '',
  escalated: 'ESCALATED ',
  repeat: 'STILL ',
  resolved: 'RESOLVED ',
};

/** Where an alert comes from: `main usdm`, or just the account for an account-wide alert. */
export function alertOrigin(a: Pick<Alert, 'account' | 'source'>): string {
  return a.source === null ? a.account : `${a.account} ${a.source}`;
}

/** One notification as one plain-text line for a terminal: severity first, then where, then what. */
export function renderAlertLine(n: Notification): string {
  const severity = n.alert.status === 'resolved' ? 'OK' : n.alert.severity.toUpperCase();
  return `[${severity}] ${KIND_LABEL[n.kind]}${alertOrigin(n.alert)}: ${n.alert.message}`;
}

/** The design's alert contract, field by field in its order (the `--json` output of `liqwatch check`). */
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
