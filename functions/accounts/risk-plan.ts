import type { RiskRequest } from '#binance/account-risk.js';
import type { SourceId } from '#core/position.js';
import type { RuleSettings } from '#core/rules/settings.js';

/**
 * Which account reads to make: for the check, what the account's rules judge (`rules`); for a view of the
 * account (`/positions`, `liqwatch positions`), its margin numbers alone (`numbers`); or nothing (`none`).
 */
export type RiskScope = 'rules' | 'numbers' | 'none';

const CROSS: readonly SourceId[] = ['usdm', 'usdm-ws', 'coinm'];

/**
 * What to read of each watched source beside its positions. Every source's margin numbers are read, as its
 * positions are (so that `usdm-ws` stands in for a failing `usdm`), except the Portfolio Margin account
 * page: one account for both of its books, weight 20, read once, on `pm-um` when watched. The ADL
 * quantiles of the USDⓈ-M book are one REST page whichever source reads it: read once, on `usdm` when
 * watched. A source with nothing to read is left out.
 */
export function riskParts(
  sources: readonly SourceId[],
  settings: Pick<RuleSettings, 'marginRatio' | 'uniMmr' | 'accountStatus' | 'adlRisk'>,
  scope: RiskScope,
): { source: SourceId; parts: RiskRequest['parts'] }[] {
  if (scope === 'none') return [];
  const watched = new Set(sources);
  const numbers = (source: SourceId) => {
    if (scope === 'numbers') return !(source === 'pm-cm' && watched.has('pm-um'));
    if (CROSS.includes(source)) return settings.marginRatio.enabled;
    if (source === 'pm-cm' && watched.has('pm-um')) return false;
    return settings.uniMmr.enabled || settings.accountStatus.enabled;
  };
  const adl = (source: SourceId) =>
    scope === 'rules' && settings.adlRisk.enabled && !(source === 'usdm-ws' && watched.has('usdm'));
  return sources
    .map((source) => ({ source, parts: { account: numbers(source), adl: adl(source) } }))
    .filter(({ parts }) => parts.account || parts.adl);
}
