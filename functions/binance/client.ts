import type { Position, SourceId } from '#core/position.js';
import { ServerClock } from './clock.js';
import { type CallContext, SourceError } from './errors.js';
import {
  DEFAULT_RETRY_AFTER_MS,
  HostStanding,
  type HostWeight,
  type HttpOptions,
  HttpTransport,
  readExchangeError,
} from './rest.js';
import { retryTransient } from './retry.js';
import { encodeParams, type Signer } from './sign.js';
import { type PositionFilter, type PositionSource, ResponseShapeError, sources } from './sources/index.js';
import type { RestTransportSpec, TimeProbeSpec } from './sources/source.js';
import { WsApiConnection, WsApiError, type WsReply } from './ws-api.js';

export interface BinanceClientOptions extends HttpOptions {
  /** Sent with every signed request; the exchange's default (5000 ms) applies when absent. */
  recvWindow?: number;
  /** An idle WebSocket API connection closes after this long. Default 30 s. */
  wsIdleMs?: number;
}

/** Read one source of one account. */
export interface PositionRequest {
  account: string;
  source: SourceId;
  signer: Signer;
  /** Replaces the source's endpoint: an `http(s)` base URL, or a `ws(s)` URL for `usdm-ws`. */
  endpoint?: string | undefined;
  /**
   * `usdm-ws` only: the REST base URL whose `/fapi/v1/time` is the clock (the WebSocket API has no
   * time method). Default: `https://fapi.binance.com` for the exchange's own URL, otherwise the
   * WebSocket URL's host over http(s).
   */
  timeEndpoint?: string | undefined;
  filter?: PositionFilter | undefined;
  /** Local ms after which no retry starts. */
  deadline?: number | undefined;
}

export type SourceResult =
  | { ok: true; account: string; source: SourceId; positions: Position[]; ms: number }
  | { ok: false; account: string; source: SourceId; error: SourceError; ms: number };

/**
 * The exchange, as liqwatch reads it: the five position sources over one REST transport (a keep-alive
 * pool per host) and one WebSocket API connection per URL, with a server clock per exchange host.
 * Create one per process or Lambda container and reuse it; `close()` leaves no socket open.
 */
export class BinanceClient {
  readonly #http: HttpTransport;
  readonly #recvWindow: number | undefined;
  readonly #wsIdleMs: number;
  readonly #now: () => number;
  readonly #clocks = new Map<string, ServerClock>();
  readonly #ws = new Map<string, { conn: WsApiConnection; standing: HostStanding }>();

  constructor(opts: BinanceClientOptions = {}) {
    this.#http = new HttpTransport(opts);
    this.#recvWindow = opts.recvWindow;
    this.#wsIdleMs = opts.wsIdleMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * The open and flat legs the source reports for the account, normalised. Throws a `SourceError`
   * naming the account, source and endpoint for every failure.
   */
  async fetchPositions(req: PositionRequest): Promise<Position[]> {
    const source = sources[req.source];
    const ctx: CallContext = {
      account: req.account,
      source: req.source,
      endpoint: source.transport.kind === 'rest' ? `GET ${source.transport.path}` : `ws ${source.transport.method}`,
    };
    const params = serverParams(ctx, source, req.filter ?? {});
    const body =
      source.transport.kind === 'rest'
        ? await this.#fetchRest(ctx, source.transport, params, req)
        : await this.#fetchWs(ctx, source.transport.method, params, req);
    let positions: Position[];
    try {
      positions = source.toPositions(body, req.account);
    } catch (error) {
      if (!(error instanceof ResponseShapeError)) throw error;
      throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, error.message);
    }
    const symbol = req.filter?.symbol;
    // COIN-M sources cannot filter by symbol at the exchange: filter here.
    if (symbol !== undefined && !source.serverFilters.includes('symbol')) {
      return positions.filter((p) => p.symbol === symbol);
    }
    return positions;
  }

  /**
   * Every request at once, at most `concurrency` in flight, each settled on its own: one failure never
   * stops the others.
   */
  async fetchAll(requests: readonly PositionRequest[], opts: { concurrency?: number } = {}): Promise<SourceResult[]> {
    const results = new Array<SourceResult>(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const req = requests[index]!;
        const started = this.#now();
        try {
          const positions = await this.fetchPositions(req);
          results[index] = { ok: true, account: req.account, source: req.source, positions, ms: this.#now() - started };
        } catch (error) {
          results[index] = {
            ok: false,
            account: req.account,
            source: req.source,
            error: asSourceError(req, error),
            ms: this.#now() - started,
          };
        }
      }
    };
    const workers = Math.max(1, Math.min(opts.concurrency ?? 16, requests.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return results;
  }

  /** The last request weight each host reported, REST and WebSocket API alike. */
  usedWeight(): HostWeight[] {
    const ws = [...this.#ws.values()].flatMap((w) => (w.standing.weight ? [w.standing.weight] : []));
    return [...this.#http.usedWeight(), ...ws];
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#clocks.values()].map((c) => c.settle()));
    await Promise.all([...this.#ws.values()].map((w) => w.conn.close()));
    this.#ws.clear();
    await this.#http.close();
  }

  async #fetchRest(
    ctx: CallContext,
    spec: RestTransportSpec,
    params: Record<string, string>,
    req: PositionRequest,
  ): Promise<unknown> {
    const base = parseBase(ctx, req.endpoint ?? spec.defaultEndpoint, ['http:', 'https:']);
    const clock = this.#clock(ctx, base, spec.time);
    return this.#withClockRetry(clock, async () => {
      const query = encodeParams({ ...params, recvWindow: this.#recvWindow, timestamp: clock.timestamp() });
      const target = `${base.prefix}${spec.path}?${query}&signature=${encodeURIComponent(req.signer.sign(query))}`;
      const answer = await this.#http.get(
        ctx,
        base.origin,
        target,
        { 'X-MBX-APIKEY': req.signer.apiKey },
        req.deadline,
      );
      if (answer.status !== 200) {
        throw new SourceError(
          ctx,
          { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) },
          'refused',
        );
      }
      try {
        return JSON.parse(answer.body) as unknown;
      } catch {
        throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, 'the response is not valid JSON');
      }
    });
  }

  async #fetchWs(
    ctx: CallContext,
    method: string,
    params: Record<string, string>,
    req: PositionRequest,
  ): Promise<unknown> {
    const url = req.endpoint ?? sources['usdm-ws'].transport.defaultEndpoint;
    const wsBase = parseBase(ctx, url, ['ws:', 'wss:']);
    const timeBase = parseBase(ctx, req.timeEndpoint ?? wsTimeEndpoint(url), ['http:', 'https:']);
    const clock = this.#clock(ctx, timeBase, FAPI_TIME);
    const ws = this.#wsFor(url, wsBase.origin);
    return retryTransient(
      () =>
        this.#withClockRetry(clock, async () => {
          ws.standing.assertCallable(ctx);
          // The WebSocket API signs its params sorted by name (seed 001).
          const signed: Record<string, string | number> = sortByName({
            ...params,
            apiKey: req.signer.apiKey,
            ...(this.#recvWindow === undefined ? {} : { recvWindow: this.#recvWindow }),
            timestamp: clock.timestamp(),
          });
          signed.signature = req.signer.sign(encodeParams(signed));
          let reply: WsReply;
          try {
            reply = await ws.conn.call(method, signed);
          } catch (error) {
            if (!(error instanceof WsApiError)) throw error;
            throw new SourceError(ctx, { kind: error.kind }, error.message);
          }
          const weight = reply.rateLimits?.find((l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.interval === 'MINUTE');
          if (weight) ws.standing.noteWeight(weight.count);
          if (reply.status === 200) return reply.result;
          const exchange = reply.error ? { exchangeCode: reply.error.code, exchangeMessage: reply.error.msg } : {};
          if (reply.status === 429 || reply.status === 418) {
            // The WebSocket API says when the wait ends in `error.data.retryAfter` (epoch ms).
            const until = Number(reply.error?.data?.retryAfter);
            const wait =
              Number.isFinite(until) && until > 0 ? Math.max(0, until - this.#now()) : DEFAULT_RETRY_AFTER_MS;
            throw ws.standing.block(ctx, reply.status, exchange, wait);
          }
          throw new SourceError(ctx, { kind: 'exchange', httpStatus: reply.status, ...exchange }, 'refused');
        }),
      this.#http.retryPolicy(req.deadline),
    );
  }

  /**
   * Runs a signed call; when the exchange answers -1021 (timestamp outside its window), learns the
   * server time again, unless it was learned since this call was signed, and tries once more.
   */
  async #withClockRetry<T>(clock: ServerClock, call: () => Promise<T>): Promise<T> {
    const signedAt = this.#now();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof SourceError) || error.exchangeCode !== -1021) throw error;
      if ((clock.syncedAt ?? -1) < signedAt) {
        try {
          await clock.resync();
        } catch {
          throw error;
        }
      }
      return call();
    }
  }

  #clock(ctx: CallContext, base: Base, time: TimeProbeSpec): ServerClock {
    const key = `${base.origin}${base.prefix}${time.path}`;
    let clock = this.#clocks.get(key);
    if (!clock) {
      const probeCtx: CallContext = { ...ctx, endpoint: `GET ${time.path}` };
      clock = new ServerClock(
        async () => {
          const sent = this.#now();
          const answer = await this.#http.get(probeCtx, base.origin, `${base.prefix}${time.path}`, {});
          const received = this.#now();
          if (answer.status !== 200) {
            throw new SourceError(
              probeCtx,
              { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) },
              'no server time',
            );
          }
          return time.read === 'serverTime'
            ? { serverTime: readServerTime(probeCtx, answer.body), localTime: (sent + received) / 2 }
            : // The Date header has whole seconds: the server's time was at least this when the answer
              // arrived, so timestamps never run ahead of the server (1000 ms ahead is refused) and stay
              // well inside recvWindow behind it.
              { serverTime: readDateHeader(probeCtx, answer.headers.date), localTime: received };
        },
        { now: this.#now },
      );
      this.#clocks.set(key, clock);
    }
    return clock;
  }

  #wsFor(url: string, origin: string) {
    let ws = this.#ws.get(url);
    if (!ws) {
      ws = {
        conn: new WsApiConnection(url, { timeoutMs: this.#http.timeoutMs, idleMs: this.#wsIdleMs }),
        standing: new HostStanding(origin, this.#now),
      };
      this.#ws.set(url, ws);
    }
    return ws;
  }
}

/** The WebSocket API has no time method: its clock is USDⓈ-M REST's. */
const FAPI_TIME: TimeProbeSpec = { path: '/fapi/v1/time', read: 'serverTime' };

interface Base {
  origin: string;
  /** A path prefix of the base URL, without a trailing slash (`''` for a bare host). */
  prefix: string;
}

function parseBase(ctx: CallContext, endpoint: string, protocols: readonly string[]): Base {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SourceError(ctx, { kind: 'request' }, `endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new SourceError(
      ctx,
      { kind: 'request' },
      `endpoint ${url.origin} must be ${protocols.map((p) => p.replace(':', '')).join(' or ')}`,
    );
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}

/** The REST host that tells the WebSocket API's time (see `PositionRequest.timeEndpoint`). */
export function wsTimeEndpoint(wsUrl: string): string {
  const url = new URL(wsUrl);
  if (url.hostname === 'ws-fapi.binance.com') return 'https://fapi.binance.com';
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
}

function serverParams(ctx: CallContext, source: PositionSource, filter: PositionFilter): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (name === 'symbol' && !source.serverFilters.includes('symbol')) continue; // filtered after the call
    if (!(source.serverFilters as readonly string[]).includes(name)) {
      throw new SourceError(
        ctx,
        { kind: 'request' },
        `${source.id} filters by ${source.serverFilters.join(' or ')}, not by ${name}`,
      );
    }
    params[name] = value;
  }
  if (params.marginAsset !== undefined && params.pair !== undefined) {
    // Portfolio Margin CM: "marginAsset and pair should not both be sent" (seed 004); COIN-M alike.
    throw new SourceError(ctx, { kind: 'request' }, `${source.id} takes marginAsset or pair, not both`);
  }
  return params;
}

function sortByName<T extends Record<string, unknown>>(params: T): T {
  return Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

function readServerTime(ctx: CallContext, body: string): number {
  try {
    const parsed = JSON.parse(body) as { serverTime?: unknown };
    if (typeof parsed.serverTime === 'number' && Number.isFinite(parsed.serverTime)) return parsed.serverTime;
  } catch {
    // fall through to the error below
  }
  throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, 'the time response has no serverTime');
}

function readDateHeader(ctx: CallContext, header: string | string[] | undefined): number {
  const value = Date.parse(String(Array.isArray(header) ? header[0] : header));
  if (Number.isFinite(value)) return value;
  throw new SourceError(ctx, { kind: 'malformed', httpStatus: 200 }, 'the ping response has no Date header');
}

function asSourceError(req: PositionRequest, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const ctx: CallContext = { account: req.account, source: req.source, endpoint: 'fetch' };
  const reason = error instanceof Error ? error.message : String(error);
  return new SourceError(ctx, { kind: 'network' }, `unexpected failure (${reason})`, { cause: error });
}
