import type { SimAccount, SimPosition } from '#local/exchange-simulator/index.js';

/*
 * Simulated books whose account numbers the views show: a cross account warning on its margin ratio while
 * no leg is near its own liquidation price, and a Portfolio Margin account on a margin call.
 */

/**
 * A BTCUSDT hedge whose legs are each 50 % from liquidation, on 600 USDT of maintenance margin (0.5 % of
 * 120,000): with `CROSS_WALLET` a margin ratio of 80 %, a warning.
 */
export const CROSS_HEDGE: SimPosition[] = [
  {
    symbol: 'BTCUSDT',
    positionSide: 'LONG',
    positionAmt: 1,
    entryPrice: 60_000,
    markPrice: 60_000,
    liquidationPrice: 30_000,
    leverage: 10,
  },
  {
    symbol: 'BTCUSDT',
    positionSide: 'SHORT',
    positionAmt: -1,
    entryPrice: 60_000,
    markPrice: 60_000,
    liquidationPrice: 90_000,
    leverage: 10,
  },
];

/** 750 USDT: the margin balance that puts `CROSS_HEDGE` at a margin ratio of 80 %. */
export const CROSS_WALLET: NonNullable<SimAccount['wallets']> = { usdm: { USDT: 750 } };

/** 300,000 USDT of ETH on Portfolio Margin: 1,500 USD of maintenance margin. */
export const PM_ETH: SimPosition[] = [
  { symbol: 'ETHUSDT', positionAmt: 100, entryPrice: 3_000, markPrice: 3_000, liquidationPrice: 2_000 },
];

/** 2,100 USD of equity: `PM_ETH` at a uniMMR of 1.4, a margin call. */
export const PM_WALLET: NonNullable<SimAccount['wallets']> = { pm: { USDT: 2_100 } };
