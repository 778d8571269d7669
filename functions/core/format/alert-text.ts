import type { Alert, Closure, Notification, RuleId, Severity } from '../alert.js';
import { LIQUIDATION_MARGIN_RATIO_PCT, LIQUIDATION_UNI_MMR } from '../rules/account-rule-settings.js';
import { statusOfRank } from '../rules/account-status.js';
import { ratioText } from '../rules/margin-ratio.js';
import { uniMmrText } from '../rules/uni-mmr.js';

/** The mark a severity leads with. */
export const SEVERITY_MARK: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

/** Where an alert comes from: `main usdm`, or just the account for an account-wide alert. */
export function alertOrigin(a: Pick<Alert, 'account' | 'source'>): string {
  return a.source === null ? a.account : `${a.account} ${a.source}`;
}

/** A distance as a headline says it: one decimal, `2.1 %`. */
const pct = (value: number) => `${value.toFixed(1)} %`;

/**
 * How deep an alert went, by the deepest ladder rung it was told of, in its rule's terms (`under 3 %`,
 * `margin ratio 95 % or more`, `uniMMR 1.1 or less`, `FORCE_LIQUIDATION`); nothing before the first rung,
 * nor for a rule without a ladder.
 */
export function depthText(rung: number | null | undefined, rule: RuleId): string {
  if (rung === null || rung === undefined) return '';
  switch (rule) {
    case 'liq-distance':
      return rung <= 0 ? 'past the liquidation price' : `under ${rung} %`;
    case 'margin-ratio':
      return rung >= LIQUIDATION_MARGIN_RATIO_PCT
        ? 'margin ratio at the liquidation line'
        : `margin ratio ${rung} % or more`;
    case 'uni-mmr':
      return rung <= LIQUIDATION_UNI_MMR ? 'uniMMR at the liquidation line' : `uniMMR ${rung} or less`;
    case 'account-status':
      return statusOfRank(rung) ?? '';
    default:
      return '';
  }
}

/** A deepening's headline, the new reading in its rule's terms. */
function deeperHeadline(a: Pick<Alert, 'rule' | 'value'>): string {
  if (a.value === null) return a.rule === 'margin-ratio' ? 'deeper: the margin balance is gone' : 'deeper';
  switch (a.rule) {
    case 'margin-ratio':
      return `deeper: margin ratio ${ratioText(a.value)}`;
    case 'uni-mmr':
      return `deeper: uniMMR ${uniMmrText(a.value)}`;
    case 'account-status':
      return `deeper: ${statusOfRank(a.value) ?? 'account status'}`;
    default:
      return a.value <= 0 ? 'deeper: past the liquidation price' : `deeper: ${pct(a.value)} from liquidation`;
  }
}

/** The headline of a `liquidated` notification, by what closed the leg (`core/force-order.ts`). */
const CLOSURE_HEADLINE: Record<Closure, string> = {
  liquidation: 'LIQUIDATED',
  adl: 'AUTO-DELEVERAGED',
  unconfirmed: 'CLOSED WHILE CRITICAL',
};

/**
 * What changed, the words a notification leads with: `deeper: 2.1 % from liquidation` (`deeper: margin
 * ratio 91 %`, `deeper: uniMMR 1.08`), `eased to warning`, `LIQUIDATED`; `escalated` and `still firing`;
 * nothing for a new alert or a resolution, whose severity or `RESOLVED` says it.
 */
export function changeHeadline(n: Pick<Notification, 'kind' | 'alert' | 'closure'>): string {
  const a = n.alert;
  switch (n.kind) {
    case 'deepened':
      return deeperHeadline(a);
    case 'eased':
      return `eased to ${a.severity}`;
    case 'liquidated':
      return CLOSURE_HEADLINE[n.closure ?? 'unconfirmed'];
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
 * (when the alert started firing, epoch ms), so a consumer knows what changed without keeping state; a
 * `liquidated` one adds `closure` (`liquidation`, `adl` or `unconfirmed`).
 */
export function notificationJson(n: Notification): Alert & Pick<Notification, 'kind' | 'since' | 'closure'> {
  return { ...alertJson(n.alert), kind: n.kind, since: n.since, ...(n.closure ? { closure: n.closure } : {}) };
}
