import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceClient, type ForceOrderRequest } from '#binance/client.js';
import { IpBannedError } from '#binance/errors.js';
import { toForceOrders } from '#binance/force-order-rows.js';
import { FORCE_ORDER_WEIGHT } from '#binance/force-orders.js';
import { Signer } from '#binance/sign.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, manyPositions, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { coinmForceOrders, pmCmForceOrders, pmUmForceOrders, usdmForceOrders } from './force-order-examples.js';
import {
  ALL_SOURCES,
  account,
  book,
  CM_HEDGE,
  CM_ONE_WAY,
  endpointOf,
  FAST,
  failureOf,
  hmacKeys,
  isCoinSource,
  requestFor,
  signerOf,
  UM_HEDGE,
  UM_ONE_WAY,
} from './scenario.js';

/*
 * `fetchForceOrders` reads the liquidations and auto-deleverages of a source from its force-order page
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
 * and the COIN-M and Portfolio Margin pages): the rows normalised to `ForceOrder`, over the transport
 * the positions use (signing, clock, bans, deadline, retries).
 */

const PATHS: Record<SourceId, string> = {
  usdm: '/fapi/v1/forceOrders',
  'usdm-ws': '/fapi/v1/forceOrders',
  coinm: '/dapi/v1/forceOrders',
  'pm-um': '/papi/v1/um/forceOrders',
  'pm-cm': '/papi/v1/cm/forceOrders',
};

describe('the pages’ own examples', () => {
  it.each([
    ['usdm', usdmForceOrders],
    ['coinm', coinmForceOrders],
    ['pm-um', pmUmForceOrders],
    ['pm-cm', pmCmForceOrders],
  ] as const)('%s: each row normalised, the fill price and the filled amount', (source, rows) => {
    const orders = toForceOrders(rows, source);
    expect(orders).toHaveLength(rows.length);
    rows.forEach((row, n) => {
      expect(orders[n]).toEqual({
        source,
        symbol: row.symbol,
        positionSide: row.positionSide,
        side: row.side,
        price: Number(row.avgPrice),
        qty: Number(row.executedQty),
        time: row.time,
        type: row.clientOrderId === 'adl_autoclose' ? 'ADL' : 'LIQUIDATION',
      });
    });
  });

  it('"autoclose-…" is a liquidation and "adl_autoclose" an ADL', () => {
    expect(toForceOrders(usdmForceOrders, 'usdm').map((o) => o.type)).toEqual(['LIQUIDATION', 'ADL']);
  });

  it('numbers as JSON numbers are read; an order that filled nothing is left out', () => {
    const [row] = pmUmForceOrders;
    const rows = [
      { ...row, avgPrice: 10_913.21, executedQty: 0.001, time: '1596107620044' },
      { ...row, executedQty: '0', status: 'EXPIRED' },
    ];
    expect(toForceOrders(rows, 'pm-um')).toEqual([expect.objectContaining({ price: 10_913.21, qty: 0.001 })]);
  });

  it('an average price of 0 falls back to the order price', () => {
    const [row] = usdmForceOrders;
    expect(toForceOrders([{ ...row, avgPrice: '0' }], 'usdm')[0]?.price).toBe(10_871.09);
  });

  it.each([
    [{ symbol: undefined }, /\[0\]\.symbol/],
    [{ side: 'SHORT' }, /\[0\]\.side/],
    [{ positionSide: 'UP' }, /\[0\]\.positionSide/],
    [{ executedQty: 'lots' }, /\[0\]\.executedQty: expected a decimal number, got "lots"/],
    [{ time: -1 }, /\[0\]\.time/],
    [{ clientOrderId: 'electron_x' }, /\[0\]\.clientOrderId: "electron_x" names neither a liquidation/],
  ])('a row with %o is refused, naming the field', (change, message) => {
    const [row] = usdmForceOrders;
    expect(() => toForceOrders([{ ...row, ...change }], 'usdm')).toThrow(message);
  });

  it('an order of unknown kind is read as the kind asked for: the exchange sent only that kind', () => {
    const [row] = usdmForceOrders;
    expect(toForceOrders([{ ...row, clientOrderId: 'x' }], 'usdm', 'ADL')[0]?.type).toBe('ADL');
  });

  it('anything but an array is refused', () => {
    expect(() => toForceOrders({ code: 200, data: [] }, 'usdm')).toThrow(/not the documented array of force orders/);
  });
});

const oneWay = hmacKeys('fo-oneway');
const hedge = hmacKeys('fo-hedge');

describe('fetchForceOrders against the simulator', () => {
  let t: number;
  const now = () => t;
  let sim: ExchangeSimulator;
  let client: BinanceClient;

  beforeEach(async () => {
    t = 1_800_000_000_000;
    sim = await startExchangeSimulator({
      now,
      accounts: [
        account('fo-oneway', oneWay, { positions: book(UM_ONE_WAY, CM_ONE_WAY) }),
        account('fo-hedge', hedge, { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) }),
      ],
    });
    client = new BinanceClient({ ...FAST, now });
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
  });

  function ordersOf(name: 'fo-oneway' | 'fo-hedge', source: SourceId, extra: Partial<ForceOrderRequest> = {}) {
    const keys = name === 'fo-oneway' ? oneWay : hedge;
    return client.fetchForceOrders({ ...requestFor(sim, name, source, signerOf(keys, name)), ...extra });
  }
  function positionsOf(name: 'fo-oneway' | 'fo-hedge', source: SourceId) {
    const keys = name === 'fo-oneway' ? oneWay : hedge;
    return client.fetchPositions(requestFor(sim, name, source, signerOf(keys, name)));
  }
  const pathLog = (source: SourceId) => sim.requests.filter((r) => r.path === PATHS[source]);

  it.each(ALL_SOURCES)('%s, one-way: a liquidated long and an auto-deleveraged short', async (source) => {
    // Prepare: the long is liquidated at its liquidation price, the short deleveraged 10 s later.
    const [long, short] = isCoinSource(source) ? ['BTCUSD_PERP', 'ETHUSD_PERP'] : ['BTCUSDT', 'ETHUSDT'];
    sim.liquidate('fo-oneway', source, long);
    t += 10_000;
    sim.liquidate('fo-oneway', source, short, { price: isCoinSource(source) ? 3_550 : 3_250, type: 'ADL' });

    // Act
    const orders = await ordersOf('fo-oneway', source);
    const positions = await positionsOf('fo-oneway', source);

    // Assess
    const liquidation = isCoinSource(source) ? 45_000 : 48_800;
    expect(orders).toEqual([
      {
        source,
        symbol: long,
        positionSide: 'BOTH',
        side: 'SELL',
        price: liquidation,
        qty: isCoinSource(source) ? 3 : 0.5,
        time: 1_800_000_000_000,
        type: 'LIQUIDATION',
      },
      {
        source,
        symbol: short,
        positionSide: 'BOTH',
        side: 'BUY',
        price: isCoinSource(source) ? 3_550 : 3_250,
        qty: isCoinSource(source) ? 10 : 2,
        time: 1_800_000_010_000,
        type: 'ADL',
      },
    ]);
    for (const symbol of [long, short]) {
      expect(positions.find((p) => p.symbol === symbol)).toMatchObject({ positionAmt: 0, liquidationPrice: null });
    }
    // usdm-ws has no force-order method: its REST host's page is read.
    expect(pathLog(source).map((r) => r.status)).toEqual([200]);
  });

  it.each(ALL_SOURCES)('%s, hedge mode: the liquidated leg is named; the other leg stays open', async (source) => {
    const symbol = isCoinSource(source) ? 'BTCUSD_PERP' : 'BTCUSDT';
    sim.liquidate('fo-hedge', source, symbol, { positionSide: 'LONG', price: isCoinSource(source) ? 45_100 : 48_900 });

    const orders = await ordersOf('fo-hedge', source);
    const positions = await positionsOf('fo-hedge', source);

    expect(orders).toEqual([
      expect.objectContaining({ symbol, positionSide: 'LONG', side: 'SELL', type: 'LIQUIDATION' }),
    ]);
    expect(orders[0]?.price).toBe(isCoinSource(source) ? 45_100 : 48_900);
    const legs = positions.filter((p) => p.symbol === symbol && p.positionAmt !== 0);
    expect(legs.map((p) => p.positionSide)).toEqual(['SHORT']);
  });

  it('usdm and usdm-ws read one book: a liquidation seen through either', async () => {
    sim.liquidate('fo-oneway', 'usdm-ws', 'BTCUSDT');
    const viaRest = await ordersOf('fo-oneway', 'usdm');
    const viaWs = await ordersOf('fo-oneway', 'usdm-ws', { endpoint: endpointOf(sim, 'usdm-ws') });
    expect(viaRest.map((o) => [o.source, o.symbol])).toEqual([['usdm', 'BTCUSDT']]);
    expect(viaWs.map((o) => [o.source, o.symbol])).toEqual([['usdm-ws', 'BTCUSDT']]);
    expect((await positionsOf('fo-oneway', 'usdm')).find((p) => p.symbol === 'BTCUSDT')?.positionAmt).toBe(0);
    expect(pathLog('usdm').map((r) => r.source)).toEqual(['usdm', 'usdm']);
  });

  describe('filters', () => {
    beforeEach(() => {
      sim.liquidate('fo-oneway', 'usdm', 'BTCUSDT');
      t += 60_000;
      sim.liquidate('fo-oneway', 'usdm', 'ETHUSDT', { type: 'ADL' });
    });

    it('symbol: only its orders, at weight 20 instead of 50', async () => {
      const all = await ordersOf('fo-oneway', 'usdm');
      const before = weightOf(client, sim.url);
      const one = await ordersOf('fo-oneway', 'usdm', { symbol: 'ETHUSDT' });
      expect(all.map((o) => o.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
      expect(one.map((o) => o.symbol)).toEqual(['ETHUSDT']);
      expect(before).toBe(FORCE_ORDER_WEIGHT.withoutSymbol + 1); // the time probe counts 1
      expect(weightOf(client, sim.url) - before).toBe(FORCE_ORDER_WEIGHT.withSymbol);
    });

    it('autoCloseType: only that kind', async () => {
      expect((await ordersOf('fo-oneway', 'usdm', { autoCloseType: 'ADL' })).map((o) => o.type)).toEqual(['ADL']);
      const liquidations = await ordersOf('fo-oneway', 'usdm', { autoCloseType: 'LIQUIDATION' });
      expect(liquidations.map((o) => o.symbol)).toEqual(['BTCUSDT']);
    });

    it('startTime and endTime: only orders inside the window', async () => {
      const start = 1_800_000_000_001;
      expect((await ordersOf('fo-oneway', 'usdm', { startTime: start })).map((o) => o.symbol)).toEqual(['ETHUSDT']);
      const early = await ordersOf('fo-oneway', 'usdm', { endTime: 1_800_000_000_000 });
      expect(early.map((o) => o.symbol)).toEqual(['BTCUSDT']);
    });

    it('a time that is not epoch ms, or a window the wrong way round, is refused before any call', async () => {
      const calls = sim.requests.length;
      const bad = await failureOf(ordersOf('fo-oneway', 'usdm', { startTime: 1.5 }));
      const reversed = await failureOf(ordersOf('fo-oneway', 'usdm', { startTime: t, endTime: t - 1 }));
      expect(bad).toMatchObject({ kind: 'request', message: expect.stringMatching(/startTime must be a time/) });
      expect(reversed).toMatchObject({ kind: 'request', message: expect.stringMatching(/startTime is after endTime/) });
      expect(sim.requests.length).toBe(calls);
    });
  });

  it('asks for a full page (100), not the default 50', async () => {
    sim.setPositions('fo-oneway', 'pm-um', manyPositions(60, 'pm-um'));
    for (const p of manyPositions(60, 'pm-um')) sim.liquidate('fo-oneway', 'pm-um', p.symbol);
    expect(await ordersOf('fo-oneway', 'pm-um')).toHaveLength(60);
  });

  it.each(['usdm', 'coinm', 'pm-um', 'pm-cm'] as const)(
    '%s: a refused key is -2015, keys refused, named by endpoint and never by secret',
    async (source) => {
      const stranger = Signer.fromKeys({ apiKey: 'unknownKey01', apiSecret: 'stranger-secret-9Tq' }, 'fo-oneway');
      const error = await failureOf(ordersOf('fo-oneway', source, { signer: stranger }));
      expect(error).toMatchObject({ source, httpStatus: 401, exchangeCode: -2015, keysRefused: true });
      expect(error.message).toContain(`fo-oneway ${source} GET ${PATHS[source]}: HTTP 401 code -2015`);
      expect(error.message).not.toContain('stranger-secret');
      expect(pathLog(source)).toHaveLength(1); // a refused key is not retried
    },
  );

  it('a 5xx from the force-order page is retried, then fails as transient; positions still answer', async () => {
    sim.injectFault({ source: 'coinm', path: PATHS.coinm, times: Number.POSITIVE_INFINITY }, { kind: 'status5xx' });
    const error = await failureOf(ordersOf('fo-oneway', 'coinm'));
    expect(error).toMatchObject({ source: 'coinm', endpoint: 'GET /dapi/v1/forceOrders', httpStatus: 503 });
    expect(error.transient).toBe(true);
    expect(pathLog('coinm').map((r) => r.status)).toEqual([503, 503, 503]);
    expect(await positionsOf('fo-oneway', 'coinm')).toHaveLength(3);
  });

  it('one 5xx is retried and the read succeeds', async () => {
    sim.liquidate('fo-oneway', 'pm-cm', 'ETHUSD_PERP');
    sim.injectFault({ path: PATHS['pm-cm'] }, { kind: 'status5xx', status: 502 });
    expect((await ordersOf('fo-oneway', 'pm-cm')).map((o) => o.symbol)).toEqual(['ETHUSD_PERP']);
    expect(pathLog('pm-cm').map((r) => r.status)).toEqual([502, 200]);
  });

  it('an answer of another shape is malformed, not an empty list', async () => {
    sim.injectFault({ path: PATHS['pm-um'] }, { kind: 'malformed' });
    const error = await failureOf(ordersOf('fo-oneway', 'pm-um'));
    expect(error).toMatchObject({ kind: 'malformed', httpStatus: 200 });
    expect(error.message).toMatch(/not the documented array of force orders/);
  });

  it('a clock gone off is learned again on -1021 and the call retried once', async () => {
    await ordersOf('fo-oneway', 'usdm');
    t += 1_000;
    sim.setClockSkew(30_000);
    expect(await ordersOf('fo-oneway', 'usdm')).toEqual([]);
    expect(pathLog('usdm').map((r) => r.code ?? r.status)).toEqual([200, -1021, 200]);
  });

  it('a host banned while reading positions is not called for force orders', async () => {
    sim.injectFault({ source: 'usdm' }, { kind: 'ban418', retryAfterSec: 60 });
    await failureOf(positionsOf('fo-oneway', 'usdm'));
    const error = await failureOf(ordersOf('fo-oneway', 'usdm'));
    expect(error).toBeInstanceOf(IpBannedError);
    expect(error.message).toMatch(/not called: the host asked us to wait 60 s more/);
    expect(pathLog('usdm')).toEqual([]);
  });

  it('a deadline already passed: not called', async () => {
    const error = await failureOf(ordersOf('fo-oneway', 'pm-um', { deadline: t - 1 }));
    expect(error).toMatchObject({ kind: 'deadline', endpoint: 'GET /papi/v1/um/forceOrders' });
    expect(sim.requests).toEqual([]);
  });
});

function weightOf(client: BinanceClient, origin: string): number {
  return client.usedWeight().find((w) => w.host === origin)?.usedWeight1m ?? 0;
}
