import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CheckWorld, startCheckWorld } from '#builders/check-world.js';
import { type CheckDeps, runCycle } from '#check/run-check.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { ExchangeSimulator, SimPosition } from '#local/exchange-simulator/index.js';

/*
 * Account-level risk through the real check: the exchange simulator's account pages read beside the
 * positions, the rules judged, the news queued, the state kept in dynalite. A cross account is liquidated
 * on its margin ratio whichever leg moved, a Portfolio Margin account on its uniMMR and status.
 */

const API_KEY = 'risk-check-key-0123456789';
const SECRET = 'risk-check-secret-abcdefghijklmnop';
const MIN = 60_000;

/** Three USDⓈ-M legs, each 30 % or more from its own liquidation price. */
const um: SimPosition[] = [
  { symbol: 'BTCUSDT', positionAmt: 1, entryPrice: 60_000, markPrice: 60_000, liquidationPrice: 40_000, leverage: 10 },
  { symbol: 'ETHUSDT', positionAmt: 20, entryPrice: 3_000, markPrice: 3_000, liquidationPrice: 2_000, leverage: 10 },
  { symbol: 'SOLUSDT', positionAmt: -300, entryPrice: 150, markPrice: 150, liquidationPrice: 210, leverage: 10 },
];
const pm: SimPosition[] = [
  { symbol: 'BTCUSDT', positionAmt: 2, entryPrice: 60_000, markPrice: 60_000, liquidationPrice: 42_000, leverage: 5 },
];

let world: CheckWorld;
let sim: ExchangeSimulator;
beforeAll(async () => {
  world = await startCheckWorld({
    name: 'main',
    apiKey: API_KEY,
    apiSecret: SECRET,
    positions: { usdm: um, 'pm-um': pm, 'pm-cm': [] },
  });
  sim = world.sim;
});
afterAll(() => world?.close());
afterEach(() => sim.clearFaults());

async function setup() {
  const store = await world.newStore('risk');
  sim.setPositions('main', 'usdm', um);
  sim.setPositions('main', 'pm-um', pm);
  sim.setWallet('main', 'usdm', 'USDT', 20_000);
  sim.setWallet('main', 'pm-um', 'USDT', 50_000);
  sim.setAccountStatus('main', null);
  const sent: Delivery[] = [];
  const clock = { t: Date.UTC(2026, 0, 5, 12, 0) };
  const config = parseConfig(
    {
      accounts: [{ name: 'main', sources: ['usdm', 'pm-um', 'pm-cm'], keysEnv: 'KEYS_MAIN' }],
      telegram: { chatIds: [42], digest: { enabled: false } },
      endpoints: { usdm: sim.url, 'pm-um': sim.url, 'pm-cm': sim.url },
      rules: { liqDistance: { holdDownMinutes: 0 }, adlRisk: { enabled: false } },
    },
    'test',
  );
  const deps: CheckDeps = {
    config,
    exchange: world.exchange,
    keys: world.keys(),
    store,
    queue: { send: async (d) => void sent.push(...d) },
    now: () => clock.t,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  const cycle = async () => {
    const before = sent.length;
    const report = await runCycle(deps);
    clock.t += MIN;
    const notifications = sent.slice(before).flatMap((d) => (d.kind === 'alerts' ? d.notifications : []));
    return { report, notifications, told: notifications.map((n) => `${n.kind}:${n.alert.severity}:${n.alert.rule}`) };
  };
  return { cycle, deps };
}

describe('account risk in the check', () => {
  it('a cross account’s margin ratio fires while every leg is far from its own liquidation price', async () => {
    const { cycle } = await setup();
    expect((await cycle()).told).toEqual([]);

    // The wallet runs thin (funding, fees, a transfer out): the book's maintenance margin (0.5 % of
    // 165,000 of notional: 825) is 87 % of its margin balance, every leg still 30 % from its own price.
    sim.setWallet('main', 'usdm', 'USDT', 950);
    const { told, notifications } = await cycle();
    expect(told).toEqual(['firing:critical:margin-ratio']);
    expect(notifications[0]!.alert.message).toMatch(/add [\d,.]+ USDT of margin, or reduce positions by \d+ %/);

    sim.setWallet('main', 'usdm', 'USDT', 20_000);
    expect((await cycle()).told).toEqual(['resolved:critical:margin-ratio']);
  });

  it('a Portfolio Margin account is told by its uniMMR and its status, in words', async () => {
    const { cycle } = await setup();
    await cycle();
    sim.setAccountStatus('main', 'REDUCE_ONLY');
    const { told, notifications } = await cycle();
    expect(told).toEqual(['firing:critical:account-status']);
    expect(notifications[0]!.alert.message).toMatch(/REDUCE_ONLY/);
  });

  it('a malformed account page does not blind the position rules, and is told after three checks', async () => {
    const { cycle } = await setup();
    await cycle();
    sim.injectFault({ path: '/fapi/v2/account', times: Number.POSITIVE_INFINITY }, { kind: 'malformed' });
    sim.setPositions('main', 'usdm', [{ ...um[0]!, markPrice: 43_000 }]);
    expect((await cycle()).told).toEqual(['firing:critical:liq-distance']);
    expect((await cycle()).told).toEqual([]);
    const third = await cycle();
    expect(third.told).toEqual(['firing:warning:risk-down']);
    expect(third.notifications[0]!.alert.message).toContain('main usdm');
    expect(JSON.stringify(third.notifications)).not.toContain(SECRET);
  });

  it('a Portfolio Margin page that keeps failing is told as risk-down, the positions still read', async () => {
    const { cycle } = await setup();
    await cycle();
    sim.injectFault({ path: '/papi/v1/account', times: Number.POSITIVE_INFINITY }, { kind: 'status5xx' });
    const cycles = [await cycle(), await cycle(), await cycle()];
    expect(cycles.map((c) => c.told)).toEqual([[], [], ['firing:warning:risk-down']]);
    expect(cycles[2]!.report.accounts[0]!.sources.every((s) => s.ok)).toBe(true);
  });
});
