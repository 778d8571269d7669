import type { RiskOutcome } from '../account-risk.js';
import type { Finding } from '../alert.js';
import type { SourceId } from '../position.js';
import type { RuleSettings } from './settings.js';
import { outageFinding, refusedSources, type SourceHealth } from './source-down.js';

/** How the account read (margin numbers, ADL quantiles) of one source has fared, cycle after cycle. */
export type RiskHealth = Omit<SourceHealth, 'openPositions'>;

/** A success clears the failure count; a failure adds to it and keeps when the last good read was. */
export function nextRiskHealth(before: RiskHealth | undefined, outcome: RiskOutcome, nowMs: number): RiskHealth {
  if (outcome.ok) return { failures: 0, lastCheckAt: nowMs, lastOkAt: nowMs, lastError: null };
  return {
    failures: (before?.failures ?? 0) + 1,
    lastCheckAt: nowMs,
    lastOkAt: before?.lastOkAt ?? null,
    lastError: outcome.error,
  };
}

/**
 * `risk-down`: a source whose account numbers could not be read `sourceDown.afterFailures` cycles in a
 * row, a warning like `source-down` under the same switch. The positions of the source are read on
 * their own, so its position rules go on meanwhile; its account alerts are kept as they were. Where
 * `keys-refused` speaks for the source (its positions' keys are refused), or `source-down` does (the
 * whole source is out: one alert says it), it speaks for this too.
 */
export function evaluateRiskDown(
  account: string,
  riskHealth: Partial<Record<SourceId, RiskHealth>>,
  health: Partial<Record<SourceId, SourceHealth>>,
  settings: Pick<RuleSettings, 'sourceDown' | 'keysRefused'>,
): Finding[] {
  if (!settings.sourceDown.enabled) return [];
  const refused = new Set(refusedSources(health, settings).map(([source]) => source));
  const findings: Finding[] = [];
  for (const [source, h] of Object.entries(riskHealth) as [SourceId, RiskHealth][]) {
    const sourceDown = (health[source]?.failures ?? 0) >= settings.sourceDown.afterFailures;
    if (h.failures < settings.sourceDown.afterFailures || refused.has(source) || sourceDown) continue;
    const message = `The margin numbers of ${account} ${source} could not be read ${h.failures} checks in a row: ${h.lastError?.message ?? 'unknown error'}`;
    findings.push(outageFinding('risk-down', account, source, h.failures, settings, message));
  }
  return findings;
}
