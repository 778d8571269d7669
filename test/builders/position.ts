import type { Position } from '#core/position.js';

/** A USDⓈ-M one-way long of 0.1 BTC at mark 50 000, liquidation at 40 000 (20 % away), 10x. */
export function buildPosition(over: Partial<Position> = {}): Position {
  return {
    account: 'main',
    source: 'usdm',
    symbol: 'BTCUSDT',
    positionSide: 'BOTH',
    positionAmt: 0.1,
    entryPrice: 50_000,
    breakEvenPrice: 50_010,
    markPrice: 50_000,
    liquidationPrice: 40_000,
    leverage: 10,
    marginType: 'cross',
    isolatedMargin: 0,
    notional: 5_000,
    unrealizedProfit: 0,
    maxNotionalValue: 50_000_000,
    maxQty: null,
    updateTime: 1_700_000_000_000,
    ...over,
  };
}

/** A position whose mark is `pct` % from its liquidation price, long or short. */
export function atDistance(pct: number, over: Partial<Position> = {}): Position {
  const base = buildPosition(over);
  const short = base.positionSide === 'SHORT' || (base.positionSide === 'BOTH' && base.positionAmt < 0);
  const liq = short ? base.markPrice * (1 + pct / 100) : base.markPrice * (1 - pct / 100);
  return { ...base, liquidationPrice: liq };
}
