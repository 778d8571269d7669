import type { Finding } from '../alert.js';
import { formatLegSize } from '../format/numbers.js';
import type { Position, SourceId } from '../position.js';
import type { RuleSettings } from './settings.js';

/** The legs one source held last cycle: `SYMBOL|SIDE` → positionAmt. */
export type LegBook = Record<string, number>;

export function legBook(positions: readonly Position[]): LegBook {
  const book: LegBook = {};
  for (const p of positions) {
    if (p.positionAmt !== 0) book[`${p.symbol}|${p.positionSide}`] = p.positionAmt;
  }
  return book;
}

/**
 * `new-hedge-leg`: a LONG or SHORT leg that was flat or absent last cycle opens while the opposite leg
 * of the same symbol is open. With no book from last cycle (the account's or source's first cycle)
 * the legs are a baseline and nothing fires.
 */
export function evaluateNewHedgeLeg(
  account: string,
  source: SourceId,
  positions: readonly Position[],
  previous: LegBook | undefined,
  settings: RuleSettings,
): Finding[] {
  if (!settings.newHedgeLeg.enabled || previous === undefined) return [];
  const now = legBook(positions);
  const findings: Finding[] = [];
  for (const p of positions) {
    if (p.positionSide === 'BOTH' || p.positionAmt === 0) continue;
    const opposite = p.positionSide === 'LONG' ? 'SHORT' : 'LONG';
    if ((previous[`${p.symbol}|${p.positionSide}`] ?? 0) !== 0) continue;
    if ((now[`${p.symbol}|${opposite}`] ?? 0) === 0) continue;
    findings.push({
      rule: 'new-hedge-leg',
      severity: 'warning',
      account,
      source,
      symbol: p.symbol,
      positionSide: p.positionSide,
      value: p.positionAmt,
      threshold: null,
      message: `New hedge leg: ${p.symbol} ${p.positionSide} ${formatLegSize(p)} opened while the ${opposite} leg is open`,
    });
  }
  return findings;
}
