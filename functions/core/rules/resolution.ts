import { type Finding, isRiskRule, round2, sideLabel } from '../alert.js';
import { formatPrice } from '../format/numbers.js';
import { liqDistancePct, type Position } from '../position.js';
import { type RiskEvidence, riskResolutionMessage } from './risk-resolution.js';

const NOTHING_READ: RiskEvidence = { risks: undefined, adl: undefined, positions: undefined, readOk: false };

/**
 * What a resolution says: how things stand now, not the last thing that was wrong. `positions` are the
 * source's legs this cycle; a leg that is gone or flat is closed. `null`: the source did not answer, so
 * an alert about the source itself ends while it still fails (refused keys took over, when
 * `keysRefused` fires, or the rules changed), and must not read as a recovery. An account alert speaks
 * of what the account read says now (`risk`).
 */
export function resolutionMessage(
  before: Finding,
  positions: readonly Position[] | null,
  keysRefused = false,
  risk: RiskEvidence = NOTHING_READ,
): string {
  if (isRiskRule(before.rule)) return riskResolutionMessage({ ...before, rule: before.rule }, risk, keysRefused);
  if (positions === null) {
    return keysRefused
      ? `${before.source} still fails: its key is refused (see that alert)`
      : `${before.source} still fails, but is no longer reported as down under the rules in force`;
  }
  const leg = positions.find(
    (p) => p.symbol === before.symbol && p.positionSide === before.positionSide && p.positionAmt !== 0,
  );
  const side = leg ? sideLabel(leg.positionSide, leg.positionAmt) : (before.positionSide ?? '');
  const name = `${before.symbol ?? ''} ${side === 'BOTH' ? '' : side}`.trim();
  switch (before.rule) {
    case 'liq-distance': {
      if (!leg) return `${name} is closed`;
      const d = liqDistancePct(leg);
      return d === null
        ? `${name} has no liquidation price any more`
        : `${name} is back to ${round2(d)}% from liquidation (mark ${formatPrice(leg.markPrice)})`;
    }
    case 'leverage-cap':
      return leg ? `${name} leverage is ${leg.leverage}x, within the cap of ${before.threshold}x` : `${name} is closed`;
    case 'notional-cap':
      return leg ? `${name} notional is back below ${before.threshold}% of the bracket's maximum` : `${name} is closed`;
    case 'approach': {
      const d = leg ? liqDistancePct(leg) : null;
      if (!leg) return `${name} is closed`;
      return d === null
        ? `${name} has no liquidation price any more`
        : `${name} is no longer closing in fast (${round2(d)}% from liquidation)`;
    }
    case 'source-down':
      return `${before.source} answers again`;
    case 'keys-refused':
      return `The exchange accepts the keys of account ${before.account} again`;
    case 'new-hedge-leg':
      return before.message;
  }
}
