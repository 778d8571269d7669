import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { type AlertQueue, SqsAlertQueue } from '#check/alert-queue.js';
import { runCycles } from '#check/poll.js';
import { type CheckDeps, runCycle } from '#check/run-check.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import { type FakeSqs, startFakeSqs } from '#fakes/sqs/index.js';
import { type ExchangeSimulator, type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';

const API_KEY = 'check-test-api-key-0000000000000000000000000000000000000000000000';
const SECRET = 'check-test-secret-SHOULD-NEVER-BE-STORED-1111111111111111111111111';
const MIN = 60_000;

const btc = (liquidationPrice: number, over: Partial<SimPosition> = {}): SimPosition => ({
  symbol: 'BTCUSDT',
  positionAmt: 0.5,
  entryPrice: 50_000,
  markPrice: 50_000,
  liquidationPrice,
  leverage: 10,
  ...over,
});
const coin: SimPosition = {
  symbol: 'BTCUSD_PERP',
  positionAmt: 10,
  entryPrice: 50_000,
  markPrice: 50_000,
  leverage: 5,
};

let sim: ExchangeSimulator;
let dynamo: LocalDynamo;
let exchange: BinanceClient;
let table = 0;

beforeAll(async () => {
  sim = await startExchangeSimulator({
    accounts: [{ name: 'main', apiKey: API_KEY, apiSecret: SECRET, positions: { usdm: [btc(40_000)], coinm: [coin] } }],
  });
  dynamo = await startLocalDynamo();
  exchange = new BinanceClient({ timeoutMs: 1_000, retries: 0 });
});
afterAll(async () => {
  await exchange.close();
  await sim.close();
  await dynamo.close();
});
beforeEach(() => {
  sim.setPositions('main', 'usdm', [btc(40_000)]);
  sim.setPositions('main', 'coinm', [coin]);
});
afterEach(() => sim.clearFaults());

/** A check with its own table, a recording queue and a clock the test moves. */
async function setup(over: { apiKey?: string; configExtra?: Record<string, unknown> } = {}) {
  const tableName = `state-${++table}`;
  const { ensureTable } = await import('#store/local-dynamo.js');
  await ensureTable(dynamo.client, tableName);
  const sent: Delivery[] = [];
  const queue: AlertQueue = { send: async (d) => void sent.push(...d) };
  const clock = { t: Date.UTC(2026, 0, 5, 12, 0) };
  const config = parseConfig(
    {
      accounts: [{ name: 'main', sources: ['usdm', 'coinm'], keysEnv: 'KEYS_MAIN' }],
      telegram: { chatIds: [42], digest: { enabled: false } },
      endpoints: { usdm: sim.url, coinm: sim.url },
      ...over.configExtra,
    },
    'test',
  );
  const deps: CheckDeps = {
    config,
    exchange,
    keys: createKeysProvider({
      baseDir: '.',
      env: { KEYS_MAIN: JSON.stringify({ apiKey: over.apiKey ?? API_KEY, apiSecret: SECRET }) },
    }),
    store: new DynamoStateStore(dynamo.client, tableName),
    queue,
    now: () => clock.t,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  const cycle = async () => {
    const before = sent.length;
    const report = await runCycle(deps);
    clock.t += MIN;
    return {
      report,
      told: sent
        .slice(before)
        .flatMap((d) =>
          d.kind === 'alerts'
            ? d.notifications.map(
                (n) =>
                  `${n.kind}:${n.alert.severity}:${n.alert.rule}:${n.alert.symbol ?? n.alert.source ?? n.alert.account}`,
              )
            : [],
        ),
    };
  };
  return { deps, sent, clock, cycle, tableName };
}

describe('the check against the exchange simulator and dynalite', () => {
  it('a position drifting to liquidation: warning, critical, then resolved, and quiet in between', async () => {
    // The tiers alone, one minute apart: no hold-down before the resolve, no pace rule (both have their own tests).
    const { cycle } = await setup({
      configExtra: {
        rules: { liqDistance: { holdDownMinutes: 0, volatilityMargin: 0 }, approach: { enabled: false } },
      },
    });
    const steps: [number, string[]][] = [
      [40_000, []],
      [43_000, ['firing:warning:liq-distance:BTCUSDT']],
      [43_100, []],
      [47_000, ['escalated:critical:liq-distance:BTCUSDT']],
      [47_000, []],
      [30_000, ['resolved:critical:liq-distance:BTCUSDT']],
      [30_000, []],
    ];
    for (const [liq, expected] of steps) {
      sim.setPositions('main', 'usdm', [btc(liq)]);
      expect((await cycle()).told).toEqual(expected);
    }
  });

  it('each notification goes to the queue as one message per chat, with a deterministic id', async () => {
    const { cycle, sent } = await setup();
    sim.setPositions('main', 'usdm', [
      btc(47_000),
      btc(47_000, { symbol: 'ETHUSDT', markPrice: 3000, entryPrice: 3000, liquidationPrice: 2700 }),
    ]);
    await cycle();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'alerts', chatId: 42, silent: false });
    expect(sent[0]!.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('two overlapping checks on one table send a transition once', async () => {
    const { deps, sent } = await setup();
    await runCycle(deps);
    sim.setPositions('main', 'usdm', [btc(47_000)]);
    // They overlap for certain: neither moves on from its load until both have loaded the same state.
    const load = deps.store.loadAccount.bind(deps.store);
    let loaded = 0;
    let bothLoaded: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothLoaded = resolve;
    });
    deps.store.loadAccount = async (name) => {
      const state = await load(name);
      if (++loaded === 2) bothLoaded();
      await barrier;
      return state;
    };
    const [a, b] = await Promise.all([runCycle(deps), runCycle(deps)]);
    expect(sent.flatMap((d) => (d.kind === 'alerts' ? d.notifications : []))).toHaveLength(1);
    expect([a.accounts[0]!.saved, b.accounts[0]!.saved].sort()).toEqual([false, true]);
  });

  it('a source failing three cycles fires source-down while the other source is still watched', async () => {
    const { cycle } = await setup();
    sim.injectFault({ source: 'coinm', times: Number.POSITIVE_INFINITY }, { kind: 'status5xx' });
    expect((await cycle()).told).toEqual([]);
    sim.setPositions('main', 'usdm', [btc(43_000)]);
    expect((await cycle()).told).toEqual(['firing:warning:liq-distance:BTCUSDT']);
    expect((await cycle()).told).toEqual(['firing:warning:source-down:coinm']);
    sim.clearFaults();
    expect((await cycle()).told).toEqual(['resolved:warning:source-down:coinm']);
  });

  it('refused keys give one keys-refused alert for the account, not a source-down per source', async () => {
    const { cycle } = await setup({ apiKey: 'not-a-key-the-exchange-knows-000000000000000000000000000000000000' });
    const first = await cycle();
    expect(first.told).toEqual(['firing:critical:keys-refused:main']);
    expect(first.report.accounts[0]!.sources.every((s) => !s.ok && s.error?.includes('-2015'))).toBe(true);
    for (let i = 0; i < 4; i++) expect((await cycle()).told).toEqual([]);
  });

  it('a malformed answer is reported for its source and does not stop the other', async () => {
    const { cycle } = await setup();
    sim.injectFault({ source: 'usdm' }, { kind: 'malformed' });
    const { report } = await cycle();
    const [usdm, coinm] = report.accounts[0]!.sources;
    expect(usdm).toMatchObject({ source: 'usdm', ok: false });
    expect(coinm).toMatchObject({ source: 'coinm', ok: true, openPositions: 1 });
  });

  it('news the queue refused is sent again next cycle under the same id, so it goes out once', async () => {
    const { deps, clock } = await setup();
    await runCycle(deps);
    sim.setPositions('main', 'usdm', [btc(47_000)]);
    const offered: Delivery[] = [];
    let refuse = true;
    deps.queue = {
      send: async (d) => {
        offered.push(...d);
        if (refuse) throw new Error('the queue is down');
      },
    };
    clock.t += MIN;
    await expect(runCycle(deps)).rejects.toThrow('the queue is down');
    refuse = false;
    clock.t += MIN;
    await runCycle(deps);
    clock.t += MIN;
    await runCycle(deps);
    expect(offered).toHaveLength(2);
    expect(offered[1]!.id).toBe(offered[0]!.id);
  });

  it('keys and secrets are never written to the state table', async () => {
    const { cycle, tableName } = await setup();
    sim.setPositions('main', 'usdm', [btc(47_000)]);
    await cycle();
    await cycle();
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
    const dump = JSON.stringify(Items);
    expect(dump).toContain('BTCUSDT');
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain(API_KEY);
  });

  it('sends the daily digest once a day at its time, saying what is open', async () => {
    const { deps, sent, clock } = await setup({
      configExtra: { telegram: { chatIds: [42], digest: { at: '08:00', timeZone: 'UTC' } } },
    });
    const digests = () => sent.filter((d) => d.kind === 'digest');
    for (const [at, expected] of [
      [Date.UTC(2026, 0, 5, 7, 59), 0],
      [Date.UTC(2026, 0, 5, 8, 0), 1],
      [Date.UTC(2026, 0, 5, 8, 1), 1],
      [Date.UTC(2026, 0, 5, 23, 0), 1],
      [Date.UTC(2026, 0, 6, 8, 0), 2],
    ] as const) {
      clock.t = at;
      await runCycle(deps);
      expect(digests()).toHaveLength(expected);
    }
    const [first] = digests();
    expect(first).toMatchObject({ kind: 'digest', chatId: 42, silent: true });
    expect(first!.kind === 'digest' && first!.digest.accounts[0]!.sources.map((s) => s.openPositions)).toEqual([1, 1]);
  });

  it('polls every pollSeconds inside one invocation and stops with margin before time runs out', async () => {
    const { deps } = await setup();
    let remaining = 60_000;
    const sleeps: number[] = [];
    const reports = await runCycles(deps, {
      pollSeconds: 20,
      remainingMs: () => remaining,
      marginMs: 5_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        remaining -= 20_000;
      },
    });
    // 60 s left: cycles at 0, 20 and 40 s; a fourth would not end 5 s before the limit.
    expect(reports).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });
});

describe('the SQS alerts queue', () => {
  let sqs: FakeSqs;
  beforeAll(async () => {
    sqs = await startFakeSqs();
  });
  afterAll(() => sqs.close());

  it('sends deliveries in batches through the real SQS client and retries refused entries once', async () => {
    const client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const queue = new SqsAlertQueue(client, sqs.queueUrl);
    const { deps, sent } = await setup();
    sim.setPositions('main', 'usdm', [btc(47_000)]);
    await runCycle(deps);
    const deliveries = Array.from({ length: 12 }, (_, i) => ({ ...sent[0]!, id: `${sent[0]!.id}${i}` }));
    sqs.refuseNext(2);
    await queue.send(deliveries);
    expect(sqs.messages.map((m) => JSON.parse(m.body).id).sort()).toEqual(deliveries.map((d) => d.id).sort());
    client.destroy();
  });
});
