import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceClient } from '#binance/client.js';
import { createCheckHandler } from '#check/handler.js';
import { runCycles } from '#check/poll.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import { type ExchangeSimulator, type SimAccount, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';

/*
 * The check against its Lambda's time: a COIN-M host that never answers, for many accounts, must cost
 * the cycle that source only. A hang can only be seen in real time, so the clock injected here runs at
 * real speed from a fixed epoch, and the times are a second or two.
 */
const names = Array.from({ length: 30 }, (_, i) => `acct${String(i).padStart(2, '0')}`);
const keyOf = (name: string) => ({
  apiKey: `${name}-api-key-${'0'.repeat(48)}`,
  apiSecret: `${name}-secret-${'1'.repeat(48)}`,
});
const accounts: SimAccount[] = names.map((name) => ({
  name,
  ...keyOf(name),
  positions: {
    usdm: [{ symbol: 'BTCUSDT', positionAmt: 1, entryPrice: 50_000, markPrice: 50_000, liquidationPrice: 47_000 }],
    coinm: [{ symbol: 'BTCUSD_PERP', positionAmt: 10, entryPrice: 50_000, markPrice: 50_000, leverage: 5 }],
  },
}));
const T0 = Date.UTC(2026, 0, 5, 12, 0);
const started = performance.now();
const clock = () => T0 + Math.round(performance.now() - started);
const silent = { info: () => {}, warn: () => {}, error: () => {} };

// One simulator per host, as the exchange has: fapi for USDⓈ-M, dapi for COIN-M.
let fapi: ExchangeSimulator;
let dapi: ExchangeSimulator;
let dynamo: LocalDynamo;
beforeAll(async () => {
  [fapi, dapi, dynamo] = await Promise.all([
    startExchangeSimulator({ accounts }),
    startExchangeSimulator({ accounts }),
    startLocalDynamo(),
  ]);
});
afterAll(() => Promise.all([fapi.close(), dapi.close(), dynamo.close()]));

function setup(table: string) {
  const config = parseConfig(
    {
      accounts: names.map((name) => ({ name, sources: ['usdm', 'coinm'], keysEnv: `KEYS_${name.toUpperCase()}` })),
      telegram: { chatIds: [42], digest: { enabled: false } },
      endpoints: { usdm: fapi.url, coinm: dapi.url },
    },
    'test',
  );
  const env = Object.fromEntries(names.map((name) => [`KEYS_${name.toUpperCase()}`, JSON.stringify(keyOf(name))]));
  const store = new DynamoStore(dynamo.client, table);
  const sent: Delivery[] = [];
  const errors: string[] = [];
  return {
    store,
    sent,
    errors,
    deps: {
      config,
      keys: createKeysProvider({ baseDir: '.', env }),
      store,
      bans: store,
      queue: { send: async (d: readonly Delivery[]) => void sent.push(...d) },
      now: clock,
      exchangeClock: clock,
      log: { ...silent, error: (message: string) => void errors.push(message) },
    },
  };
}

describe('a cycle against the invocation time', () => {
  it('30 accounts with COIN-M hanging: the handler returns in its time, state saved and USDⓈ-M alerts enqueued', async () => {
    // Prepare: each COIN-M call would wait 5 s for its timeout; the invocation has 2.5 s left.
    await ensureTable(dynamo.client, 'deadline');
    const { deps, store, sent } = setup('deadline');
    dapi.injectFault({ source: 'coinm', times: Number.POSITIVE_INFINITY }, { kind: 'hang' });
    const exchange = new BinanceClient({ timeoutMs: 5_000, retries: 2, now: clock });
    const budgetMs = 2_500;
    const invokedAt = clock();
    const context = { getRemainingTimeInMillis: () => budgetMs - (clock() - invokedAt) };
    const handler = createCheckHandler({
      ...deps,
      exchange,
      concurrency: 64,
      pollSeconds: 0,
      marginMs: 1_000,
      minCycleMs: 500,
    });

    try {
      // Act
      const result = await handler({}, context);

      // Assess: in time, one failed source per account, one message per account's USDⓈ-M alert.
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
      expect(result).toEqual({ cycles: 1, deliveries: 30, failedSources: 30, watchedMs: 0 });
      const told = sent.flatMap((d) => (d.kind === 'alerts' ? d.notifications.map((n) => n.alert) : []));
      expect(told.map((a) => `${a.account} ${a.source} ${a.rule}`).sort()).toEqual(
        names.map((name) => `${name} usdm liq-distance`),
      );
      // Assess: every account's state saved, COIN-M failed with the reason.
      for (const name of names) {
        const { state } = await store.loadAccount(name);
        expect(state?.lastCycleAt).toBe(sent[0]!.at);
        expect(state?.health.usdm?.failures).toBe(0);
        expect(state?.health.coinm).toMatchObject({ failures: 1, lastError: { kind: 'deadline' } });
        expect(state?.health.coinm?.lastError?.message).toMatch(/coinm .*before the cycle's deadline/);
      }
    } finally {
      dapi.clearFaults();
      await exchange.close();
    }
  }, 15_000);

  it('starts no cycle that could not be read and saved in the time left, and says so', async () => {
    await ensureTable(dynamo.client, 'no-time');
    const { deps, store, errors } = setup('no-time');
    const exchange = new BinanceClient({ now: clock });
    const calls = fapi.requests.length + dapi.requests.length;
    try {
      // 12 s left: less than the 10 s margin and a 5 s cycle.
      const reports = await runCycles({ ...deps, exchange }, { pollSeconds: 0, remainingMs: () => 12_000 });
      expect(reports).toEqual([]);
      expect(errors).toEqual(['no time left to start a check']);
      expect(fapi.requests.length + dapi.requests.length).toBe(calls);
      expect((await store.loadAccount(names[0]!)).state).toBeNull();
    } finally {
      await exchange.close();
    }
  });
});
