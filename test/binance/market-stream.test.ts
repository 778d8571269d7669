import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MarketStream, type MarketStreamOptions } from '#binance/market-stream.js';
import type { MarkTick, StreamGap } from '#binance/stream-events.js';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';

/*
 * The market streams' client against the simulator's: mark prices of followed symbols, subscriptions
 * that follow the legs, reconnection with backoff and a gap told once, malformed frames reported, the
 * 24 h renewal. Time is the test's: the client's timers and both clocks move only when it says so.
 */

const HOUR = 60 * 60 * 1000;

/** The test's clock and timers: time moves only on `advance`, running each timer that falls due, in order. */
function manualTime(start: number) {
  let now = start;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        due.set(++seq, { at: now + Math.max(0, ms), fn });
        return seq;
      },
      clearTimeout: (handle: unknown) => void due.delete(handle as number),
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = [...due].filter(([, t]) => t.at <= end).sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (!next) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].fn();
      }
      now = end;
    },
    pending: () => due.size,
    /** How long until the next timer is due. */
    nextDelay: () => Math.min(...[...due.values()].map((t) => t.at - now)),
  };
}

const time = manualTime(Date.UTC(2026, 0, 5, 12));
const leg = (symbol: string, markPrice: number): SimPosition => ({
  symbol,
  positionAmt: 1,
  entryPrice: markPrice,
  markPrice,
  liquidationPrice: markPrice * 0.8,
});
const USDM = [leg('BTCUSDT', 60_000), leg('ETHUSDT', 3_000)];
const mark = (symbol: string, price: number) => (legs: SimPosition[]) =>
  legs.map((p) => (p.symbol === symbol ? { ...p, markPrice: price } : p));

let sim: ExchangeSimulator;
const opened: MarketStream[] = [];

beforeAll(async () => {
  sim = await startExchangeSimulator({
    now: time.now,
    accounts: [
      {
        name: 'main',
        apiKey: 'streamKey01',
        apiSecret: 'stream-secret-01',
        positions: { usdm: USDM, 'pm-um': [leg('SOLUSDT', 150)], coinm: [leg('BTCUSD_PERP', 60_100)] },
      },
    ],
  });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  sim.injectMarketFault({ kind: 'refuseConnection', times: 0 });
  sim.injectMarketFault({ kind: 'refuseSubscribe', times: 0 });
  sim.setPositions('main', 'usdm', USDM);
});
afterAll(() => sim.close());

function open(market: 'usdm' | 'coinm' = 'usdm', opts: Partial<MarketStreamOptions> = {}) {
  const ticks: MarkTick[] = [];
  const gaps: StreamGap[] = [];
  const errors: string[] = [];
  const stream = new MarketStream({
    market,
    url: sim.wsMarketUrl(market),
    onTick: (t) => ticks.push(t),
    onGap: (g) => gaps.push(g),
    onError: (m) => errors.push(m),
    now: time.now,
    timers: time.timers,
    ...opts,
  });
  opened.push(stream);
  return { stream, ticks, gaps, errors };
}

const streamRequests = () => sim.requests.filter((r) => r.transport === 'stream');

describe('the market stream', () => {
  it('pushes the mark price of followed symbols only, on each market', async () => {
    const usdm = open();
    const coinm = open('coinm');
    await usdm.stream.follow(['BTCUSDT']);
    await coinm.stream.follow(['BTCUSD_PERP']);
    sim.updatePositions('main', 'usdm', (legs) => mark('ETHUSDT', 3_100)(mark('BTCUSDT', 59_000)(legs)));
    sim.updatePositions('main', 'coinm', mark('BTCUSD_PERP', 58_800));
    await vi.waitFor(() => expect(coinm.ticks).toHaveLength(1));
    await vi.waitFor(() => expect(usdm.ticks).toHaveLength(1));
    expect(usdm.ticks[0]).toEqual({ market: 'usdm', symbol: 'BTCUSDT', markPrice: 59_000, eventTime: time.now() });
    expect(coinm.ticks[0]).toMatchObject({ market: 'coinm', symbol: 'BTCUSD_PERP', markPrice: 58_800 });
    expect(sim.pushMarkPrices()).toBe(2);
    await vi.waitFor(() => expect(usdm.ticks.map((t) => t.symbol)).toEqual(['BTCUSDT', 'BTCUSDT']));
    expect(usdm.errors.concat(coinm.errors)).toEqual([]);
  });

  it('follows the legs: one SUBSCRIBE or UNSUBSCRIBE per change, as LIST_SUBSCRIPTIONS says', async () => {
    const { stream } = open();
    const from = streamRequests().length;
    await stream.follow(['BTCUSDT', 'ETHUSDT']);
    expect(sim.marketSubscriptions('usdm')).toEqual([['btcusdt@markPrice@1s', 'ethusdt@markPrice@1s']]);
    await stream.follow(['ETHUSDT', 'SOLUSDT']);
    expect(sim.marketSubscriptions('usdm')).toEqual([['ethusdt@markPrice@1s', 'solusdt@markPrice@1s']]);
    expect(stream.following()).toEqual(['ETHUSDT', 'SOLUSDT']);
    expect(
      streamRequests()
        .slice(from)
        .map((r) => r.method),
    ).toEqual(['SUBSCRIBE', 'UNSUBSCRIBE', 'SUBSCRIBE']);
    await stream.follow([]);
    await vi.waitFor(() => expect(sim.marketSubscriptions('usdm')).toEqual([]));
  });

  it('sends at most 5 requests a second on a connection, half the exchange limit', async () => {
    const { stream, gaps } = open();
    const from = streamRequests().length;
    const sets = [['BTCUSDT'], ['ETHUSDT'], ['BTCUSDT'], ['ETHUSDT'], ['BTCUSDT']];
    const done = (async () => {
      for (const set of sets) await stream.follow(set);
    })();
    // The sixth request waits for the second to end.
    await vi.waitFor(() => expect(time.nextDelay()).toBeLessThanOrEqual(1000));
    expect(streamRequests().length - from).toBe(5);
    time.advance(1000);
    await done;
    expect(streamRequests().length - from).toBe(9);
    expect(gaps).toEqual([]);
  });

  it('reconnects with exponential backoff, subscribes again and tells the gap once', async () => {
    const { stream, ticks, gaps } = open();
    await stream.follow(['BTCUSDT']);
    sim.injectMarketFault({ kind: 'refuseConnection', times: 2 });
    sim.dropStreams();
    for (const backoff of [1000, 2000, 4000]) {
      await vi.waitFor(() => expect(time.nextDelay()).toBe(backoff));
      time.advance(backoff - 1);
      expect(sim.marketSubscriptions('usdm')).toEqual([]);
      time.advance(1);
    }
    await vi.waitFor(() => expect(gaps).toHaveLength(1));
    expect(gaps[0]).toEqual({ account: null, source: 'usdm', reason: 'connection closed' });
    expect(sim.marketSubscriptions('usdm')).toEqual([['btcusdt@markPrice@1s']]);
    sim.pushMarkPrices();
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    // Back to the first backoff after a success.
    sim.dropStreams();
    await vi.waitFor(() => expect(time.nextDelay()).toBe(1000));
  });

  it('reopens a connection that went silent, and tells the gap', async () => {
    const { stream, gaps } = open();
    await stream.follow(['BTCUSDT']);
    time.advance(30_000);
    await vi.waitFor(() => expect(time.nextDelay()).toBe(1000));
    time.advance(1000);
    await vi.waitFor(() => expect(gaps).toEqual([{ account: null, source: 'usdm', reason: 'no frame for 30 s' }]));
    expect(sim.marketSubscriptions('usdm')).toEqual([['btcusdt@markPrice@1s']]);
  });

  it('reports a malformed frame or a refused SUBSCRIBE, and goes on', async () => {
    const { stream, ticks, errors, gaps } = open();
    await stream.follow(['BTCUSDT']);
    sim.injectMarketFault({ kind: 'malformedFrame' });
    sim.injectMarketFault({ kind: 'malformedFrame', body: 'invalid-json' });
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors[0]).toMatch(/^usdm market stream: btcusdt@markPrice@1s event: p: expected a decimal number/);
    expect(errors[1]).toMatch(/^usdm market stream: market stream frame: not valid JSON/);
    sim.pushMarkPrices();
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    sim.injectMarketFault({ kind: 'refuseSubscribe' });
    await stream.follow(['BTCUSDT', 'ETHUSDT']);
    expect(errors[2]).toBe('usdm market stream: SUBSCRIBE refused: 2 Invalid request: invalid stream');
    expect(stream.following()).toEqual(['BTCUSDT']);
    await stream.follow(['BTCUSDT', 'ETHUSDT']);
    expect(stream.following()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(gaps).toEqual([]);
  });

  it('answers the exchange pings (undici sends the pong)', async () => {
    const { stream } = open();
    await stream.follow(['BTCUSDT']);
    expect(await sim.pingStreams()).toBe(1);
  });

  it('replaces its connection before the 24 h end, without a gap', async () => {
    const { stream, ticks, gaps } = open('usdm', { silenceMs: 0 });
    await stream.follow(['BTCUSDT']);
    const from = streamRequests().length;
    time.advance(23 * HOUR);
    await vi.waitFor(() => expect(streamRequests().length - from).toBe(1));
    await vi.waitFor(() => expect(sim.marketSubscriptions('usdm')).toEqual([['btcusdt@markPrice@1s']]));
    time.advance(2 * HOUR); // the first connection would be past its 24 h now
    sim.pushMarkPrices();
    await vi.waitFor(() => expect(ticks).toHaveLength(1));
    expect(gaps).toEqual([]);
  });

  it('closes without leaving a socket or a timer, also while waiting to reconnect', async () => {
    const { stream } = open();
    await stream.follow(['BTCUSDT']);
    sim.dropStreams();
    await vi.waitFor(() => expect(time.nextDelay()).toBe(1000));
    await stream.close();
    expect(time.pending()).toBe(0);
    await vi.waitFor(() => expect(sim.openSockets()).toBe(0));
    await expect(stream.follow(['BTCUSDT'])).rejects.toThrow('the usdm market stream is closed');
  });

  it('refuses more symbols than one connection takes', async () => {
    const { stream } = open();
    const many = Array.from({ length: 1025 }, (_, i) => `S${i}USDT`);
    await expect(stream.follow(many)).rejects.toThrow('1025 symbols to follow: one connection takes at most 1024');
  });
});
