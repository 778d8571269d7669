import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btcLong, type CheckWorld, startCheckWorld } from '#builders/check-world.js';
import { exchangeStreams } from '#check/exchange-streams.js';
import type { CheckDeps } from '#check/run-check.js';
import { Watcher } from '#check/watch.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { ExchangeSimulator } from '#local/exchange-simulator/index.js';
import { eventually } from '../binance/scenario.js';

/*
 * The watcher on the real streams: the simulator's market stream pushes the mark price its scenario
 * moves, its user data stream the account's events, and liqwatch's own clients read them. What a trader
 * notices: a move into a tier is told without waiting for the next minute's read, and a liquidation is
 * told within a second of the exchange's event.
 */

const API_KEY = 'streams-key-0123456789abcdef';
const SECRET = 'streams-secret-0123456789abcdefghij';
const btc = btcLong;

let world: CheckWorld;
let sim: ExchangeSimulator;
beforeAll(async () => {
  world = await startCheckWorld({ name: 'main', apiKey: API_KEY, apiSecret: SECRET, positions: {} });
  sim = world.sim;
});
afterAll(() => world?.close());

describe('the watcher on the exchange’s streams', () => {
  it('a move into a tier from the market stream, a move missed while the streams were down, and a liquidation from the user data stream: each told, once', async () => {
    // Prepare
    const store = await world.newStore('streams');
    sim.setPositions('main', 'usdm', [btc(50_000)]);
    const sent: Delivery[] = [];
    const config = parseConfig(
      {
        accounts: [{ name: 'main', sources: ['usdm'], keysEnv: 'KEYS_MAIN' }],
        telegram: { chatIds: [42], digest: { enabled: false } },
        endpoints: { usdm: sim.url, usdmMarket: sim.wsMarketUrl('usdm'), usdmPrivate: sim.userStreamUrl('usdm') },
        rules: { approach: { enabled: false } },
      },
      'test',
    );
    const keys = world.keys();
    const deps: CheckDeps = {
      config,
      exchange: world.exchange,
      keys,
      store,
      queue: { send: async (d) => void sent.push(...d) },
      now: Date.now,
      log: { info: () => {}, warn: () => {}, error: () => {} },
    };
    const told = () => sent.flatMap((d) => (d.kind === 'alerts' ? d.notifications.map((n) => n.kind) : []));
    const watcher = new Watcher({ ...deps, streams: exchangeStreams({ config, keys }) });
    await watcher.open();
    await watcher.refresh();
    await eventually(() => sim.marketSubscriptions('usdm').length === 1, 2_000, 'BTCUSDT followed');
    const reads = () => sim.requests.filter((r) => r.path === '/fapi/v2/positionRisk').length;

    try {
      // Act: the mark moves to 14 % from liquidation; the market stream pushes it.
      const before = reads();
      const moved = Date.now();
      sim.updatePositions('main', 'usdm', ([leg]) => [{ ...leg!, markPrice: 46_500 }]);
      await eventually(() => told().includes('firing'), 2_000, 'the warning told');
      expect(Date.now() - moved).toBeLessThan(1_000);
      expect(reads()).toBe(before); // judged from the tick, not from a new read

      // Act: the streams drop, and the mark falls to critical while they are down: no tick reaches us.
      sim.dropStreams();
      sim.dropUserStreams();
      sim.updatePositions('main', 'usdm', ([leg]) => [{ ...leg!, markPrice: 43_000 }]);
      // Reconnected (after a second's backoff), the gap has the account read again: told, once.
      await eventually(() => told().includes('escalated'), 5_000, 'critical told after the gap');
      expect(reads()).toBeGreaterThan(before);
      await eventually(() => sim.marketSubscriptions('usdm').length === 1, 5_000, 'BTCUSDT followed again');

      // Act: the exchange liquidates it.
      const liquidated = Date.now();
      sim.liquidate('main', 'usdm', 'BTCUSDT');
      await eventually(() => told().includes('liquidated'), 2_000, 'the liquidation told');
      expect(Date.now() - liquidated).toBeLessThan(1_000);
    } finally {
      await watcher.close();
    }

    // Assess: each transition once; the streams closed with the watcher (the REST client's pool is the test's).
    expect(told()).toEqual(['firing', 'escalated', 'liquidated']);
    await eventually(() => sim.marketSubscriptions('usdm').length === 0, 2_000, 'the market stream closed');
  });
});
