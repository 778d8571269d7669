import { setTimeout as delay } from 'node:timers/promises';
import type { AlertDelivery } from '#contracts/queue-message.js';
import { type SimAccount, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { type FakeTelegram, startFakeTelegram } from '#local/telegram-bot-api/index.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { BOT_USERNAME, Pipeline, type Run, TOKEN, watchAccount } from './watch-chain.js';
import { SkipClock } from './watch-clock.js';
import { BOOKS, type Crossing, crashPath, legsAt } from './watch-path.js';

/** Each exchange call (REST, WebSocket API) answered after this long, as in the other sections. */
export const WATCH_LATENCY_MS = 50;
/** The default critical line: a message tells a line under it only as a critical alert (its value has two decimals). */
const CRITICAL_PCT = 7.5;
const ACCOUNT = watchAccount('avax');

/** How one crossing was told by each deployment: ms from the crossing tick to Telegram, `null` if never. */
export interface CrossingTold {
  crossing: Crossing;
  /** `adaptive`: whether an invocation held the streams when the tick came. */
  watched: boolean;
  adaptiveMs: number | null;
  pollMs: number | null;
}

export interface WatchLatency {
  told: CrossingTold[];
  runs: { adaptive: Run[]; off: Run[] };
  containers: { adaptive: number; off: number };
  problems: string[];
  /** The window replayed: its first second (epoch ms) and its length in seconds. */
  from: number;
  seconds: number;
  wallMs: number;
}

/**
 * The crash replayed one mark price a second through the simulator's market stream, to two deployments
 * side by side on the same exchange: `watch.mode: adaptive` and `off` (today's one-minute polling), each
 * with its own table and chat, both invoked at the top of every market minute. Each crossing's latency is
 * the market time from the tick that crosses (before the simulator pushes it) to the Telegram stand-in
 * receiving the `sendMessage` that tells it, on a clock that runs in real time while anything works and
 * skips only the time when everything waits (`SkipClock`): polling's wait for the next check is market
 * time, every piece of work its real duration.
 */
export async function measureWatchLatency(): Promise<WatchLatency> {
  const started = performance.now();
  const path = await crashPath();
  const clock = new SkipClock(path.from);
  const positions = Object.fromEntries(BOOKS.map((b) => [b, legsAt(path, b, 0)]));
  // Wallets far above what the legs need: the legs' own liquidation prices are what is measured.
  const wallets = { usdm: { USDT: 1e6 }, coinm: { AVAX: 1e5 }, pm: { USDT: 1e6 } };
  const account: SimAccount = { ...ACCOUNT, hedgeMode: true, positions, wallets };
  const sim = await startExchangeSimulator({ accounts: [account], latencyMs: WATCH_LATENCY_MS, now: clock.now });
  const dynamo = await startLocalDynamo();
  const telegram = await startFakeTelegram({ token: TOKEN, botUsername: BOT_USERNAME, now: clock.now });
  const arrivals = new ArrivalLog(telegram, clock);
  const parts = { clock, sim, dynamo, telegram };
  const adaptive = await Pipeline.start(parts, { mode: 'adaptive', account: ACCOUNT, chatId: 1, table: 'adaptive' });
  const off = await Pipeline.start(parts, { mode: 'off', account: ACCOUNT, chatId: 2, table: 'off' });
  const pushedAt: number[] = [];
  try {
    for (let s = 0; s < path.prices.length; s++) {
      await clock.until(path.from + s * 1000);
      pushedAt.push(clock.now());
      for (const book of BOOKS) sim.setPositions(ACCOUNT.name, book, legsAt(path, book, s));
      // A leg that opens is told on the user data stream after half the latency (a real timer of the
      // simulator's): the replay counts that as work, so the clock does not jump before it arrives.
      if (s > 0 && path.legs.some((leg) => leg.opensAt === s)) void clock.track(() => delay(WATCH_LATENCY_MS));
      if (s % 60 === 0) {
        adaptive.invoke();
        off.invoke();
      }
    }
    // The last invocations watch to the end of their minute and 5 s past it; the price stands still.
    for (let s = path.prices.length; s < path.prices.length + 70; s++) {
      await clock.until(path.from + s * 1000);
      sim.pushMarkPrices();
    }
  } finally {
    await Promise.all([adaptive.close(), off.close()]);
    arrivals.stop();
    clock.release();
    await Promise.all([sim.close(), dynamo.close(), telegram.close()]);
  }
  const adaptiveSent = adaptive.arrivalsOf(arrivals);
  const offSent = off.arrivalsOf(arrivals);
  const told = path.crossings.map((crossing): CrossingTold => {
    const at = pushedAt[crossing.second]!;
    const watched = adaptive.runs.some((r) => r.watchedMs > 0 && r.endedAt - r.watchedMs <= at && at <= r.endedAt);
    return {
      crossing,
      watched,
      adaptiveMs: toldAfter(adaptiveSent, crossing, at),
      pollMs: toldAfter(offSent, crossing, at),
    };
  });
  return {
    told,
    runs: { adaptive: adaptive.runs, off: off.runs },
    containers: { adaptive: adaptive.containers, off: off.containers },
    problems: [...adaptive.problems, ...off.problems],
    from: path.from,
    seconds: path.prices.length,
    wallMs: performance.now() - started,
  };
}

/**
 * The first message reaching Telegram after the tick that tells the leg is at or under the line: a
 * `liq-distance` alert of the leg (new, escalated or deepened) whose distance is the line or less. Its
 * delay in ms, or `null` when none did.
 */
function toldAfter(
  sent: readonly { delivery: AlertDelivery; arrivedAt: number | null }[],
  { leg, line }: Crossing,
  at: number,
): number | null {
  const tells = (d: AlertDelivery) =>
    d.notifications.some(
      (n) =>
        (n.kind === 'firing' || n.kind === 'escalated' || n.kind === 'deepened') &&
        n.alert.rule === 'liq-distance' &&
        n.alert.source === leg.source &&
        n.alert.symbol === leg.symbol &&
        n.alert.positionSide === leg.positionSide &&
        n.alert.value !== null &&
        n.alert.value <= line &&
        (line > CRITICAL_PCT || n.alert.severity === 'critical'),
    );
  const arrivals = sent
    .filter((s) => s.arrivedAt !== null && s.arrivedAt >= at && tells(s.delivery))
    .map((s) => s.arrivedAt! - at);
  return arrivals.length > 0 ? Math.min(...arrivals) : null;
}

/** The value at or under which `p` % of the values lie (nearest rank); with under 100 values, p99 is the largest. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * When each message reached the Telegram stand-in, on the replay's clock: its messages are looked at
 * every millisecond and before the clock jumps (an arrival is stamped at most about a millisecond late).
 */
export class ArrivalLog {
  readonly log: { chatId: number; text: string; at: number }[] = [];
  readonly #telegram: FakeTelegram;
  readonly #clock: SkipClock;
  readonly #timer: NodeJS.Timeout;

  constructor(telegram: FakeTelegram, clock: SkipClock) {
    this.#telegram = telegram;
    this.#clock = clock;
    this.#timer = setInterval(() => this.collect(), 1);
    clock.beforeJump(() => this.collect());
  }

  collect(): void {
    for (const m of this.#telegram.messages.slice(this.log.length)) {
      this.log.push({ chatId: m.chatId, text: m.text, at: this.#clock.now() });
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.collect();
  }
}
