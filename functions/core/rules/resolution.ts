import { type Finding, round2, sideLabel } from '../alert.js';
import { formatPrice } from '../format/numbers.js';
import { liqDistancePct, type Position } from '../position.js';

/**
 * What a resolution says: how things stand now, not the last thing that was wrong. `positions` are the
 * source's legs this cycle; a leg that is gone or flat is closed.
 */
export function resolutionMessage(before: Finding, positions: readonly Position[]): string {
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
    case 'source-down':
      return `${before.source} answers again`;
    case 'keys-refused':
      return `The exchange accepts the keys of account ${before.account} again`;
    case 'new-hedge-leg':
      return before.message;
  }
}
