import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import type { AlertQueue } from '#check/alert-queue.js';
import { type CheckDeps, runCycle } from '#check/run-check.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { SourceId } from '#core/position.js';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';

/*
 * A leg that closes while its liquidation alert is critical is told as what the exchange's own force
 * orders say it was (liquidated, with price and quantity, or auto-deleveraged) in the cycle that sees it
 * closed; where they cannot be read, as closed while critical, never as a quiet resolve. The check runs
 * against the exchange simulator, dynalite and a clock the test moves.
 */

const API_KEY = 'force-orders-check-key-000000000000000000000000000000000000000000';
const SECRET = 'force-orders-check-secret-NEVER-SHOWN-2222222222222222222222222222';
const MIN = 60_000;
const FAPI_FORCE_ORDERS = '/fapi/v1/forceOrders';

/** A long 6 % from its liquidation price: critical (≤ 7.5 %). */
const criticalLong: SimPosition = {
  symbol: 'BTCUSDT',
  positionAmt: 0.5,
  entryPrice: 52_000,
  markPrice: 50_000,
  liquidationPrice: 47_000,
  leverage: 10,
};
/** A short 20 % from its liquidation price: no alert. */
const calmShort: SimPosition = {
  symbol: 'ETHUSDT',
  positionAmt: -2,
  entryPrice: 3_000,
  markPrice: 3_000,
  liquidationPrice: 3_600,
  leverage: 5,
};

let sim: ExchangeSimulator;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let table = 0;
let t = Date.UTC(2026, 0, 5, 12, 0);

beforeAll(async () => {
  sim = await startExchangeSimulator({
    now: () => t,
    accounts: [{ name: 'main', apiKey: API_KEY, apiSecret: SECRET, hedgeMode: false, positions: {} }],
  });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient({ timeoutMs: 1_000, retries: 0, now: () => t });
});
afterAll(async () => {
  await exchange.close();
  await sim.close();
  await dynamo.close();
});
afterEach(() => sim.clearFaults());

/** A check of one account reading `source`, with its own table and a recording queue. */
async function setup(source: SourceId) {
  const tableName = `force-orders-${++table}`;
  await ensureTable(dynamo.client, tableName);
  for (const each of ['usdm', 'usdm-ws', 'pm-um'] as const) sim.setPositions('main', each, [criticalLong, calmShort]);
  const sent: Delivery[] = [];
  const queue: AlertQueue = { send: async (d) => void sent.push(...d) };
  const config = parseConfig(
    {
      accounts: [{ name: 'main', sources: [source], keysEnv: 'KEYS_MAIN' }],
      telegram: { chatIds: [42], digest: { enabled: false } },
      endpoints: { [source]: source === 'usdm-ws' ? sim.wsUrl : sim.url },
    },
    'test',
  );
  const deps: CheckDeps = {
    config,
    exchange,
    exchangeClock: () => t,
    keys: createKeysProvider({
      baseDir: '.',
      env: { KEYS_MAIN: JSON.stringify({ apiKey: API_KEY, apiSecret: SECRET }) },
    }),
    store: new DynamoStateStore(dynamo.client, tableName),
    queue,
    now: () => t,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  /** One check; what it told, one notification a line; then a minute passes. */
  const cycle = async () => {
    const before = sent.length;
    await runCycle(deps);
    t += MIN;
    return sent
      .slice(before)
      .flatMap((d) => (d.kind === 'alerts' ? d.notifications : []))
      .map((n) => ({ kind: n.kind, severity: n.alert.severity, rule: n.alert.rule, message: n.alert.message }));
  };
  return { cycle, sent };
}

const forceOrderReads = () => sim.requests.filter((r) => r.path?.endsWith('/forceOrders'));

describe('a leg that closes while critical', () => {
  it('liquidated in the simulator: the next cycle tells one "liquidated", with price and quantity', async () => {
    // Prepare: the alert is critical and told.
    const { cycle } = await setup('usdm');
    expect((await cycle()).map((n) => `${n.kind}:${n.severity}`)).toEqual(['firing:critical']);
    const reads = forceOrderReads().length;

    // Act: the exchange liquidates the leg at its liquidation price.
    sim.liquidate('main', 'usdm', 'BTCUSDT');
    const told = await cycle();

    // Assess
    expect(told).toEqual([
      { kind: 'liquidated', severity: 'critical', rule: 'liq-distance', message: expect.stringMatching(/LIQUIDATED/) },
    ]);
    expect(told[0]?.message).toMatch(/0\.5\b/);
    expect(told[0]?.message).toMatch(/47[, ]?000/);
    // One read of the source's force orders, for that symbol only (weight 20).
    expect(
      forceOrderReads()
        .slice(reads)
        .map((r) => [r.path, r.status]),
    ).toEqual([[FAPI_FORCE_ORDERS, 200]]);
    // Told once: the next cycle is quiet and reads no force orders.
    expect(await cycle()).toEqual([]);
    expect(forceOrderReads()).toHaveLength(reads + 1);
  });

  it('two legs of a source closed in one cycle: one read of its force orders, each leg told', async () => {
    const { cycle } = await setup('usdm');
    sim.setPositions('main', 'usdm', [criticalLong, { ...calmShort, liquidationPrice: 3_150 }]);
    expect((await cycle()).map((n) => `${n.kind}:${n.severity}`)).toEqual(['firing:critical', 'firing:critical']);
    const reads = forceOrderReads().length;
    sim.liquidate('main', 'usdm', 'BTCUSDT');
    sim.liquidate('main', 'usdm', 'ETHUSDT');
    const told = await cycle();
    expect(told).toHaveLength(2);
    expect(told).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'liquidated',
          message: expect.stringMatching(/^BTCUSDT LONG LIQUIDATED\b.*0\.5/),
        }),
        expect.objectContaining({
          kind: 'liquidated',
          message: expect.stringMatching(/^ETHUSDT SHORT LIQUIDATED\b.*3[, ]?150/),
        }),
      ]),
    );
    expect(forceOrderReads()).toHaveLength(reads + 1);
  });

  it('auto-deleveraged: told as such, not as liquidated', async () => {
    const { cycle } = await setup('pm-um');
    await cycle();
    sim.liquidate('main', 'pm-um', 'BTCUSDT', { type: 'ADL', price: 47_500 });
    const told = await cycle();
    expect(told).toEqual([expect.objectContaining({ kind: 'liquidated', severity: 'critical' })]);
    expect(told[0]?.message).toMatch(/auto-deleveraged/);
    expect(told[0]?.message).not.toMatch(/LIQUIDATED/);
  });

  it('usdm-ws: the force orders are read from the USDⓈ-M REST host of its WebSocket URL', async () => {
    const { cycle } = await setup('usdm-ws');
    await cycle();
    sim.liquidate('main', 'usdm-ws', 'BTCUSDT');
    const reads = forceOrderReads().length;
    expect((await cycle()).map((n) => n.kind)).toEqual(['liquidated']);
    expect(
      forceOrderReads()
        .slice(reads)
        .map((r) => [r.path, r.status]),
    ).toEqual([[FAPI_FORCE_ORDERS, 200]]);
  });

  it.each([
    ['a 5xx', { kind: 'status5xx' } as const, /HTTP 503/],
    ['a refused key (-2015)', { kind: 'keyRevoked' } as const, /-2015/],
  ])(
    'the force-order page failing with %s: "closed while critical", critical, never a resolve',
    async (_, fault, why) => {
      const { cycle, sent } = await setup('usdm');
      await cycle();
      sim.injectFault({ path: FAPI_FORCE_ORDERS, times: Number.POSITIVE_INFINITY }, fault);
      sim.liquidate('main', 'usdm', 'BTCUSDT');
      const told = await cycle();
      expect(told).toEqual([
        {
          kind: 'liquidated',
          severity: 'critical',
          rule: 'liq-distance',
          message: expect.stringMatching(/closed while critical: check whether it was liquidated/),
        },
      ]);
      expect(told[0]?.message).toMatch(why);
      expect(JSON.stringify(sent)).not.toContain(SECRET);
    },
  );

  it('a leg that closes while calm, or a cycle with nothing closed, reads no force orders', async () => {
    const { cycle } = await setup('usdm');
    const reads = forceOrderReads().length;
    await cycle();
    await cycle();
    sim.updatePositions('main', 'usdm', (legs) => legs.filter((p) => p.symbol !== 'ETHUSDT'));
    expect(await cycle()).toEqual([]);
    expect(forceOrderReads()).toHaveLength(reads);
  });
});
