/**
 * The normalised position: one leg of one symbol on one source of one account.
 * This is the contract every other part relies on (design.md, "Normalised position").
 */

export const SOURCE_IDS = ['usdm', 'usdm-ws', 'coinm', 'pm-um', 'pm-cm'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

export const POSITION_SIDES = ['BOTH', 'LONG', 'SHORT'] as const;
export type PositionSide = (typeof POSITION_SIDES)[number];

export type MarginType = 'cross' | 'isolated';

export interface Position {
  account: string;
  source: SourceId;
  symbol: string;
  positionSide: PositionSide;
  /** Signed: negative is short. COIN-M amounts are contracts. */
  positionAmt: number;
  entryPrice: number;
  breakEvenPrice: number | null;
  markPrice: number;
  /** `null` where the exchange sends "0": there is no liquidation price. */
  liquidationPrice: number | null;
  leverage: number;
  marginType: MarginType | null;
  isolatedMargin: number | null;
  notional: number | null;
  unrealizedProfit: number;
  maxNotionalValue: number | null;
  maxQty: number | null;
  updateTime: number;
}

/** A futures symbol as the exchange names it (`BTCUSDT`, `BTCUSD_PERP`, `ETHUSDT_260327`). */
export const SYMBOL_PATTERN = /^[A-Z0-9_]{2,40}$/;

export function isSourceId(value: string): value is SourceId {
  return (SOURCE_IDS as readonly string[]).includes(value);
}

/** A position is open when it holds an amount; flat legs are listed only on request. */
export function isOpen(p: Pick<Position, 'positionAmt'>): boolean {
  return p.positionAmt !== 0;
}

/**
 * The direction a leg loses money in: a LONG or SHORT leg says so itself, a one-way (`BOTH`) leg by
 * the sign of its amount. A flat one-way leg has no direction.
 */
export function legDirection(p: Pick<Position, 'positionSide' | 'positionAmt'>): 'long' | 'short' | null {
  if (p.positionSide === 'LONG') return 'long';
  if (p.positionSide === 'SHORT') return 'short';
  if (p.positionAmt > 0) return 'long';
  if (p.positionAmt < 0) return 'short';
  return null;
}

/**
 * Distance of the mark price to the liquidation price, in percent of the mark price, measured in the
 * direction the position loses money: a long is liquidated when the price falls to it, a short when it
 * rises. Negative when the mark is already past the liquidation price. `null` where there is no risk to
 * measure: no liquidation price, no mark price, or a flat leg.
 */
export function liqDistancePct(
  p: Pick<Position, 'positionSide' | 'positionAmt' | 'markPrice' | 'liquidationPrice'>,
): number | null {
  const direction = legDirection(p);
  if (direction === null || p.liquidationPrice === null || !(p.markPrice > 0) || p.positionAmt === 0) return null;
  const gap = direction === 'long' ? p.markPrice - p.liquidationPrice : p.liquidationPrice - p.markPrice;
  return roundPct((gap / p.markPrice) * 100);
}

/**
 * A percentage rounded to a billionth of a point, so that it compares exactly with a threshold written
 * as a decimal. Prices are decimals, but the division is binary floating point: mark 1 and liquidation
 * 0.85 give 15.000000000000002 %, which would miss a 15 % line. Rounded, the result is the double nearest
 * the decimal, as the threshold is; no two distances a trader could tell apart become equal.
 */
export function roundPct(pct: number): number {
  return Math.round(pct * 1e9) / 1e9;
}

/** Open positions first by distance to liquidation (nearest first); positions without one go last. */
export function compareByLiqDistance(a: Position, b: Position): number {
  const da = liqDistancePct(a);
  const db = liqDistancePct(b);
  if (da === null && db === null) return a.symbol.localeCompare(b.symbol) || a.account.localeCompare(b.account);
  if (da === null) return 1;
  if (db === null) return -1;
  return da - db;
}
