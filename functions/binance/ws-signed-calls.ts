import type { HostClocks } from './clock-probes.js';
import type { Cycle } from './cycle.js';
import { type CallContext, SourceError, tooLargeError } from './errors.js';
import { type HostBan, HostStanding, type HostWeight, msUntil } from './host-standing.js';
import { parseBase, type TimeProbeSpec, wsTimeEndpoint } from './hosts.js';
import type { HttpTransport } from './rest.js';
import { retryTransient } from './retry.js';
import { encodeParams, type Signer } from './sign.js';
import { WsApiConnection, WsApiError, type WsReply } from './ws-api.js';

/** One signed request to the WebSocket API. */
export interface WsSignedCall {
  /** The WebSocket API's `ws(s)` URL. */
  url: string;
  /** The REST base URL whose `time.path` is the clock; by default the one `wsTimeEndpoint` names. */
  timeEndpoint: string | undefined;
  time: TimeProbeSpec;
  method: string;
  params: Record<string, string>;
  signer: Signer;
}

/**
 * Signed calls over the WebSocket API: one connection per URL and one standing per host, signed with
 * the REST host's clock, retried by the REST transport's rules, and rate limits heeded as REST heeds
 * them.
 */
export class WsSignedCalls {
  readonly #connections = new Map<string, WsApiConnection>();
  readonly #standings = new Map<string, HostStanding>();
  readonly #http: HttpTransport;
  readonly #clocks: HostClocks;
  readonly #opts: { recvWindow: number | undefined; idleMs: number; now: () => number };

  constructor(
    http: HttpTransport,
    clocks: HostClocks,
    opts: { recvWindow: number | undefined; idleMs: number; now: () => number },
  ) {
    this.#http = http;
    this.#clocks = clocks;
    this.#opts = opts;
  }

  /** The call's `result`; a `SourceError` for every failure, on the call's own context. */
  async call(ctx: CallContext, call: WsSignedCall, cycle: Cycle): Promise<unknown> {
    const { origin } = parseBase(ctx, call.url, ['ws:', 'wss:']);
    const timeBase = parseBase(ctx, call.timeEndpoint ?? wsTimeEndpoint(call.url), ['http:', 'https:']);
    const clock = this.#clocks.for(ctx, timeBase, call.time);
    const conn = this.#connectionFor(call.url);
    const standing = this.#standingOf(origin);
    return retryTransient(
      () =>
        clock.retryOn1021(async () => {
          standing.assertCallable(ctx);
          const budget = cycle.attempt(ctx, origin, this.#http.timeoutMs);
          const { recvWindow } = this.#opts;
          // The WebSocket API signs its params sorted by name (seed 001).
          const signed: Record<string, string | number> = sortByName({
            ...call.params,
            apiKey: call.signer.apiKey,
            ...(recvWindow === undefined ? {} : { recvWindow }),
            timestamp: clock.timestamp(),
          });
          signed.signature = call.signer.sign(encodeParams(signed));
          let reply: WsReply;
          try {
            reply = await conn.call(call.method, signed, budget.ms);
          } catch (error) {
            if (!(error instanceof WsApiError)) throw error;
            if (error.kind === 'timeout') throw cycle.timedOut(ctx, origin, budget, error.message);
            if (error.kind === 'too-large') throw tooLargeError(ctx, this.#http.maxResponseBytes);
            throw new SourceError(ctx, { kind: error.kind }, error.message);
          }
          const exchange = reply.error ? { exchangeCode: reply.error.code, exchangeMessage: reply.error.msg } : {};
          standing.heed(ctx, {
            status: reply.status,
            usedWeight1m: minuteWeight(reply),
            // The WebSocket API says when the wait ends in `error.data.retryAfter` (epoch ms).
            refusal: () => ({ exchange, waitMs: msUntil(Number(reply.error?.data?.retryAfter), this.#opts.now()) }),
          });
          if (reply.status === 200) return reply.result;
          throw new SourceError(ctx, { kind: 'exchange', httpStatus: reply.status, ...exchange }, 'refused');
        }),
      this.#http.retryPolicy(cycle, origin),
    );
  }

  /** The last weight each WebSocket API host reported. */
  usedWeight(): HostWeight[] {
    return [...this.#standings.values()].flatMap((s) => (s.weight ? [s.weight] : []));
  }

  /** The 429 and 418 blocks in force, per WebSocket API host. */
  bans(): HostBan[] {
    return [...this.#standings.values()].flatMap((s) => s.ban() ?? []);
  }

  /** Blocks `ban.host` (a `ws(s)` origin) until `ban.until`, as if it had just said so. */
  restoreBan(ban: HostBan): void {
    this.#standingOf(ban.host).restore(ban);
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((c) => c.close()));
    this.#connections.clear();
  }

  #connectionFor(url: string): WsApiConnection {
    let conn = this.#connections.get(url);
    if (!conn) {
      conn = new WsApiConnection(url, {
        timeoutMs: this.#http.timeoutMs,
        idleMs: this.#opts.idleMs,
        maxMessageBytes: this.#http.maxResponseBytes,
      });
      this.#connections.set(url, conn);
    }
    return conn;
  }

  #standingOf(origin: string): HostStanding {
    let standing = this.#standings.get(origin);
    if (!standing) {
      standing = new HostStanding(origin, this.#opts.now);
      this.#standings.set(origin, standing);
    }
    return standing;
  }
}

/** The request weight of the last minute, from a reply's `rateLimits`. */
function minuteWeight(reply: WsReply): number | undefined {
  return reply.rateLimits?.find((l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.interval === 'MINUTE')?.count;
}

function sortByName<T extends Record<string, unknown>>(params: T): T {
  return Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}
