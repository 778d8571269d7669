import type { HostClocks } from './clock-probes.js';
import { type CallContext, SourceError } from './errors.js';
import { HostStanding, type HostWeight, msUntil } from './host-standing.js';
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
  /** Local ms after which no retry starts. */
  deadline: number | undefined;
}

interface Connection {
  conn: WsApiConnection;
  standing: HostStanding;
}

/**
 * Signed calls over the WebSocket API: one connection and one host standing per URL, signed with the
 * REST host's clock, retried by the REST transport's rules, and rate limits heeded as REST heeds them.
 */
export class WsSignedCalls {
  readonly #connections = new Map<string, Connection>();
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
  async call(ctx: CallContext, call: WsSignedCall): Promise<unknown> {
    const wsBase = parseBase(ctx, call.url, ['ws:', 'wss:']);
    const timeBase = parseBase(ctx, call.timeEndpoint ?? wsTimeEndpoint(call.url), ['http:', 'https:']);
    const clock = this.#clocks.for(ctx, timeBase, call.time);
    const ws = this.#connectionFor(call.url, wsBase.origin);
    return retryTransient(
      () =>
        clock.retryOn1021(async () => {
          ws.standing.assertCallable(ctx);
          const { recvWindow } = this.#opts;
          // The WebSocket API signs its params sorted by name (seed 001).
          const signed: Record<string, string | number> = sortByName({
            ...call.params,
            apiKey: call.signer.apiKey,
            ...(recvWindow === undefined ? {} : { recvWindow }),
            timestamp: clock.timestamp(),
          });
          signed.signature = call.signer.sign(encodeParams(signed));
          const reply = await send(ctx, ws.conn, call.method, signed);
          const exchange = reply.error ? { exchangeCode: reply.error.code, exchangeMessage: reply.error.msg } : {};
          ws.standing.heed(ctx, {
            status: reply.status,
            usedWeight1m: minuteWeight(reply),
            // The WebSocket API says when the wait ends in `error.data.retryAfter` (epoch ms).
            refusal: () => ({ exchange, waitMs: msUntil(Number(reply.error?.data?.retryAfter), this.#opts.now()) }),
          });
          if (reply.status === 200) return reply.result;
          throw new SourceError(ctx, { kind: 'exchange', httpStatus: reply.status, ...exchange }, 'refused');
        }),
      this.#http.retryPolicy(call.deadline),
    );
  }

  /** The last weight each WebSocket API host reported. */
  usedWeight(): HostWeight[] {
    return [...this.#connections.values()].flatMap((c) => (c.standing.weight ? [c.standing.weight] : []));
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((c) => c.conn.close()));
    this.#connections.clear();
  }

  #connectionFor(url: string, origin: string): Connection {
    let connection = this.#connections.get(url);
    if (!connection) {
      connection = {
        conn: new WsApiConnection(url, { timeoutMs: this.#http.timeoutMs, idleMs: this.#opts.idleMs }),
        standing: new HostStanding(origin, this.#opts.now),
      };
      this.#connections.set(url, connection);
    }
    return connection;
  }
}

async function send(
  ctx: CallContext,
  conn: WsApiConnection,
  method: string,
  params: Record<string, unknown>,
): Promise<WsReply> {
  try {
    return await conn.call(method, params);
  } catch (error) {
    if (!(error instanceof WsApiError)) throw error;
    throw new SourceError(ctx, { kind: error.kind }, error.message);
  }
}

/** The request weight of the last minute, from a reply's `rateLimits`. */
function minuteWeight(reply: WsReply): number | undefined {
  return reply.rateLimits?.find((l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.interval === 'MINUTE')?.count;
}

function sortByName<T extends Record<string, unknown>>(params: T): T {
  return Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}
