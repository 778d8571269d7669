import { BinanceClient } from '#binance/client.js';
import { createCheckHandler } from '#check/handler.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Delivery } from '#contracts/queue-message.js';
import { SOURCE_IDS } from '#core/position.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { benchAccount } from './accounts.js';
import { startExchangeHosts } from './exchange.js';
import { median } from './stats.js';

export interface HandlerFigures {
  /** A warm invocation of the check for one account on all five sources, ms. */
  checkMs: number;
  /** The first invocation of a fresh container's client (connects, handshake, clock probes), ms. */
  firstCheckMs: number;
  /** Resident memory of the process after the runs, MiB. */
  rssMiB: number;
  /** Heap in use after the runs, MiB. */
  heapMiB: number;
}

/**
 * The check handler as Lambda runs it, for one account on all five sources, against the simulator with
 * `latencyMs` per exchange call and dynalite for the state: what the cost on paper is built from.
 */
export async function measureCheckHandler(opts: { latencyMs: number; runs: number }): Promise<HandlerFigures> {
  const hosts = await startExchangeHosts({ accounts: 1, positionsPerSource: 5, latencyMs: opts.latencyMs });
  const dynamo = await startLocalDynamo();
  const exchange = new BinanceClient();
  try {
    const account = benchAccount(0);
    const config = parseConfig(
      {
        accounts: [{ name: account.name, sources: [...SOURCE_IDS], keysEnv: 'BENCH_KEYS' }],
        telegram: { chatIds: [1], digest: { enabled: false } },
        endpoints: Object.fromEntries(SOURCE_IDS.map((s) => [s, hosts.endpointOf(s)])),
      },
      'bench',
    );
    const sent: Delivery[] = [];
    const handler = createCheckHandler({
      config,
      exchange,
      keys: createKeysProvider({
        baseDir: '.',
        env: { BENCH_KEYS: JSON.stringify({ apiKey: account.apiKey, apiSecret: account.apiSecret }) },
      }),
      store: new DynamoStateStore(dynamo.client, dynamo.tableName),
      queue: { send: async (d) => void sent.push(...d) },
      now: Date.now,
      log: { info: () => {}, warn: () => {}, error: () => {} },
      pollSeconds: 0,
    });
    const context = { getRemainingTimeInMillis: () => 60_000 };
    const time = async () => {
      const started = performance.now();
      const result = await handler({}, context);
      if (result.failedSources > 0) throw new Error(`${result.failedSources} source(s) failed in the benchmark`);
      return performance.now() - started;
    };
    const firstCheckMs = await time();
    const runs: number[] = [];
    for (let i = 0; i < opts.runs; i++) runs.push(await time());
    const memory = process.memoryUsage();
    return {
      checkMs: median(runs),
      firstCheckMs,
      rssMiB: memory.rss / 2 ** 20,
      heapMiB: memory.heapUsed / 2 ** 20,
    };
  } finally {
    await exchange.close();
    await dynamo.close();
    await hosts.close();
  }
}
