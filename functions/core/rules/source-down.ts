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
 * keys the exchange refuses (-2014/-2015/-1022), or that cannot be read, gets one critical alert for the
 * account on the first refusal (it will not fix itself). It stands in for `source-down` on the sources
 * it names (inhibition) and on those only: another source's outage is still told. Each rule has its
 * own switch; with `keys-refused` off, a refused source is a failing source like any other.
 */
export function evaluateSourceDown(
  account: string,
  health: Partial<Record<SourceId, SourceHealth>>,
  settings: RuleSettings,
): Finding[] {
  const entries = Object.entries(health) as [SourceId, SourceHealth][];
  const refused = refusedSources(health, settings);
  const findings: Finding[] = [];
  if (refused.length > 0) findings.push(keysRefused(account, refused));
  if (!settings.sourceDown.enabled) return findings;
  for (const [source, h] of entries) {
    if (h.failures < settings.sourceDown.afterFailures || refused.some(([s]) => s === source)) continue;
    const message = `${source} has failed ${h.failures} checks in a row: ${h.lastError?.message ?? 'unknown error'}`;
    findings.push(outageFinding('source-down', account, source, h.failures, settings, message));
  }
  return findings;
}

/** A warning that a read of one source (positions: `source-down`; account numbers: `risk-down`) keeps failing. */
export function outageFinding(
  rule: 'source-down' | 'risk-down',
  account: string,
  source: SourceId,
  failures: number,
  settings: Pick<RuleSettings, 'sourceDown'>,
  message: string,
): Finding {
  const threshold = settings.sourceDown.afterFailures;
  return {
    rule,
    severity: 'warning',
    account,
    source,
    symbol: null,
    positionSide: null,
    value: failures,
    threshold,
    message,
  };
}

/** The sources whose keys the exchange refuses, while `keys-refused` is on: its one alert speaks for them. */
export function refusedSources(
  health: Partial<Record<SourceId, SourceHealth>>,
  settings: Pick<RuleSettings, 'keysRefused'>,
): [SourceId, SourceHealth][] {
  if (!settings.keysRefused.enabled) return [];
  const entries = Object.entries(health) as [SourceId, SourceHealth][];
  return entries.filter(([, h]) => h.failures > 0 && h.lastError?.keysRefused);
}

function keysRefused(account: string, refused: readonly [SourceId, SourceHealth][]): Finding {
  const first = refused[0]![1].lastError!;
  const sources = refused.map(([s]) => s).join(', ');
  return {
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
        : `The exchange refuses the keys of account ${account} on ${sources}: ${first.message}. ${sources} ${refused.length === 1 ? 'is' : 'are'} not watched until the key or its permissions are fixed.`,
  };
}
