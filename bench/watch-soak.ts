import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BinanceClient } from '#binance/client.js';
import { Watcher } from '#check/watch.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { type SimPosition, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { simEndpoints, TOP_OF_MINUTE, watchAccount } from './watch-chain.js';
import { SkipClock } from './watch-clock.js';
import { clockedStreams } from './watch-streams.js';

export interface SoakFigures {
  seconds: number;
  symbols: number;
  cycles: number;
  deliveries: number;
  /** Open TCP connections on the simulator while watching, after the hour, and after `close()`. */
  socketsWatching: number;
  socketsAfterClose: number;
  /** Heap in use after a full GC, MiB: after the first simulated minute and after the hour. */
  heapBeforeMiB: number;
  heapAfterMiB: number;
  /**
   * After `close()`: the streams' timers still set on the clock, and Node's timers beyond those before
   * the run (the simulator and dynalite closed too).
   */
  streamTimersLeft: number;
  nodeTimersLeft: number;
  problems: string[];
  wallMs: number;
}

const ACCOUNT = watchAccount('soak');
const HOUR_S = 3600;
const FROM = TOP_OF_MINUTE;
/** Five symbols over both markets, one or two a book. */
const HELD: { source: SourceId; symbol: string; base: number }[] = [
  { source: 'usdm', symbol: 'BTCUSDT', base: 60_000 },
  { source: 'usdm', symbol: 'ETHUSDT', base: 3_000 },
  { source: 'pm-um', symbol: 'SOLUSDT', base: 150 },
  { source: 'coinm', symbol: 'BTCUSD_PERP', base: 60_000 },
  { source: 'pm-cm', symbol: 'ETHUSD_PERP', base: 3_000 },
];

/**
 * An hour of market stream, driven as fast as the work allows: the watcher (as `liqwatch watch` and a
 * watching invocation run it) follows five symbols on both markets, every mark price moves every second
 * (a slow swing that takes the legs into their warning band and out), and the accounts are read again
 * every 10 s. Then what is left: sockets, heap, timers.
 */
export async function measureWatchSoak(): Promise<SoakFigures> {
  const started = performance.now();
  const gc = exposeGc();
  const nodeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const timersBefore = nodeTimers();
  const clock = new SkipClock(FROM);
  const legsAt = (s: number, source: SourceId): SimPosition[] =>
    HELD.filter((h) => h.source === (source === 'usdm-ws' ? 'usdm' : source)).map((h) => ({
      symbol: h.symbol,
      positionAmt: 1,
      entryPrice: h.base,
      // 11.5 % to 18.3 % from the liquidation price and back every ten minutes: the warning line is crossed both ways.
      markPrice: Math.round(h.base * (1 + 0.04 * Math.sin((2 * Math.PI * s) / 600)) * 100) / 100,
      liquidationPrice: h.base * 0.85,
      leverage: 5,
    }));
  const positions = Object.fromEntries(SOURCE_IDS.map((s) => [s, legsAt(0, s)]));
  const sim = await startExchangeSimulator({ accounts: [{ ...ACCOUNT, positions }], now: clock.now });
  const dynamo = await startLocalDynamo();
  const config = parseConfig(
    {
      accounts: [{ name: ACCOUNT.name, sources: [...SOURCE_IDS], keysEnv: 'SOAK_KEYS' }],
      telegram: { chatIds: [1], digest: { enabled: false } },
      endpoints: simEndpoints(sim),
    },
    'bench',
  );
  const keys = clock.tracked(
    createKeysProvider({
      baseDir: '.',
      env: { SOAK_KEYS: JSON.stringify({ apiKey: ACCOUNT.apiKey, apiSecret: ACCOUNT.apiSecret }) },
    }),
  );
  const problems: string[] = [];
  const note = (message: string, ...extra: Record<string, unknown>[]) =>
    void problems.push(`${message} ${extra.map((e) => JSON.stringify(e)).join(' ')}`.trim());
  let deliveries = 0;
  const exchange = new BinanceClient({ now: clock.now });
  const watcher = new Watcher(
    {
      config,
      exchange: clock.tracked(exchange),
      keys,
      store: clock.tracked(new DynamoStore(dynamo.client, dynamo.tableName)),
      queue: clock.tracked({
        send: async (d: readonly unknown[]) => {
          deliveries += d.length;
        },
      }),
      now: clock.now,
      log: { info: () => {}, warn: note, error: note },
      streams: clockedStreams(clock, config, keys),
    },
    { sleep: clock.sleep },
  );
  const watching = clock.track(() => watcher.run(FROM + HOUR_S * 1000));
  let heapBeforeMiB = 0;
  let socketsWatching = 0;
  try {
    for (let s = 0; s < HOUR_S; s++) {
      await clock.until(FROM + s * 1000);
      for (const source of SOURCE_IDS) sim.setPositions(ACCOUNT.name, source, legsAt(s, source));
      if (s === 60) heapBeforeMiB = heapMiB(gc);
    }
    socketsWatching = sim.openSockets();
    await clock.until(FROM + HOUR_S * 1000);
    await watching;
  } finally {
    await watcher.close();
    await exchange.close();
  }
  const heapAfterMiB = heapMiB(gc);
  const socketsAfterClose = await settledSockets(() => sim.openSockets());
  const streamTimersLeft = clock.pending;
  clock.release();
  await Promise.all([sim.close(), dynamo.close()]);
  return {
    seconds: HOUR_S,
    symbols: HELD.length,
    cycles: watcher.totals().cycles,
    deliveries,
    socketsWatching,
    socketsAfterClose,
    heapBeforeMiB,
    heapAfterMiB,
    streamTimersLeft,
    nodeTimersLeft: nodeTimers() - timersBefore,
    problems,
    wallMs: performance.now() - started,
  };
}

/** A full garbage collection: Node's `gc`, which `--expose-gc` gives, switched on here for this process. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapMiB(gc: () => void): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** A host sees a close a moment after the client sends it: polled for up to half a second. */
async function settledSockets(count: () => number): Promise<number> {
  for (let i = 0; i < 50 && count() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return count();
}
