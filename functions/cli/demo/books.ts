import type { SourceId } from '#core/position.js';
import type { SimPosition } from '#local/exchange-simulator/index.js';

/*
 * The demo account's books at the prices of one step of the story (`scenario.ts`): the legs each source
 * lists. The simulator derives the account pages from them and from the wallets the step sets, so the
 * margin ratio and the uniMMR move with these prices as the exchange's do.
 */

/** What moves in the story: prices, sizes and wallets. A step changes some of it; the rest stays. */
export interface DemoMarket {
  /** BTCUSDT's mark; `null` once the LONG leg is closed. */
  btc: number | null;
  /** The ETHUSDT SHORT leg is open against the LONG. */
  ethHedged: boolean;
  coinmLeverage: number;
  /** BNBUSDT's mark: the USDⓈ-M book holds it LONG and SHORT in equal size, a hedge. */
  bnb: number;
  /** The USDⓈ-M wallet, in USDT. */
  usdmWallet: number;
  /** SOL's mark, in Portfolio Margin: SOLUSDT SHORT (UM) against SOLUSD_PERP LONG (CM). */
  sol: number;
  /** The share of the Portfolio Margin legs still open (the exchange's liquidation closes part). */
  pmShare: number;
  /** The Portfolio Margin wallet, in USDT. */
  pmWallet: number;
}

const btc = (mark: number | null): SimPosition => ({
  symbol: 'BTCUSDT',
  positionAmt: mark === null ? 0 : 0.5,
  entryPrice: 60_000,
  markPrice: mark ?? 48_000,
  liquidationPrice: 48_000,
  leverage: 10,
  marginType: 'cross',
});
const ethLong: SimPosition = {
  symbol: 'ETHUSDT',
  positionSide: 'LONG',
  positionAmt: 4,
  entryPrice: 3_000,
  markPrice: 3_050,
  liquidationPrice: 2_100,
  leverage: 5,
};
const ethShort = (open: boolean): SimPosition => ({
  symbol: 'ETHUSDT',
  positionSide: 'SHORT',
  positionAmt: open ? -2 : 0,
  entryPrice: 3_050,
  markPrice: 3_050,
  liquidationPrice: 4_400,
  leverage: 5,
});
/** A hedge: whatever BNB does, one leg gains what the other loses; its maintenance margin grows with BNB. */
const bnb = (mark: number): SimPosition[] =>
  (['LONG', 'SHORT'] as const).map((side) => ({
    symbol: 'BNBUSDT',
    positionSide: side,
    positionAmt: side === 'LONG' ? 500 : -500,
    entryPrice: 600,
    markPrice: mark,
    liquidationPrice: side === 'LONG' ? 400 : 900,
    leverage: 10,
  }));
const coinm = (leverage: number): SimPosition => ({
  symbol: 'BTCUSD_PERP',
  positionAmt: 20,
  entryPrice: 58_000,
  markPrice: 60_000,
  liquidationPrice: 41_000,
  leverage,
});
/**
 * Portfolio Margin nets these two: short 2,000 SOL against a 260,000 USD long, net short as SOL rises.
 * Neither shows a liquidation price: the account's uniMMR is the alarm there, and the story keeps to it.
 */
const pmUm = (mark: number, share: number): SimPosition => ({
  symbol: 'SOLUSDT',
  positionAmt: -2_000 * share,
  entryPrice: 140,
  markPrice: mark,
  leverage: 3,
});
const pmCm = (mark: number, share: number): SimPosition => ({
  symbol: 'SOLUSD_PERP',
  positionAmt: 26_000 * share,
  entryPrice: 145,
  markPrice: mark,
  leverage: 2,
  // The bracket of a 2x leg holds it (the simulator's default is sized for small scenarios).
  maxQty: 100_000,
});

/** The legs every source lists at these prices; `usdm` and `usdm-ws` read the one USDⓈ-M book alike. */
export function demoBooks(m: DemoMarket): Partial<Record<SourceId, SimPosition[]>> {
  const usdm = [btc(m.btc), ethLong, ethShort(m.ethHedged), ...bnb(m.bnb)];
  return {
    usdm,
    'usdm-ws': usdm,
    coinm: [coinm(m.coinmLeverage)],
    'pm-um': [pmUm(m.sol, m.pmShare)],
    'pm-cm': [pmCm(m.sol, m.pmShare)],
  };
}
