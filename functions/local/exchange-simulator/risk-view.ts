import type { RiskSettings } from './risk-settings.js';
import { legsFor } from './rows.js';
import type { SimPosition, SourceId } from './types.js';

/** What a risk page reads of an account. */
export interface RiskView {
  /** The legs the source lists for the account (hedge mode applied), flat ones included. */
  legs(source: SourceId): SimPosition[];
  hedgeMode: boolean;
  settings: RiskSettings;
  /** Server time. */
  now: number;
}

/**
 * The view of an account a risk page reads. `usdm` and `usdm-ws` are one USDⓈ-M book: a source the
 * scenario gives no legs reads the other's.
 */
export function riskViewOf(
  held: ReadonlyMap<SourceId, SimPosition[]>,
  hedgeMode: boolean,
  settings: RiskSettings,
  now: number,
): RiskView {
  const partner: Partial<Record<SourceId, SourceId>> = { usdm: 'usdm-ws', 'usdm-ws': 'usdm' };
  const bookOf = (source: SourceId) => held.get(source) ?? held.get(partner[source] ?? source) ?? [];
  return { legs: (source) => legsFor(source, bookOf(source), hedgeMode), hedgeMode, settings, now };
}
