import { liqDistancePct } from '#core/position.js';
import type { SimPosition, SourceId } from '#local/exchange-simulator/index.js';
import { type Candle, readMarketDays } from '../test/replay/market-data.js';
import { pathOf } from '../test/replay/market-path.js';

/*
 * The watch benchmark's market: the 3 February 2025 AVAX crash (shared/market-data, SOURCES.md), replayed
 * one mark price a second, and legs placed on it so that they cross the warning and critical lines and
 * rungs of the ladder on the way down and on the rebound (as test/replay/scenario.ts places legs on a path).
 */

const FILE = 'AVAXUSDT-perp-1m-2025-02-02T18-2025-02-03T18.csv';
/** The crash itself: the last calm minute (AVAX 25.8), the low (02:08, 21.22) and the rebound to 24.0 (02:18). */
const WINDOW_FROM = Date.UTC(2025, 1, 3, 1, 44);
const WINDOW_MINUTES = 36;
/** The lines a leg's distance can cross: warning, critical, and the default ladder's rungs (README, "Rules"). */
export const LINES = [15, 7.5, 5, 3, 2, 1] as const;

export interface PathLeg {
  name: string;
  source: SourceId;
  symbol: string;
  positionSide: 'LONG' | 'SHORT';
  /** Signed: base units on USDⓈ-M books, contracts on COIN-M ones. */
  amount: number;
  liquidationPrice: number;
  /** Second of the window from which the leg is open (it opens at that tick's price). */
  opensAt: number;
}

/** The first tick at which a leg's distance to liquidation is at or under a line. */
export interface Crossing {
  leg: PathLeg;
  line: number;
  second: number;
}

export interface CrashPath {
  /** Epoch ms of the window's first second. */
  from: number;
  /** The mark price of each second of the window. */
  prices: number[];
  legs: PathLeg[];
  crossings: Crossing[];
}

/**
 * Reads the day, keeps the window, and draws each minute through its candle: the open at second 0, the
 * first extreme at 20, the other at 40 (low first when the candle closed up), the close at 59.
 */
export async function crashPath(): Promise<CrashPath> {
  const day = (await readMarketDays()).find((d) => d.file === FILE);
  if (!day) throw new Error(`${FILE} is missing from shared/market-data`);
  const start = day.candles.findIndex((c) => c.at === WINDOW_FROM);
  const candles = day.candles.slice(start, start + WINDOW_MINUTES);
  if (start < 0 || candles.length !== WINDOW_MINUTES) throw new Error(`${FILE} does not hold the crash window`);
  const prices = candles.flatMap(secondsOf);
  const legs = placeLegs(prices);
  return { from: WINDOW_FROM, prices, legs, crossings: crossingsOf(legs, prices) };
}

function secondsOf(c: Candle): number[] {
  const [first, second] = pathOf(c);
  const points: [number, number][] = [
    [0, c.open],
    [20, c[first!]],
    [40, c[second!]],
    [59, c.close],
  ];
  return Array.from({ length: 60 }, (_, s) => {
    const k = s < 20 ? 0 : s < 40 ? 1 : 2;
    const [a, pa] = points[k]!;
    const [b, pb] = points[k + 1]!;
    return round(pa + ((pb - pa) * (s - a)) / (b - a));
  });
}

/**
 * Three longs open from the first second, their liquidation prices 2.5 %, 4.5 % and 6 % under the day's
 * low; two shorts open at the low, 2.5 % and 5.5 % over the rebound's high. Each crosses
 * 15 % and 7.5 %; the deeper ones the 5 % and 3 % rungs too. One per book, USDⓈ-M and COIN-M markets both.
 */
function placeLegs(prices: readonly number[]): PathLeg[] {
  const low = Math.min(...prices);
  const opensAt = prices.indexOf(low);
  const high = Math.max(...prices.slice(opensAt));
  const long = (name: string, source: SourceId, symbol: string, pct: number): PathLeg => ({
    name,
    source,
    symbol,
    positionSide: 'LONG',
    amount: sizeOf(source, prices[0]!),
    liquidationPrice: round(low * (1 - pct / 100)),
    opensAt: 0,
  });
  const short = (name: string, source: SourceId, symbol: string, pct: number): PathLeg => ({
    name,
    source,
    symbol,
    positionSide: 'SHORT',
    amount: -sizeOf(source, prices[opensAt]!),
    liquidationPrice: round(high * (1 + pct / 100)),
    opensAt,
  });
  return [
    long('long 2.5 usdm', 'usdm', 'AVAXUSDT', 2.5),
    long('long 4.5 coinm', 'coinm', 'AVAXUSD_PERP', 4.5),
    long('long 6 pm-um', 'pm-um', 'AVAXUSDC', 6),
    short('short 2.5 usdm', 'usdm', 'AVAXUSDT', 2.5),
    short('short 5.5 coinm', 'coinm', 'AVAXUSD_PERP', 5.5),
  ];
}

/** 10 contracts on COIN-M; about 1,000 USDT on USDⓈ-M books. */
const sizeOf = (source: SourceId, price: number) => (source === 'coinm' ? 10 : Math.round((1000 / price) * 10) / 10);
const round = (price: number) => Math.round(price * 1e4) / 1e4;

/** Each line each leg crosses, at the first tick it is at or under it (the distance computed as liqwatch computes it). */
function crossingsOf(legs: readonly PathLeg[], prices: readonly number[]): Crossing[] {
  const crossings: Crossing[] = [];
  for (const leg of legs) {
    for (const line of LINES) {
      const second = prices.findIndex((markPrice, s) => s >= leg.opensAt && distanceAt(leg, markPrice) <= line);
      if (second >= 0) crossings.push({ leg, line, second });
    }
  }
  return crossings.sort((a, b) => a.second - b.second);
}

export function distanceAt(leg: PathLeg, markPrice: number): number {
  return liqDistancePct({ ...leg, positionAmt: leg.amount, markPrice }) ?? Number.POSITIVE_INFINITY;
}

/** The sources whose pages list the legs: `usdm-ws` lists the USDⓈ-M book as `usdm` does. */
export const BOOKS = ['usdm', 'usdm-ws', 'coinm', 'pm-um'] as const satisfies readonly SourceId[];

/** A source's legs as the exchange lists them at second `s`: a leg not open yet is not there. */
export function legsAt(path: CrashPath, source: SourceId, s: number): SimPosition[] {
  const book = source === 'usdm-ws' ? 'usdm' : source;
  return path.legs
    .filter((leg) => leg.source === book && s >= leg.opensAt)
    .map((leg) => ({
      symbol: leg.symbol,
      positionSide: leg.positionSide,
      positionAmt: leg.amount,
      entryPrice: path.prices[leg.opensAt]!,
      markPrice: path.prices[s]!,
      liquidationPrice: leg.liquidationPrice,
      leverage: 10,
    }));
}
