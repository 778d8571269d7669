import { DerivativesTradingCoinFutures } from '@binance/derivatives-trading-coin-futures';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';

/*
 * The simulator's market streams spoken to as the exchange's pages describe them, by a bare client and
 * by the exchange's own COIN-M connector: if the connector subscribes and reads the scenario's mark
 * price, the simulator speaks the exchange's protocol, not just our client's idea of it. (The USDⓈ-M
 * connector opens `/market`, `/public` and `/private` together; the simulator serves `/market` only.)
 */

const NOW = Date.UTC(2026, 0, 5, 12, 30);
const leg = (symbol: string, markPrice: number): SimPosition => ({
  symbol,
  positionAmt: 1,
  entryPrice: markPrice,
  markPrice,
});
const USDM = [leg('BTCUSDT', 60_000), leg('ETHUSDT', 3_000)];
const mark = (symbol: string, price: number) => (legs: SimPosition[]) =>
  legs.map((p) => (p.symbol === symbol ? { ...p, markPrice: price } : p));

let sim: ExchangeSimulator;
beforeAll(async () => {
  sim = await startExchangeSimulator({
    now: () => NOW,
    accounts: [
      {
        name: 'main',
        apiKey: 'marketKey01',
        apiSecret: 'market-secret-01',
        positions: { usdm: USDM, coinm: [leg('BTCUSD_PERP', 60_100), leg('ETHUSD_250627', 3_020)] },
      },
    ],
  });
});
afterAll(() => sim.close());

/** A bare client: what it received, and a way to wait for the next frames. */
async function connect(path: string) {
  const ws = new WebSocket(`${sim.wsMarketUrl('usdm')}${path}`);
  const frames: unknown[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const ask = async (request: unknown) => {
    const seen = frames.length;
    ws.send(typeof request === 'string' ? request : JSON.stringify(request));
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(seen));
    return frames[seen];
  };
  return { ws, frames, ask };
}

describe('the simulator market streams', () => {
  it('take the streams of the URL, answer SUBSCRIBE and LIST_SUBSCRIPTIONS, and push the combined wrapper', async () => {
    const { ws, frames, ask } = await connect('/stream?streams=btcusdt@markPrice@1s');
    expect(await ask({ method: 'SUBSCRIBE', params: ['ethusdt@markPrice'], id: 1 })).toEqual({ result: null, id: 1 });
    expect(await ask({ method: 'LIST_SUBSCRIPTIONS', id: 2 })).toEqual({
      result: ['btcusdt@markPrice@1s', 'ethusdt@markPrice'],
      id: 2,
    });
    const seen = frames.length;
    sim.updatePositions('main', 'usdm', mark('BTCUSDT', 59_000.5));
    await vi.waitFor(() => expect(frames.length).toBe(seen + 1));
    expect(frames[seen]).toEqual({
      stream: 'btcusdt@markPrice@1s',
      data: {
        e: 'markPriceUpdate',
        E: NOW,
        s: 'BTCUSDT',
        p: '59000.50000000',
        i: '59000.50000000',
        P: '59000.50000000',
        r: '0.00010000',
        T: Date.UTC(2026, 0, 5, 16),
      },
    });
    expect(await ask({ method: 'UNSUBSCRIBE', params: ['btcusdt@markPrice@1s'], id: 3 })).toEqual({
      result: null,
      id: 3,
    });
    expect(sim.marketSubscriptions('usdm')).toEqual([['ethusdt@markPrice']]);
    ws.close();
  });

  it.each([
    ['not JSON', '{"method":', { code: 3, msg: 'Invalid JSON: expected value' }, null],
    [
      'a negative id',
      { method: 'LIST_SUBSCRIPTIONS', id: -1 },
      { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' },
      null,
    ],
    [
      'an uppercase stream',
      { method: 'SUBSCRIBE', params: ['BTCUSDT'], id: 4 },
      { code: 2, msg: 'Invalid request: invalid stream' },
      4,
    ],
    [
      'an unknown property',
      { method: 'SET_PROPERTY', params: ['speed', true], id: 5 },
      { code: 0, msg: 'Unknown property' },
      5,
    ],
    [
      'a property value not Boolean',
      { method: 'SET_PROPERTY', params: ['combined', 'no'], id: 6 },
      { code: 1, msg: 'Invalid value type: expected Boolean' },
      6,
    ],
  ])('refuse %s with the documented error', async (_name, request, error, id) => {
    const { ws, ask } = await connect('/stream');
    expect(await ask(request)).toEqual({ error, id });
    ws.close();
  });

  it('send raw events on /ws and after SET_PROPERTY combined false', async () => {
    const { ws, frames, ask } = await connect('/ws/ethusdt@markPrice');
    expect(await ask({ method: 'GET_PROPERTY', params: ['combined'], id: 1 })).toEqual({ result: false, id: 1 });
    sim.updatePositions('main', 'usdm', mark('ETHUSDT', 3_100));
    await vi.waitFor(() =>
      expect(frames.at(-1)).toMatchObject({ e: 'markPriceUpdate', s: 'ETHUSDT', p: '3100.00000000' }),
    );
    ws.close();
  });

  it('disconnect a client that sends more than 10 messages a second', async () => {
    const { ws } = await connect('/stream');
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    for (let id = 1; id <= 11; id++) ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    expect(await closed).toBe(1008);
  });

  it('serve the COIN-M mark price to the exchange connector, a delivery contract without funding', async () => {
    const quiet: MockInstance[] = (['info', 'debug', 'log', 'warn'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
    try {
      const client = new DerivativesTradingCoinFutures({
        configurationWebsocketStreams: { wsURL: sim.wsMarketUrl('coinm') },
      });
      const connection = await client.websocketStreams.connect();
      const events: unknown[] = [];
      connection
        .markPriceStream({ symbol: 'BTCUSD_PERP', updateSpeed: '1s' })
        .on('message', (d) => void events.push(d));
      connection.markPriceStream({ symbol: 'ETHUSD_250627' }).on('message', (d) => void events.push(d));
      await vi.waitFor(() =>
        expect(sim.marketSubscriptions('coinm')).toEqual([['btcusd_perp@markPrice@1s', 'ethusd_250627@markPrice']]),
      );
      expect(sim.pushMarkPrices()).toBe(2);
      await vi.waitFor(() => expect(events).toHaveLength(2));
      expect(events).toEqual([
        expect.objectContaining({ s: 'BTCUSD_PERP', p: '60100.00000000', r: '0.00010000' }),
        expect.objectContaining({ s: 'ETHUSD_250627', p: '3020.00000000', r: '', T: 0 }),
      ]);
      await connection.disconnect();
    } finally {
      for (const spy of quiet) spy.mockRestore();
    }
  });
});
