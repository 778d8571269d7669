import { isCoinMargined } from './rows.js';
import type { SimPosition, SourceId } from './types.js';

/** Listed coins with a mark price of the right order of magnitude, for realistic rows. */
const COINS: readonly [string, number][] = [
  ['BTC', 64_000],
  ['ETH', 3_100],
  ['BNB', 580],
  ['SOL', 145],
  ['XRP', 0.52],
  ['DOGE', 0.12],
  ['ADA', 0.45],
  ['AVAX', 28],
  ['LINK', 14],
  ['DOT', 6.2],
  ['LTC', 72],
  ['BCH', 380],
  ['TRX', 0.12],
  ['ATOM', 7.1],
  ['NEAR', 5.4],
  ['APT', 8.3],
  ['ARB', 0.8],
  ['OP', 1.7],
  ['FIL', 4.2],
  ['ETC', 23],
  ['UNI', 7.4],
  ['AAVE', 92],
  ['INJ', 21],
  ['SUI', 1.1],
];

/** A small deterministic generator, so a benchmark sees the same book every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LEVERAGES = [2, 3, 5, 10, 20, 25, 50] as const;

/**
 * `n` open one-way legs on distinct symbols, for benchmarks and load tests: listed coins first, then
 * made-up ones (`ALT7USDT`), longs and shorts, leverage 2–50x, each with a liquidation price on the
 * losing side of its mark. COIN-M sources get perpetual contracts (`BTCUSD_PERP`) counted in contracts.
 */
export function manyPositions(n: number, source: SourceId): SimPosition[] {
  const random = mulberry32(n * 7919 + source.length);
  const coinMargined = isCoinMargined(source);
  const positions: SimPosition[] = [];
  for (let i = 0; i < n; i++) {
    const [coin, basePrice] = COINS[i] ?? [`ALT${i}`, 0.5 + random() * 50];
    const markPrice = round(basePrice * (0.9 + random() * 0.2), 6);
    const long = i % 2 === 0;
    const leverage = LEVERAGES[Math.floor(random() * LEVERAGES.length)] ?? 10;
    // Entry within a quarter of the liquidation gap of the mark, so every leg is still alive.
    const entryPrice = round(markPrice * (1 + ((random() - 0.5) * 0.5) / leverage), 6);
    // Liquidation sits a little inside 1/leverage of the entry, on the losing side.
    const gap = (0.8 / leverage) * entryPrice;
    const liquidationPrice = round(long ? entryPrice - gap : entryPrice + gap, 6);
    const size = coinMargined ? Math.ceil(random() * 50) : round((100 + random() * 20_000) / markPrice, 3) || 0.001;
    positions.push({
      symbol: coinMargined ? `${coin}USD_PERP` : `${coin}USDT`,
      positionSide: 'BOTH',
      positionAmt: long ? size : -size,
      entryPrice,
      markPrice,
      liquidationPrice,
      leverage,
      marginType: i % 5 === 0 ? 'isolated' : 'cross',
      updateTime: 1_700_000_000_000 + i * 1_000,
    });
  }
  return positions;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
