import { MARKET_STREAM_ENDPOINTS } from './market-stream-rows.js';
import { REAL_TIMERS, type StreamTimers } from './market-stream-timers.js';
import type { MarkTick, StreamGap } from './stream-events.js';

export interface MarketStreamOptions {
  market: 'usdm' | 'coinm';
  /** The market stream base (`endpoints.usdmMarket` / `coinmMarket`); default the exchange's (`MARKET_STREAM_ENDPOINTS`). */
  url?: string;
  onTick(tick: MarkTick): void;
  /** After a reconnect, once everything is subscribed again: ticks may have been missed meanwhile. */
  onGap(gap: StreamGap): void;
  /** A frame of the wrong shape, a refused request: reported, and the stream goes on. */
  onError?(message: string): void;
  now?: () => number;
  timers?: StreamTimers;
  /** First wait before reconnecting, doubled after each failed attempt up to `maxBackoffMs`. Default 1 s / 60 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A connection is replaced this long after it opened, before the exchange ends it at 24 h. Default 23 h. */
  renewAfterMs?: number;
  /**
   * No frame for this long while following (the exchange pushes each symbol every second) means the
   * connection died without a word: it is reopened. 0: never. Default 30 s.
   */
  silenceMs?: number;
  /** How long an open or an answer may take. Default 10 s. */
  timeoutMs?: number;
}

export type ResolvedMarketStreamOptions = Required<Omit<MarketStreamOptions, 'onError'>> &
  Pick<MarketStreamOptions, 'onError'>;

/** The options with their defaults; a base URL that is not `ws(s)` is refused, naming it. */
export function resolveMarketStreamOptions(opts: MarketStreamOptions): ResolvedMarketStreamOptions {
  const url = (opts.url ?? MARKET_STREAM_ENDPOINTS[opts.market]).replace(/\/+$/, '');
  if (!/^wss?:\/\/[^/]/.test(url)) throw new Error(`the ${opts.market} market stream needs a ws(s) URL, got ${url}`);
  return {
    ...opts,
    url,
    now: opts.now ?? Date.now,
    timers: opts.timers ?? REAL_TIMERS,
    backoffMs: opts.backoffMs ?? 1_000,
    maxBackoffMs: opts.maxBackoffMs ?? 60_000,
    renewAfterMs: opts.renewAfterMs ?? 23 * 60 * 60 * 1000,
    silenceMs: opts.silenceMs ?? 30_000,
    timeoutMs: opts.timeoutMs ?? 10_000,
  };
}
