import {
  type MarketStreamOptions,
  type ResolvedMarketStreamOptions,
  resolveMarketStreamOptions,
} from './market-stream-options.js';
import { MARKET_STREAM_LIMITS, markPriceStreamOf } from './market-stream-rows.js';
import { MarketSocket, type PushedFrame } from './market-stream-socket.js';
import { TimerSlots } from './market-stream-timers.js';

export type { MarketStreamOptions } from './market-stream-options.js';
export type { StreamTimers } from './market-stream-timers.js';

/**
 * The mark price of the symbols held, every second, from one combined-stream connection per market.
 * One connection is enough for liqwatch: it follows the symbols its accounts hold, far below the 1024
 * streams a connection takes, so more than that is refused with an error instead of a second connection.
 * Subscriptions change as legs open and close (one SUBSCRIBE and one UNSUBSCRIBE per change, paced);
 * a dropped or silent connection is reopened with exponential backoff, everything is subscribed again,
 * then `onGap` tells that ticks may have been missed; a connection is replaced before its 24 h end,
 * the new one subscribed before the old one closes, so nothing is missed.
 */
export class MarketStream {
  readonly #o: ResolvedMarketStreamOptions;
  readonly #timers: TimerSlots<'retry' | 'renew' | 'watch'>;
  readonly #sockets = new Set<MarketSocket>();
  #wanted = new Set<string>();
  readonly #refused = new Set<string>();
  #live: MarketSocket | undefined;
  #queue: Promise<void> = Promise.resolve();
  #failures = 0;
  #gap: string | undefined;
  #lastFrameAt = 0;
  #closed = false;

  constructor(opts: MarketStreamOptions) {
    this.#o = resolveMarketStreamOptions(opts);
    this.#timers = new TimerSlots(this.#o.timers);
  }

  /** Follows exactly these symbols from now on: SUBSCRIBE the new, UNSUBSCRIBE the gone; resolves once answered. */
  follow(symbols: readonly string[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`the ${this.#o.market} market stream is closed`));
    // Events spell symbols in capitals (`"s": "BTCUSDT"`).
    const wanted = new Set(symbols.map((s) => s.toUpperCase()));
    if (wanted.size > MARKET_STREAM_LIMITS.streamsPerConnection) {
      const limit = MARKET_STREAM_LIMITS.streamsPerConnection;
      return Promise.reject(new Error(`${wanted.size} symbols to follow: one connection takes at most ${limit}`));
    }
    this.#wanted = wanted;
    return this.#enqueue(() => this.#sync());
  }

  /** Symbols followed now (a symbol whose SUBSCRIBE was refused is not, until `follow` tries it again). */
  following(): string[] {
    return [...this.#wanted].filter((s) => !this.#refused.has(s)).sort();
  }

  /** Closes the connection for good; leaves no socket or timer behind. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#timers.stop();
    await Promise.all([...this.#sockets].map((s) => s.close()));
    await this.#queue;
  }

  /** Changes run one at a time, each against the state the previous one left. */
  #enqueue(job: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(job).catch((error: unknown) => this.#report(String(error)));
    return this.#queue;
  }

  async #sync(): Promise<void> {
    if (this.#closed) return;
    if (this.#wanted.size === 0) {
      this.#retire();
      return;
    }
    // While a reconnect waits out its backoff, it will subscribe everything wanted then.
    if (!this.#live && this.#timers.has('retry')) return;
    const socket = this.#live ?? (await this.#open());
    if (!socket) {
      this.#failed('connection failed');
      return;
    }
    this.#live ??= socket;
    if (!(await this.#apply(socket))) {
      // Closed before it was ever live, or while live: either way, once.
      this.#lost(socket, 'connection closed');
      return;
    }
    if (this.#closed) return;
    this.#failures = 0;
    this.#armTimers(socket);
    if (this.#gap !== undefined) {
      const reason = this.#gap;
      this.#gap = undefined;
      this.#o.onGap({ account: null, source: this.#o.market, reason });
    }
  }

  /** Brings a connection's subscriptions to the wanted set; false when the connection ended meanwhile. */
  async #apply(socket: MarketSocket): Promise<boolean> {
    const symbolOf = new Map([...this.#wanted].map((symbol) => [markPriceStreamOf(symbol), symbol]));
    try {
      const outcome = await socket.subscribeExactly(new Set(symbolOf.keys()));
      for (const stream of outcome.added) this.#refused.delete(symbolOf.get(stream) ?? stream);
      for (const stream of outcome.refused) this.#refused.add(symbolOf.get(stream) ?? stream);
      for (const problem of outcome.problems) this.#report(problem);
      return true;
    } catch {
      return false; // the connection ended: its close starts the reconnect
    }
  }

  /** A new connection, or `undefined` when it could not open. */
  async #open(): Promise<MarketSocket | undefined> {
    const socket = new MarketSocket(`${this.#o.url}/stream`, {
      timers: this.#o.timers,
      now: this.#o.now,
      timeoutMs: this.#o.timeoutMs,
      maxMessageBytes: 1024 * 1024,
      onFrame: (from, frame) => this.#onFrame(from, frame),
      onClose: (from) => this.#onClose(from),
    });
    this.#sockets.add(socket);
    try {
      await socket.open();
      this.#lastFrameAt = this.#o.now();
      return socket;
    } catch {
      await socket.close();
      return undefined;
    }
  }

  #onFrame(socket: MarketSocket, frame: PushedFrame): void {
    if (socket !== this.#live) return;
    this.#lastFrameAt = this.#o.now();
    if (frame.kind === 'tick') {
      if (!this.#wanted.has(frame.symbol)) return; // in flight when it was unfollowed
      const { symbol, markPrice, eventTime } = frame;
      this.#o.onTick({ market: this.#o.market, symbol, markPrice, eventTime });
    } else if (frame.kind === 'refusal') {
      this.#report(`refused: ${frame.code} ${frame.msg}`);
    } else {
      this.#report(frame.problem);
    }
  }

  #onClose(socket: MarketSocket): void {
    this.#sockets.delete(socket);
    void socket.close(); // frees its dispatcher, whoever ended it
    this.#lost(socket, 'connection closed');
  }

  /** The live connection is gone (a second word of the same loss changes nothing). */
  #lost(socket: MarketSocket, reason: string): void {
    if (socket !== this.#live) return;
    this.#live = undefined;
    this.#failed(reason);
  }

  /** The connection is lost or could not be made: try again after the backoff, and tell the gap once back. */
  #failed(reason: string): void {
    this.#gap ??= reason;
    this.#timers.clear('renew', 'watch');
    if (this.#closed || this.#wanted.size === 0 || this.#timers.has('retry')) return;
    const { backoffMs, maxBackoffMs } = this.#o;
    const wait = Math.min(maxBackoffMs, backoffMs * 2 ** this.#failures);
    this.#failures += 1;
    this.#timers.set('retry', wait, () => void this.#enqueue(() => this.#sync()));
  }

  /** Nothing to follow: the connection closes, and so does any pending reconnect. */
  #retire(): void {
    this.#timers.clear();
    const socket = this.#live;
    this.#live = undefined;
    this.#gap = undefined;
    this.#failures = 0;
    void socket?.close();
  }

  /** The renewal before the 24 h end, and the watch for a silent connection. */
  #armTimers(socket: MarketSocket): void {
    if (!this.#timers.has('renew'))
      this.#timers.set('renew', this.#o.renewAfterMs, () => void this.#enqueue(() => this.#renew(socket)));
    const { silenceMs } = this.#o;
    if (silenceMs <= 0 || this.#timers.has('watch')) return;
    const watch = () => {
      if (this.#live !== socket) return;
      const quiet = this.#o.now() - this.#lastFrameAt;
      // No stream subscribed (all refused) is silence by design.
      if (socket.subscribed.size === 0) return this.#timers.set('watch', silenceMs, watch);
      if (quiet < silenceMs) return this.#timers.set('watch', silenceMs - quiet, watch);
      this.#lost(socket, `no frame for ${silenceMs / 1000} s`);
      void socket.close();
    };
    this.#timers.set('watch', silenceMs, watch);
  }

  /** A fresh connection takes over from `old` once subscribed; on failure `old` stays and renewal is tried again. */
  async #renew(old: MarketSocket): Promise<void> {
    if (this.#closed || this.#live !== old) return;
    const fresh = await this.#open();
    const taken = fresh && this.#live === old && (await this.#apply(fresh)) && this.#live === old;
    // A fresh connection whose SUBSCRIBE was refused does not replace one that follows more.
    if (fresh && taken && fresh.subscribed.size >= old.subscribed.size) {
      this.#live = fresh;
      this.#timers.clear('watch');
      this.#armTimers(fresh);
      await old.close();
      return;
    }
    await fresh?.close();
    if (this.#live === old)
      this.#timers.set('renew', this.#o.backoffMs, () => void this.#enqueue(() => this.#renew(old)));
  }

  #report(message: string): void {
    this.#o.onError?.(`${this.#o.market} market stream: ${message}`);
  }
}
