import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckWorld, startCheckWorld } from '#builders/check-world.js';
import { createCheckHandler } from '#check/handler.js';
import { parseConfig } from '#config/load.js';
import type { ExchangeSimulator, SimPosition } from '#local/exchange-simulator/index.js';
import { FakeStreams } from './fake-streams.js';

/*
 * `watch.mode` in the scheduled check: `adaptive` holds the streams for the rest of the interval only when
 * a leg is inside its warning band, `always` every interval, `off` never. Time is the test's: the
 * invocation's sleeps move its clock.
 */

const API_KEY = 'mode-key-0123456789abcdef';
const SECRET = 'mode-secret-0123456789abcdefghij';
/** A BTC long with its liquidation price at 40,000: `pct` % away. */
const btcAt = (pct: number): SimPosition => {
  const markPrice = 40_000 / (1 - pct / 100);
  return { symbol: 'BTCUSDT', positionAmt: 1, entryPrice: markPrice, markPrice, liquidationPrice: 40_000, leverage: 5 };
};

let world: CheckWorld;
let sim: ExchangeSimulator;
beforeAll(async () => {
  world = await startCheckWorld({ name: 'main', apiKey: API_KEY, apiSecret: SECRET, positions: {} });
  sim = world.sim;
});
afterAll(() => world?.close());

async function invoke(mode: 'adaptive' | 'always' | 'off', pct: number) {
  const store = await world.newStore('mode');
  sim.setPositions('main', 'usdm', [btcAt(pct)]);
  const clock = { t: Date.UTC(2026, 0, 5, 12, 0) };
  const timeoutAt = clock.t + 75_000;
  const streams = new FakeStreams();
  const handler = createCheckHandler({
    config: parseConfig(
      {
        accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'KEYS_MAIN' }],
        telegram: { chatIds: [42], digest: { enabled: false } },
        endpoints: { usdm: sim.url },
        watch: { mode },
      },
      'test',
    ),
    exchange: world.exchange,
    keys: world.keys(),
    store,
    queue: { send: async () => {} },
    now: () => clock.t,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    pollSeconds: 0,
    streams,
    sleep: async (ms) => {
      clock.t += ms;
    },
  });
  const from = sim.requests.length;
  const result = await handler({}, { getRemainingTimeInMillis: () => timeoutAt - clock.t });
  const calls = (path: string) => sim.requests.slice(from).filter((r) => r.path === path).length;
  return { result, streams, endedAt: clock.t - (timeoutAt - 75_000), calls };
}

describe('watch.mode', () => {
  it('adaptive, calm: returns after one check without opening a stream', async () => {
    const { result, streams } = await invoke('adaptive', 25);
    expect([result.cycles, result.watchedMs, streams.opened]).toEqual([1, 0, 0]);
  });

  it('adaptive, a leg inside its warning band: streams held to the end of the minute, positions read every 10 s', async () => {
    const { result, streams, endedAt } = await invoke('adaptive', 12);
    expect(streams.opened).toBe(2); // the account's user data stream and the USDⓈ-M market stream
    expect(streams.followed).toEqual({ usdm: ['BTCUSDT'] });
    expect(streams.closed).toBe(2);
    // Into the next interval by the overlap, so the next invocation is watching before this one stops.
    expect(endedAt).toBe(65_000);
    expect(result.cycles).toBeGreaterThanOrEqual(7);
    // The weight: positions every 10 s, the account page (and ADL) once a minute at most, beside the check's own.
    const { calls } = await invoke('adaptive', 12);
    expect(calls('/fapi/v2/positionRisk')).toBeGreaterThanOrEqual(7);
    expect(calls('/fapi/v2/account')).toBeLessThanOrEqual(3);
  });

  it('always: streams held in a calm interval too', async () => {
    const { streams, result } = await invoke('always', 25);
    expect(streams.opened).toBe(2);
    expect(result.watchedMs).toBeGreaterThan(0);
  });

  it('off: never, even with a leg inside its warning band', async () => {
    const { streams, result } = await invoke('off', 12);
    expect([streams.opened, result.watchedMs]).toEqual([0, 0]);
  });
});
