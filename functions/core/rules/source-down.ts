import type { Finding } from '../alert.js';
import type { SourceId } from '../position.js';
import type { RuleSettings } from './settings.js';

/** How one source of one account has fared, cycle after cycle. */
export interface SourceHealth {
  /** Failed cycles in a row; 0 after a success. */
  failures: number;
  lastCheckAt: number;
  lastOkAt: number | null;
  /** The last failure, as safe to show: no secret is ever in it. */
  lastError: { kind: string; message: string; exchangeCode: number | null; keysRefused: boolean } | null;
  openPositions: number;
}

/**
 * `source-down`: a source that failed `afterFailures` cycles in a row. `keys-refused`: an account whose
 * keys the exchange refuses (-2014/-2015) gets one critical alert for the account instead of one
 * `source-down` per source (inhibition), on the first refusal: it will not fix itself.
 */
export function evaluateSourceDown(
  account: string,
  health: Partial<Record<SourceId, SourceHealth>>,
  settings: RuleSettings,
): Finding[] {
  if (!settings.sourceDown.enabled) return [];
  const entries = Object.entries(health) as [SourceId, SourceHealth][];
  const refused = entries.filter(([, h]) => h.failures > 0 && h.lastError?.keysRefused);
  const findings: Finding[] = [];
  if (refused.length > 0) {
    const first = refused[0]![1].lastError!;
    findings.push({
      rule: 'keys-refused',
      severity: 'critical',
      account,
      source: null,
      symbol: null,
      positionSide: null,
      value: first.exchangeCode,
      threshold: null,
      message:
        first.kind === 'keys'
          ? `The keys of account ${account} cannot be used: ${first.message}. Nothing is watched there until they are.`
          : `The exchange refuses the keys of account ${account} on ${refused.map(([s]) => s).join(', ')}: ${first.message}. Nothing is watched there until the key or its permissions are fixed.`,
    });
  }
  for (const [source, h] of entries) {
    if (h.failures < settings.sourceDown.afterFailures || h.lastError?.keysRefused) continue;
    if (refused.length > 0) continue;
    findings.push({
      rule: 'source-down',
      severity: 'warning',
      account,
      source,
      symbol: null,
      positionSide: null,
      value: h.failures,
      threshold: settings.sourceDown.afterFailures,
      message: `${source} has failed ${h.failures} checks in a row: ${h.lastError?.message ?? 'unknown error'}`,
    });
  }
  return findings;
}
