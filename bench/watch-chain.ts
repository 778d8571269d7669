import { BinanceClient } from '#binance/client.js';
import { createCheckHandler } from '#check/handler.js';
import { createLocalRuntime } from '#cli/local-runtime.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { AlertDelivery, Delivery } from '#contracts/queue-message.js';
import { renderDelivery } from '#core/format/messages.js';
import { SOURCE_IDS } from '#core/position.js';
import type { ExchangeSimulator } from '#local/exchange-simulator/index.js';
import type { FakeTelegram } from '#local/telegram-bot-api/index.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { ensureTable, type LocalDynamo } from '#store/local-dynamo.js';
import type { SkipClock } from './watch-clock.js';
import { clockedStreams } from './watch-streams.js';

/*
 * The chain as Lambda runs it, in this process, on the replay's clock: EventBridge's invocation of the
 * check handler (a container per invocation in flight, as Lambda gives one), the exchange client, the
 * streams, the state table (dynalite), the alerts queue and the bot's queue handler (the local runtime's),
 * and Telegram (the Bot API stand-in). Every port is wrapped so that the clock knows what is in flight.
 */

export const TOKEN = '1000000002:watch-bench-token-000000000000000';
export const BOT_USERNAME = 'liqwatch_bench_bot';
/** A watching invocation lasts its minute, the 5 s overlap and what it keeps to save (infra/constructs/check-function.ts). */
const TIMEOUT_MS: Record<'adaptive' | 'always' | 'off', number> = { adaptive: 80_000, always: 80_000, off: 60_000 };

/** A minute that starts on the exchange's minute, so that the simulator's counter per minute is the minute's. */
export const TOP_OF_MINUTE = Date.UTC(2026, 0, 5, 12, 0);

/** A made-up account the simulator knows, with its HMAC key. */
export function watchAccount(name: string): { name: string; apiKey: string; apiSecret: string } {
  return { name, apiKey: `watch-${name}-key-0123456789abcdef`, apiSecret: `watch-${name}-secret-0123456789abcdef` };
}

/** Every endpoint of the config at the simulator: the five sources, the market streams, the user data streams. */
export function simEndpoints(sim: ExchangeSimulator): Record<string, string> {
  return {
    ...Object.fromEntries(SOURCE_IDS.map((s) => [s, s === 'usdm-ws' ? sim.wsUrl : sim.url])),
    usdmMarket: sim.wsMarketUrl('usdm'),
    coinmMarket: sim.wsMarketUrl('coinm'),
    usdmPrivate: sim.userStreamUrl('usdm'),
    coinmPrivate: sim.userStreamUrl('coinm'),
    pmPrivate: sim.userStreamUrl('pm-um'),
  };
}

/** One invocation of the check: when it ran (market time) and how long it held the streams. */
export interface Run {
  startedAt: number;
  endedAt: number;
  watchedMs: number;
  failedSources: number;
}

/** The simulator, dynalite and the Telegram stand-in one pipeline uses, and the replay's clock. */
export interface ChainParts {
  clock: SkipClock;
  sim: ExchangeSimulator;
  dynamo: LocalDynamo;
  telegram: FakeTelegram;
}

export interface PipelineOptions {
  mode: 'adaptive' | 'always' | 'off';
  account: { name: string; apiKey: string; apiSecret: string };
  chatId: number;
  table: string;
}

/** The check handler of one deployment (a `watch.mode`, a table, a chat) against the simulator. */
export class Pipeline {
  readonly runs: Run[] = [];
  readonly #containers: { client: BinanceClient; busy: boolean }[] = [];
  readonly #running = new Set<Promise<unknown>>();

  private constructor(
    private readonly clock: SkipClock,
    private readonly opts: PipelineOptions,
    /** The handler as a container runs it, with that container's exchange client. */
    private readonly handler: (client: BinanceClient) => ReturnType<typeof createCheckHandler>,
    /** Each alert message handed to the queue, with when (market time). */
    readonly enqueued: { at: number; delivery: AlertDelivery }[],
    /** Warnings and errors the check logged (a stream gap, a failed cycle): none in a clean run. */
    readonly problems: string[],
  ) {}

  static async start(parts: ChainParts, opts: PipelineOptions): Promise<Pipeline> {
    const { clock, sim, dynamo, telegram } = parts;
    await ensureTable(dynamo.client, opts.table);
    const config = parseConfig(
      {
        accounts: [{ name: opts.account.name, sources: [...SOURCE_IDS], keysEnv: 'BENCH_KEYS' }],
        telegram: { chatIds: [opts.chatId], botUsername: BOT_USERNAME, digest: { enabled: false } },
        endpoints: simEndpoints(sim),
        watch: { mode: opts.mode },
      },
      'bench',
    );
    const enqueued: Pipeline['enqueued'] = [];
    const problems: string[] = [];
    const { apiKey, apiSecret } = opts.account;
    const keys = clock.tracked(
      createKeysProvider({ baseDir: '.', env: { BENCH_KEYS: JSON.stringify({ apiKey, apiSecret }) } }),
    );
    const store = clock.tracked(new DynamoStore(dynamo.client, opts.table));
    const note =
      (level: string) =>
      (message: string, ...extra: Record<string, unknown>[]) =>
        void problems.push(`${level}: ${message} ${extra.map((e) => JSON.stringify(e)).join(' ')}`.trim());
    // The bot's own reads of the exchange (chat commands) never run here: a client it holds idle.
    const idle = new BinanceClient({ now: clock.now });
    const runtime = await createLocalRuntime({
      config,
      store,
      exchange: idle,
      keys,
      token: TOKEN,
      apiRoot: telegram.apiRoot,
      log: { info: () => {}, warn: note('warn'), error: note('error') },
      now: clock.now,
      bans: store,
      exchangeClock: clock.now,
    });
    await idle.close();
    const streams = opts.mode === 'off' ? undefined : clockedStreams(clock, config, keys);
    const queue = clock.tracked({
      send: (deliveries: readonly Delivery[]) => {
        for (const d of deliveries) if (d.kind === 'alerts') enqueued.push({ at: clock.now(), delivery: d });
        return runtime.queue.send(deliveries);
      },
    });
    const handler = (client: BinanceClient) =>
      createCheckHandler({
        ...runtime.check,
        exchange: clock.tracked(client),
        queue,
        pollSeconds: 0,
        streams,
        sleep: clock.sleep,
      });
    return new Pipeline(clock, opts, handler, enqueued, problems);
  }

  /** EventBridge's scheduled invocation, now: on a container free at this moment, or a new one. */
  invoke(): void {
    const { clock } = this;
    let container = this.#containers.find((c) => !c.busy);
    if (!container) {
      container = { client: new BinanceClient({ now: clock.now }), busy: false };
      this.#containers.push(container);
    }
    const held = container;
    held.busy = true;
    const startedAt = clock.now();
    const timeoutAt = startedAt + TIMEOUT_MS[this.opts.mode];
    const run = clock
      .track(() => this.handler(held.client)({}, { getRemainingTimeInMillis: () => timeoutAt - clock.now() }))
      .then(
        (r) => {
          this.runs.push({ startedAt, endedAt: clock.now(), watchedMs: r.watchedMs, failedSources: r.failedSources });
        },
        (error: unknown) => void this.problems.push(`invocation failed: ${String(error)}`),
      )
      .finally(() => {
        held.busy = false;
        this.#running.delete(run);
      });
    this.#running.add(run);
  }

  /** The containers Lambda would have kept warm: the most invocations in flight at once. */
  get containers(): number {
    return this.#containers.length;
  }

  /** Waits for the invocations in flight, then closes every container's client. */
  async close(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
    await Promise.all(this.#containers.map((c) => c.client.close()));
  }

  /** The market time each alert message of this pipeline reached Telegram, by the stand-in's arrivals. */
  arrivalsOf(arrivals: {
    log: readonly { chatId: number; text: string; at: number }[];
  }): { at: number; delivery: AlertDelivery; arrivedAt: number | null }[] {
    const used = new Set<number>();
    return this.enqueued.map(({ at, delivery }) => {
      const text = renderDelivery(delivery);
      const i = arrivals.log.findIndex(
        (a, k) => !used.has(k) && a.chatId === this.opts.chatId && a.at >= at && text.startsWith(a.text),
      );
      if (i >= 0) used.add(i);
      return { at, delivery, arrivedAt: i >= 0 ? arrivals.log[i]!.at : null };
    });
  }
}
