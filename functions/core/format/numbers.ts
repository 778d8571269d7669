import type { Position, SourceId } from '../position.js';

/**
 * Numbers as a trader reads them: prices with the significant digits that matter (a BTC price to
 * the cent, a meme coin to its fifth significant digit), percentages to one decimal, no exponent.
 */
export function formatPrice(value: number | null): string {
  if (value === null) return '—';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  const decimals = abs >= 1000 ? 2 : abs >= 1 ? 4 : Math.min(10, 4 - Math.floor(Math.log10(abs)));
  return trimZeros(value.toFixed(decimals));
}

/** An amount as the exchange gives it, without float noise (`0.30000000000000004` → `0.3`). */
export function formatAmount(value: number): string {
  return trimZeros(value.toFixed(8));
}

export function formatPct(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)}%`;
}

/** PnL with its sign, two decimals for quote currencies, more for small coin amounts. */
export function formatPnl(value: number): string {
  const text = Math.abs(value) >= 1 || value === 0 ? value.toFixed(2) : trimZeros(value.toFixed(8));
  return value > 0 ? `+${text}` : text;
}

/**
 * A sum of money in a sentence, grouped by thousands: whole units from 1,000 up (`10,230`), two decimals
 * from 1 (`12.35`), four significant digits below (`0.1494` BTC). `up` rounds away from zero at that
 * precision, for an amount that must be enough (`add 1,240 USDT`).
 */
export function formatSum(value: number, round: 'nearest' | 'up' = 'nearest'): string {
  const abs = Math.abs(value);
  const decimals = abs >= 1000 ? 0 : abs >= 1 || abs === 0 ? 2 : Math.min(10, 3 - Math.floor(Math.log10(abs)));
  // The 1e-9 keeps a sum already at the precision (1240.0000000002 in floating point) from rounding up a unit.
  const scale = 10 ** decimals;
  const rounded = round === 'up' ? (Math.sign(value) * Math.max(0, Math.ceil(abs * scale - 1e-9))) / scale : value;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

/** COIN-M books (`coinm`, `pm-cm`) count positions in contracts and their PnL in the coin. */
const isCoinBook = (source: SourceId) => source === 'coinm' || source === 'pm-cm';

/** The quote assets of USDⓈ-M symbols, longest first so `FDUSD` is not read as `USD`. */
const UM_QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'BTC'];

/**
 * The asset a leg's PnL is in: the coin of a COIN-M symbol (`BTCUSD_PERP` → `BTC`), the quote of a USDⓈ-M
 * one (`ETHUSDT_260327` → `USDT`); `null` for a symbol of no known shape rather than a guess.
 */
export function pnlAsset(p: Pick<Position, 'source' | 'symbol'>): string | null {
  const base = p.symbol.split('_')[0] ?? p.symbol;
  if (isCoinBook(p.source)) return base.endsWith('USD') && base.length > 3 ? base.slice(0, -3) : null;
  return UM_QUOTES.find((q) => base.endsWith(q) && base.length > q.length) ?? null;
}

/** PnL with its sign and asset: `-1.06 USDT`, `+0.0012 BTC`. */
export function formatLegPnl(p: Pick<Position, 'source' | 'symbol' | 'unrealizedProfit'>): string {
  const asset = pnlAsset(p);
  return `${formatPnl(p.unrealizedProfit)}${asset ? ` ${asset}` : ''}`;
}

/**
 * A leg's size as every message says it: unsigned (the side word says short), COIN-M in contracts
 * (`2`, `3 contracts`).
 */
export function formatLegSize(p: Pick<Position, 'source' | 'positionAmt'>): string {
  const size = formatAmount(Math.abs(p.positionAmt));
  return isCoinBook(p.source) ? `${size} contract${Math.abs(p.positionAmt) === 1 ? '' : 's'}` : size;
}

export function formatLeverage(value: number): string {
  return `${trimZeros(value.toFixed(2))}x`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
