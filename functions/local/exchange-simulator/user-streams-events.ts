import type { SimForceOrder } from './force-orders.js';
import { legNumbers } from './risk-numbers.js';
import { formatDecimal, isCoinMargined, renderRow } from './rows.js';
import type { SimPosition, SimRiskLevel, SourceId } from './types.js';

/*
 * The events of the user data streams, each as its page shows it (field names, decimals as strings,
 * times as numbers). Portfolio Margin's carry `fs`, the book ("'UM' for USDS-M futures and 'CM' for
 * COIN-M futures") and `i`, the account alias; COIN-M's `i` too.
 */

/** Where an event of a source's book goes, and what it adds to say so. */
function bookFields(source: SourceId): Record<string, string> {
  if (source === 'pm-um' || source === 'pm-cm') return { fs: source === 'pm-um' ? 'UM' : 'CM', i: '' };
  return source === 'coinm' ? { i: 'SfsR' } : {};
}

/**
 * `ACCOUNT_UPDATE`: the wallets of the book and the legs given (USDⓈ-M sends the changed symbols' legs,
 * COIN-M every leg). `m` is the reason, `ORDER` for a trade or a forced close.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Balance-and-Position-Update
 */
export function accountUpdate(
  source: SourceId,
  legs: readonly SimPosition[],
  wallet: ReadonlyMap<string, number> | undefined,
  reason: string,
  now: number,
): Record<string, unknown> {
  return {
    e: 'ACCOUNT_UPDATE',
    ...bookFields(source),
    E: now,
    T: now - 1,
    a: {
      m: reason,
      B: [...(wallet ?? [])].map(([asset, amount]) => ({
        a: asset,
        wb: formatDecimal(amount, true),
        cw: formatDecimal(amount, true),
        bc: '0',
      })),
      P: legs.map((p) => {
        const row = renderRow(source === 'usdm-ws' ? 'usdm' : source, p, true);
        return {
          s: p.symbol,
          pa: row.positionAmt,
          ep: row.entryPrice,
          bep: formatDecimal(p.breakEvenPrice ?? p.entryPrice),
          cr: '0',
          up: row.unRealizedProfit,
          mt: p.marginType ?? 'cross',
          iw: formatDecimal(p.marginType === 'isolated' ? Math.abs(legNumbers(source, p).initialMargin) : 0, true),
          ps: p.positionSide ?? 'BOTH',
        };
      }),
    },
  };
}

/**
 * A forced close as its two `ORDER_TRADE_UPDATE`s: accepted (`x` and `X` NEW, nothing filled yet), then
 * filled whole at the order's average price. "If user gets liquidated due to insufficient margin
 * balance: c shows as "autoclose-XXX", X shows as "NEW"; if user has enough margin balance but gets
 * ADL: c shows as "adl_autoclose", X shows as "NEW"."
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
 */
export function forceOrderUpdates(source: SourceId, o: SimForceOrder): Record<string, unknown>[] {
  const limit = o.side === 'SELL' ? o.price * 0.996 : o.price * 1.004;
  const qty = formatDecimal(o.qty);
  const order = (fill: boolean) => ({
    e: 'ORDER_TRADE_UPDATE',
    ...bookFields(source),
    E: o.time + (fill ? 1 : 0),
    T: o.time,
    o: {
      s: o.symbol,
      c: o.clientOrderId,
      S: o.side,
      o: 'LIMIT',
      f: 'IOC',
      q: qty,
      p: formatDecimal(Math.round(limit * 100) / 100),
      ap: fill ? formatDecimal(o.price) : '0',
      sp: '0',
      x: fill ? 'TRADE' : 'NEW',
      X: fill ? 'FILLED' : 'NEW',
      i: o.orderId,
      l: fill ? qty : '0',
      z: fill ? qty : '0',
      L: fill ? formatDecimal(o.price) : '0',
      N: isCoinMargined(source) ? o.pair.replace(/USD$/, '') : 'USDT',
      n: '0',
      T: o.time,
      t: fill ? o.orderId : 0,
      m: false,
      R: true,
      ot: 'LIMIT',
      ps: o.positionSide,
      rp: '0',
    },
  });
  return [order(false), order(true)];
}

/**
 * `MARGIN_CALL` (USDⓈ-M and COIN-M) for the open legs given: mark, PnL and maintenance margin of each;
 * `cw`, the cross wallet, "only pushed with crossed position margin call".
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Margin-Call
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Event-Margin-Call
 */
export function marginCall(source: SourceId, legs: readonly SimPosition[], crossWallet: number, now: number) {
  const numbers = legs.map((p) => ({ p, n: legNumbers(source, p) }));
  return {
    e: 'MARGIN_CALL',
    ...bookFields(source),
    E: now,
    ...(numbers.some(({ n }) => n.cross) ? { cw: formatDecimal(crossWallet, true) } : {}),
    p: numbers.map(({ p, n }) => ({
      s: p.symbol,
      ps: p.positionSide ?? 'BOTH',
      pa: formatDecimal(p.positionAmt),
      mt: n.cross ? 'CROSSED' : 'ISOLATED',
      iw: formatDecimal(n.cross ? 0 : n.initialMargin, true),
      mp: formatDecimal(p.markPrice, true),
      up: formatDecimal(n.unrealizedProfit, true),
      mm: formatDecimal(n.maintMargin, true),
    })),
  };
}

/**
 * Portfolio Margin's `riskLevelChange`, from the numbers of its account page (`uniMMR`, equity,
 * maintenance margin). https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-riskLevelChange
 */
export function riskLevelChange(page: Record<string, unknown>, level: SimRiskLevel, now: number) {
  return {
    e: 'riskLevelChange',
    E: now,
    u: page.uniMMR,
    s: level,
    eq: page.accountEquity,
    ae: page.actualEquity,
    m: page.accountMaintMargin,
  };
}

/**
 * `listenKeyExpired`: "When the listenKey used for the user data stream turns expired, this event will
 * be pushed." USDⓈ-M's and COIN-M's carry the key; Portfolio Margin's only the time.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-User-Data-Stream-Expired
 */
export function listenKeyExpired(key: string, withKey: boolean, now: number) {
  return { e: 'listenKeyExpired', E: now, ...(withKey ? { listenKey: key } : {}) };
}
