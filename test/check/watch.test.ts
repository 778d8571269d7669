import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkTick } from '#binance/stream-events.js';
import { btcLong, type CheckWorld, startCheckWorld } from '#builders/check-world.js';
import type { CheckDeps } from '#check/run-check.js';
import { Watcher } from '#check/watch.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { ExchangeSimulator } from '#local/exchange-simulator/index.js';
import { FakeStreams } from './fake-streams.js';

/*
 * The watcher between two reads of the exchange: a mark price pushed by the market stream recomputes
 * each held leg's distance against the liquidation price last read, through the real rules, store and
 * queue; an account event has the account read again at once. The streams here are stand-ins the test
 * pushes into (the real ones have tests of their own); the exchange is the simulator, the table dynalite.
 */

const API_KEY = 'watch-key-0123456789abcdef';
const SECRET = 'watch-secret-0123456789abcdefghij';
const MIN = 60_000;
const btc = btcLong;
const tick = (markPrice: number, eventTime = 0): MarkTick => ({
  market: 'usdm',
  symbol: 'BTCUSDT',
  markPrice,
  eventTime,
});

let world: CheckWorld;
let sim: ExchangeSimulator;
beforeAll(async () => {
  world = await startCheckWorld({ name: 'main', apiKey: API_KEY, apiSecret: SECRET, positions: {} });
  sim = world.sim;
});
afterAll(() => world?.close());

async function setup() {
  const store = await world.newStore('watch');
  sim.setPositions('main', 'usdm', [btc(50_000)]);
  const sent: Delivery[] = [];
  const clock = { t: Date.UTC(2026, 0, 5, 12, 0) };
  const deps: CheckDeps = {
    config: parseConfig(
      {
        accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'KEYS_MAIN' }],
        telegram: { chatIds: [42], digest: { enabled: false } },
        endpoints: { usdm: sim.url },
        rules: { liqDistance: { holdDownMinutes: 0, volatilityMargin: 0 }, approach: { enabled: false } },
      },
      'test',
    ),
    exchange: world.exchange,
    keys: world.keys(),
    store,
    queue: { send: async (d) => void sent.push(...d) },
    now: () => clock.t,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  const told = () =>
    sent.flatMap((d) =>
      d.kind === 'alerts' ? d.notifications.map((n) => `${n.kind}:${n.alert.severity}:${n.alert.rule}`) : [],
    );
  return { deps, clock, told, sent };
}

/** Waits until the watcher has nothing in flight. */
const settled = (w: Watcher) => w.close().then(() => undefined);

describe('the watcher', () => {
  it('judges every tick against the liquidation price last read: firing, escalated, deepened, resolved', async () => {
    const { deps, clock, told } = await setup();
    const streams = new FakeStreams();
    const watcher = new Watcher({ ...deps, streams }, { beatMs: 60_000 });
    await watcher.refresh();
    expect(streams.followed).toEqual({ usdm: ['BTCUSDT'] });
    const reads = sim.requests.length;

    const at = async (mark: number) => {
      clock.t += 1_000;
      streams.push(tick(mark));
      await watcher.idle();
    };
    await at(49_000); // 18.4 %: nothing
    await at(46_500); // 14.0 %: warning
    await at(43_000); // 7.0 %: critical
    await at(42_000); // 4.8 %: under the 5 % rung
    await at(50_000); // 20 %: clear (no hold-down in this config)
    await settled(watcher);

    expect(told()).toEqual([
      'firing:warning:liq-distance',
      'escalated:critical:liq-distance',
      'deepened:critical:liq-distance',
      'resolved:critical:liq-distance',
    ]);
    // The ticks were judged without reading the exchange again.
    expect(sim.requests.length).toBe(reads);
  });

  it('a cross account’s margin ratio follows the ticks too: told between two reads', async () => {
    const { deps, clock, told } = await setup();
    // 0.5 % of 50,000 of notional is 250 of maintenance margin: 60 % of a 416.67 margin balance.
    sim.setWallet('main', 'usdm', 'USDT', 416.67);
    const streams = new FakeStreams();
    const watcher = new Watcher({ ...deps, streams }, { beatMs: 60_000 });
    await watcher.refresh();
    expect(told()).toEqual([]);
    const reads = sim.requests.length;

    // The mark falls 100: the margin balance loses 100, the maintenance margin 0.5: 249.5 / 316.67 = 78.8 %.
    clock.t += 1_000;
    streams.push(tick(49_900));
    await watcher.idle();
    await settled(watcher);

    expect(told()).toEqual(['firing:warning:margin-ratio']);
    expect(sim.requests.length).toBe(reads);
    sim.setWallet('main', 'usdm', 'USDT', 20_000);
  });

  it('a tick that changes nothing where a leg stands is not judged again before its beat', async () => {
    const { deps, clock } = await setup();
    const streams = new FakeStreams();
    const watcher = new Watcher({ ...deps, streams }, { beatMs: 5_000 });
    await watcher.refresh();
    const cycles = () => watcher.reports().length;
    const before = cycles();
    for (let i = 0; i < 4; i++) {
      clock.t += 1_000;
      streams.push(tick(49_000 + i));
      await watcher.idle();
    }
    expect(cycles()).toBe(before);
    clock.t += 5_000;
    streams.push(tick(49_100));
    await settled(watcher);
    expect(cycles()).toBe(before + 1);
  });

  it('an account event has the account read at once; a liquidation is told as one', async () => {
    const { deps, clock, told } = await setup();
    const streams = new FakeStreams();
    const watcher = new Watcher({ ...deps, streams });
    await watcher.open();
    await watcher.refresh();
    expect(streams.events).toHaveLength(1);
    sim.setPositions('main', 'usdm', [btc(42_000)]);
    clock.t += MIN;
    await watcher.refresh(['main']);
    expect(told()).toEqual(['firing:critical:liq-distance']);

    sim.setPositions('main', 'usdm', [btc(40_000)]);
    sim.liquidate('main', 'usdm', 'BTCUSDT');
    clock.t += 1_000;
    streams.events[0]?.({
      kind: 'account-update',
      account: 'main',
      source: 'usdm',
      eventTime: clock.t,
      reason: 'ORDER',
    });
    await settled(watcher);
    expect(told().at(-1)).toBe('liquidated:critical:liq-distance');
  });

  it('a stream gap has the accounts read again', async () => {
    const { deps } = await setup();
    const streams = new FakeStreams();
    const watcher = new Watcher({ ...deps, streams });
    await watcher.refresh();
    const reads = sim.requests.length;
    streams.gaps[0]?.({ account: null, source: 'usdm', reason: 'reconnected' });
    await settled(watcher);
    expect(sim.requests.length).toBeGreaterThan(reads);
  });

  it('two watchers on one table tell each transition once', async () => {
    const { deps, clock, told } = await setup();
    const [a, b] = [new FakeStreams(), new FakeStreams()];
    const one = new Watcher({ ...deps, streams: a });
    const two = new Watcher({ ...deps, streams: b });
    await Promise.all([one.refresh(), two.refresh()]);
    for (const mark of [46_500, 43_000, 50_000]) {
      clock.t += 1_000;
      a.push(tick(mark));
      b.push(tick(mark));
      await Promise.all([one.idle(), two.idle()]);
    }
    await Promise.all([settled(one), settled(two)]);
    const news = told();
    expect(new Set(news).size).toBe(news.length);
    expect(news).toContain('firing:warning:liq-distance');
  });
});
