/*
 * The exchange's own connectors (binance-connector-js) read the simulator's force-order pages: each
 * connector's call is signed the way the exchange checks it, accepted, and reads the same orders as
 * liqwatch's client. So the simulator serves the pages as the exchange documents them, not only as
 * liqwatch asks for them.
 */
import { DerivativesTradingCoinFutures } from '@binance/derivatives-trading-coin-futures';
import { DerivativesTradingPortfolioMargin } from '@binance/derivatives-trading-portfolio-margin';
import {
  DerivativesTradingUsdsFutures,
  DerivativesTradingUsdsFuturesRestAPI,
} from '@binance/derivatives-trading-usds-futures';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import type { ForceOrder } from '#core/force-order.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_HEDGE, FAST, hmacKeys, isCoinSource, requestFor, signerOf, UM_HEDGE } from './scenario.js';

const keys = hmacKeys('connector-fo');
const API_SECRET = 'apiSecret' in keys.keys ? keys.keys.apiSecret : '';

let sim: ExchangeSimulator;
let client: BinanceClient;
let quiet: MockInstance[];

beforeAll(async () => {
  // The connectors log at info level; the assertions say what matters.
  quiet = (['info', 'debug', 'log'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  sim = await startExchangeSimulator({
    accounts: [account('connector-fo', keys, { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) })],
  });
  client = new BinanceClient(FAST);
  // A liquidation and an ADL on every book.
  for (const source of ['usdm', 'coinm', 'pm-um', 'pm-cm'] as const) {
    const [symbol, other] = isCoinSource(source) ? ['BTCUSD_PERP', 'ETHUSD_PERP'] : ['BTCUSDT', 'ETHUSDT'];
    sim.liquidate('connector-fo', source, symbol, { positionSide: 'LONG' });
    sim.liquidate('connector-fo', source, other, { positionSide: 'SHORT', type: 'ADL' });
  }
});

afterAll(async () => {
  await client.close();
  await sim.close();
  for (const spy of quiet) spy.mockRestore();
});

/** REST options: the simulator's URL, no retries, a short timeout, the account's HMAC key. */
function rest() {
  return { apiKey: keys.keys.apiKey, apiSecret: API_SECRET, basePath: sim.url, retries: 0, timeout: 3_000 };
}

/** A connector's row, as liqwatch's client normalises it. */
type Row = {
  symbol?: string;
  positionSide?: string;
  side?: string;
  avgPrice?: string;
  executedQty?: string;
  time?: number | bigint;
  clientOrderId?: string;
};
function asOrder(source: SourceId, row: Row): ForceOrder {
  return {
    source,
    symbol: String(row.symbol),
    positionSide: row.positionSide as ForceOrder['positionSide'],
    side: row.side as ForceOrder['side'],
    price: Number(row.avgPrice),
    qty: Number(row.executedQty),
    time: Number(row.time),
    type: row.clientOrderId === 'adl_autoclose' ? 'ADL' : 'LIQUIDATION',
  };
}

const ours = (source: SourceId, extra: { symbol?: string; autoCloseType?: 'LIQUIDATION' | 'ADL' } = {}) =>
  client.fetchForceOrders({ ...requestFor(sim, 'connector-fo', source, signerOf(keys, 'connector-fo')), ...extra });

describe('the official connectors read the simulator’s force orders as liqwatch does', () => {
  it('USDⓈ-M usersForceOrders: both orders, then one kind, then one symbol', async () => {
    const usds = new DerivativesTradingUsdsFutures({ configurationRestAPI: rest() });
    const ADL = DerivativesTradingUsdsFuturesRestAPI.UsersForceOrdersAutoCloseTypeEnum.ADL;
    const res = await usds.restAPI.usersForceOrders();
    const all = (await res.data()) as Row[];
    const adl = (await (await usds.restAPI.usersForceOrders({ autoCloseType: ADL })).data()) as Row[];
    const eth = (await (await usds.restAPI.usersForceOrders({ symbol: 'ETHUSDT' })).data()) as Row[];

    expect(all.map((r) => asOrder('usdm', r))).toEqual(await ours('usdm'));
    expect(all).toHaveLength(2);
    expect(adl.map((r) => asOrder('usdm', r))).toEqual(await ours('usdm', { autoCloseType: 'ADL' }));
    expect(eth.map((r) => r.symbol)).toEqual(['ETHUSDT']);
    // The connector reads the weight header: the first call of the minute, 50 without a symbol.
    expect(res.rateLimits?.[0]).toMatchObject({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', count: 50 });
  });

  it('COIN-M usersForceOrders', async () => {
    const coin = new DerivativesTradingCoinFutures({ configurationRestAPI: rest() });
    const rows = (await (await coin.restAPI.usersForceOrders()).data()) as Row[];
    expect(rows.map((r) => asOrder('coinm', r))).toEqual(await ours('coinm'));
    expect(rows.map((r) => r.symbol)).toEqual(['BTCUSD_PERP', 'ETHUSD_PERP']);
  });

  it('Portfolio Margin queryUsersUmForceOrders and queryUsersCmForceOrders', async () => {
    const pm = new DerivativesTradingPortfolioMargin({ configurationRestAPI: rest() });
    const um = (await (await pm.restAPI.queryUsersUmForceOrders()).data()) as Row[];
    const cm = (await (await pm.restAPI.queryUsersCmForceOrders({ symbol: 'BTCUSD_PERP' })).data()) as Row[];
    expect(um.map((r) => asOrder('pm-um', r))).toEqual(await ours('pm-um'));
    expect(cm.map((r) => asOrder('pm-cm', r))).toEqual(await ours('pm-cm', { symbol: 'BTCUSD_PERP' }));
    expect(cm).toHaveLength(1);
  });

  it('every connector call was accepted, signed as the exchange checks it', () => {
    const calls = sim.requests.filter((r) => r.path?.endsWith('/forceOrders'));
    expect(calls).toHaveLength(6 + 5); // the connectors' calls and liqwatch's
    expect(calls.filter((r) => r.status !== 200)).toEqual([]);
    expect(JSON.stringify(sim.requests)).not.toContain(API_SECRET);
  });
});
