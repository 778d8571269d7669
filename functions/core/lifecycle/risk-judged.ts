import type { AccountRisk, AdlQuantile } from '../account-risk.js';
import type { Finding } from '../alert.js';
import { isLegOpen } from '../force-order.js';
import type { Position, SourceId } from '../position.js';
import type { RiskHealth } from '../rules/risk-down.js';
import type { RiskEvidence } from '../rules/risk-resolution.js';

/** What a cycle read, as the transition needs it to judge account alerts (absent: no account read). */
export interface RiskAnswers {
  answered: Partial<Record<SourceId, readonly Position[]>>;
  answeredRisk?: Partial<Record<SourceId, readonly AccountRisk[]>> | undefined;
  answeredAdl?: Partial<Record<SourceId, readonly AdlQuantile[]>> | undefined;
  riskHealth?: Partial<Record<SourceId, RiskHealth>> | undefined;
}

/**
 * Whether an account alert that did not fire this cycle was judged, and so may end: an alert about
 * account numbers only when they were read (an outage is not a recovery), an `adl-risk` alert only when
 * its book's positions were read and either its quantiles were too or the leg is closed, and
 * `risk-down` always (like `source-down`, it is about the outage itself).
 */
export function riskJudged(alert: Finding, ev: RiskAnswers): boolean {
  if (alert.rule === 'risk-down') return true;
  if (alert.source === null) return false;
  if (alert.rule !== 'adl-risk') return ev.answeredRisk?.[alert.source] !== undefined;
  const positions = ev.answered[alert.source];
  if (positions === undefined) return false;
  return ev.answeredAdl?.[alert.source] !== undefined || !isLegOpen(alert, positions);
}

/** What this cycle read of an alert's source, for its resolution's words. */
export function riskEvidence(alert: Finding, ev: RiskAnswers): RiskEvidence {
  const source = alert.source;
  if (source === null) return { risks: undefined, adl: undefined, positions: undefined, readOk: false };
  return {
    risks: ev.answeredRisk?.[source],
    adl: ev.answeredAdl?.[source],
    positions: ev.answered[source],
    readOk: ev.riskHealth?.[source]?.failures === 0,
  };
}
