import { type ExchangeError, illegalChars, invalidParameter, invalidSymbol } from './errors.js';
import { contractSizeUsd, formatDecimal, isCoinMargined, pairOf } from './rows.js';
import type { SimForceOrderType, SimPosition, SimPositionSide, SourceId } from './types.js';

/*
 * The account's force orders (liquidations and auto-deleverages), kept per book and served as the four
 * pages document them:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/trade/Users-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-UM-Force-Orders
 * https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Query-Users-CM-Force-Orders
 */

/** A book of force orders: `usdm` and `usdm-ws` read one USDⓈ-M book, over `/fapi/v1/forceOrders`. */
export type ForceOrderBook = Exclude<SourceId, 'usdm-ws'>;

export function forceOrderBookOf(source: SourceId): ForceOrderBook {
  return source === 'usdm-ws' ? 'usdm' : source;
}

/** Every page: "20 with symbol, 50 without symbol". */
export function forceOrderWeight(params: ReadonlyMap<string, string>): number {
  return params.has('symbol') ? 20 : 50;
}

/** One forced close, in plain numbers. */
export interface SimForceOrder {
  orderId: number;
  symbol: string;
  type: SimForceOrderType;
  side: 'BUY' | 'SELL';
  positionSide: SimPositionSide;
  /** The average fill price. */
  price: number;
  /** The amount closed: contracts on COIN-M. */
  qty: number;
  time: number;
  clientOrderId: string;
  /** USD per contract, for COIN-M's `cumBase`. */
  contractSizeUsd: number;
  pair: string;
}

/** The forced close of `leg` at `price`: the order that takes the whole leg away. */
export function forceOrderOf(
  leg: SimPosition & { positionSide: SimPositionSide },
  opts: { orderId: number; price: number; type: SimForceOrderType; time: number },
): SimForceOrder {
  return {
    orderId: opts.orderId,
    symbol: leg.symbol,
    type: opts.type,
    // A long is closed by a sell, a short by a buy.
    side: leg.positionAmt > 0 ? 'SELL' : 'BUY',
    positionSide: leg.positionSide,
    price: opts.price,
    qty: Math.abs(leg.positionAmt),
    time: opts.time,
    // "autoclose-" and the time for a liquidation, "adl_autoclose" for an ADL, as the pages show them.
    clientOrderId:
      opts.type === 'ADL' ? 'adl_autoclose' : `autoclose-${opts.time}${String(opts.orderId % 1e6).padStart(6, '0')}`,
    contractSizeUsd: contractSizeUsd(leg),
    pair: pairOf(leg),
  };
}

/**
 * One row exactly as its page shows it, in the page's field order. The order's own `price` is the
 * limit it was sent with, a little worse than the fill (`avgPrice`), as in the pages' examples.
 */
export function renderForceOrder(book: ForceOrderBook, o: SimForceOrder): Record<string, unknown> {
  const limit = o.side === 'SELL' ? o.price * 0.996 : o.price * 1.004;
  const coin = isCoinMargined(book);
  const futures = book === 'usdm' || book === 'coinm';
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    ...(coin ? { pair: o.pair } : {}),
    status: 'FILLED',
    clientOrderId: o.clientOrderId,
    price: formatDecimal(Math.round(limit * 100) / 100),
    avgPrice: formatDecimal(o.price),
    origQty: formatDecimal(o.qty),
    executedQty: formatDecimal(o.qty),
    ...(coin
      ? { cumBase: formatDecimal((o.qty * o.contractSizeUsd) / o.price) }
      : { cumQuote: formatDecimal(o.qty * o.price) }),
    timeInForce: o.type === 'ADL' ? 'GTC' : 'IOC',
    type: 'LIMIT',
    reduceOnly: false,
    // The USDⓈ-M and COIN-M pages' rows carry these; Portfolio Margin's do not.
    ...(futures ? { closePosition: false } : {}),
    side: o.side,
    positionSide: o.positionSide,
    ...(futures ? { stopPrice: '0', workingType: 'CONTRACT_PRICE' } : {}),
    ...(book === 'coinm' ? { priceProtect: false } : {}),
    origType: 'LIMIT',
    time: o.time,
    updateTime: o.time,
  };
}

const DAY_MS = 86_400_000;
const MILLIS = /^\d{1,20}$/;

/**
 * The orders a request's parameters select, or the exchange's error: `symbol` (an unlisted USDⓈ-M
 * symbol is -1121), `autoCloseType` ("If autoCloseType is not sent, orders with both of the types will
 * be returned"), `startTime`/`endTime` ("If startTime is not sent, data within 7 days before endTime
 * can be queried"; COIN-M: 200 days) and `limit` ("Default 50; max 100"). The pages do not say which
 * orders a full page keeps: the simulator answers the oldest first.
 */
export function selectForceOrders(
  book: ForceOrderBook,
  orders: readonly SimForceOrder[],
  params: ReadonlyMap<string, string>,
  ctx: { now: number; listedUm: ReadonlySet<string> },
): SimForceOrder[] | ExchangeError {
  const symbol = params.get('symbol');
  if (symbol !== undefined && !isCoinMargined(book) && !ctx.listedUm.has(symbol)) return invalidSymbol();
  const type = params.get('autoCloseType');
  if (type !== undefined && type !== 'LIQUIDATION' && type !== 'ADL') {
    return invalidParameter('autoCloseType', '"LIQUIDATION" for liquidation orders, "ADL" for ADL orders.');
  }
  const read: Record<'startTime' | 'endTime' | 'limit', number | undefined> = {
    startTime: undefined,
    endTime: undefined,
    limit: undefined,
  };
  for (const name of ['startTime', 'endTime', 'limit'] as const) {
    const value = params.get(name);
    if (value === undefined) continue;
    if (!MILLIS.test(value)) return illegalChars(name, '^[0-9]{1,20}$');
    read[name] = Number(value);
  }
  const limit = read.limit ?? 50;
  if (limit < 1 || limit > 100) return invalidParameter('limit', 'Default 50; max 100.');
  const end = read.endTime ?? ctx.now;
  const start = read.startTime ?? end - (book === 'coinm' ? 200 : 7) * DAY_MS;
  if (start > end) return invalidParameter('startTime', 'startTime must not be after endTime.');
  return orders
    .filter((o) => (symbol === undefined || o.symbol === symbol) && (type === undefined || o.type === type))
    .filter((o) => o.time >= start && o.time <= end)
    .sort((a, b) => a.time - b.time || a.orderId - b.orderId)
    .slice(0, limit);
}

/** A leg the exchange closed: flat, no entry, no liquidation price, marked at the close. */
export function closedLeg(p: SimPosition, price: number, now: number): SimPosition {
  return {
    ...p,
    positionAmt: 0,
    entryPrice: 0,
    breakEvenPrice: 0,
    markPrice: price,
    liquidationPrice: 0,
    unrealizedProfit: 0,
    notional: 0,
    isolatedMargin: 0,
    updateTime: now,
  };
}
