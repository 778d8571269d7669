import { readdir, readFile } from 'node:fs/promises';

/**
 * Real one-minute candles from `shared/market-data/` (beside the repository; its SOURCES.md says where
 * each file comes from). A file covers one complete window: one candle per minute, none missing.
 */
export const MARKET_DATA = new URL('../../../shared/market-data/', import.meta.url);

export interface Candle {
  /** Open time, epoch ms. */
  at: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** One file: the market it is (`AVAX`, `BTC`, …) and its candles, oldest first. */
export interface MarketDay {
  file: string;
  /** The base asset, from the file name (`AVAXUSDT-perp-…` → `AVAX`). */
  base: string;
  candles: Candle[];
}

const MINUTE = 60_000;
const HEADER = 'open_time,open,high,low,close';

/** Every CSV file of the folder, read and checked, by name. */
export async function readMarketDays(dir: URL = MARKET_DATA): Promise<MarketDay[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
  if (files.length === 0) throw new Error(`no candle files (*.csv) in ${dir.pathname}`);
  return Promise.all(files.map(async (file) => parseMarketDay(file, await readFile(new URL(file, dir), 'utf8'))));
}

/** Parses one file; a bad line is an error naming the file, the line and what is wrong with it. */
export function parseMarketDay(file: string, text: string): MarketDay {
  const base = /^([A-Z0-9]+?)USDT-/.exec(file)?.[1];
  if (!base) throw new Error(`${file}: the name does not start with a USDT pair such as BTCUSDT-`);
  const lines = text.trim().split(/\r?\n/);
  if (lines[0] !== HEADER) throw new Error(`${file}:1: expected the header "${HEADER}", found "${lines[0]}"`);
  const candles = lines.slice(1).map((line, i) => parseCandle(line, `${file}:${i + 2}`));
  candles.forEach((c, i) => {
    const prev = candles[i - 1];
    if (prev && c.at !== prev.at + MINUTE) {
      throw new Error(`${file}:${i + 2}: candle at ${new Date(c.at).toISOString()} does not follow the one before`);
    }
  });
  if (candles.length === 0) throw new Error(`${file}: no candles`);
  return { file, base, candles };
}

function parseCandle(line: string, where: string): Candle {
  const cells = line.split(',');
  if (cells.length !== 5) throw new Error(`${where}: expected 5 columns, found ${cells.length}`);
  const [at, open, high, low, close] = cells.map((cell) => Number(cell)) as [number, number, number, number, number];
  if (!Number.isInteger(at) || at % MINUTE !== 0) throw new Error(`${where}: open_time "${cells[0]}" is not a minute`);
  for (const [name, v] of Object.entries({ open, high, low, close })) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${where}: ${name} is not a positive number`);
  }
  if (low > Math.min(open, close) || high < Math.max(open, close)) {
    throw new Error(`${where}: low and high do not hold the open and the close`);
  }
  return { at, open, high, low, close };
}
