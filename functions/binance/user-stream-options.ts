import type { SourceId } from '#core/position.js';
import type { HttpTransport } from './rest.js';
import type { Signer } from './sign.js';
import type { StreamGap, UserEvent } from './stream-events.js';
import type { StreamTimers } from './user-stream-socket.js';

/**
 * The exchange's private stream of each source, to which `/ws/<listenKey>` is added: USDⓈ-M's
 * `/private` route (the old URLs were retired in 2026-04), COIN-M's own host, Portfolio Margin's `/pm`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 */
export const PRIVATE_STREAMS = {
  usdm: 'wss://fstream.binance.com/private',
  'usdm-ws': 'wss://fstream.binance.com/private',
  coinm: 'wss://dstream.binance.com',
  'pm-um': 'wss://fstream.binance.com/pm',
  'pm-cm': 'wss://fstream.binance.com/pm',
} as const satisfies Record<SourceId, string>;

export interface UserStreamOptions {
  account: string;
  /** `usdm` or `usdm-ws` (one USDⓈ-M account), `coinm`, `pm-um` or `pm-cm` (one stream per Portfolio Margin account). */
  source: SourceId;
  /** Only its API key is used. */
  signer: Signer;
  /** The source's `http(s)` REST base, where keys are created; the exchange's own when absent. */
  restEndpoint?: string | undefined;
  /** The private stream's `ws(s)` base; `PRIVATE_STREAMS` when absent. */
  streamUrl?: string | undefined;
  onEvent(e: UserEvent): void;
  /** After a reconnect or a new listen key: events may have been missed. */
  onGap(g: StreamGap): void;
  /** A frame of the wrong shape, a refused or failed call: the stream goes on. */
  onError?(message: string): void;
  now?: () => number;
  timers?: StreamTimers;
  /** A shared REST transport (its weights and bans); else one of the stream's own, closed with it. */
  http?: HttpTransport;
  /** Between keepalives. Default 30 min: twice in the key's 60 minutes, so one failed keepalive is caught up. */
  keepAliveMs?: number;
  /** First wait before a new attempt; doubles up to `maxBackoffMs`. Defaults 1 s and 60 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * Leave the listen key on close instead of deleting it. The exchange gives an account one key at a time
   * (a POST returns the active one): a stream that overlaps the next one (a check invocation handing over to
   * the next) must not delete the key the next one is reading; unused, it expires after 60 minutes.
   */
  keepKeyOnClose?: boolean;
  /** The largest frame read. Default 1 MiB: the exchange's events are a few KB. */
  maxMessageBytes?: number;
}

/** The private stream's base, checked once: a bad one would otherwise fail every attempt, naming the key. */
export function readStreamUrl(opts: UserStreamOptions): string {
  const given = opts.streamUrl ?? PRIVATE_STREAMS[opts.source];
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:') || url.search !== '') {
    throw new TypeError(
      `${opts.account} ${opts.source} user data stream: streamUrl must be a ws(s) URL without a query`,
    );
  }
  return given.replace(/\/+$/, '');
}
