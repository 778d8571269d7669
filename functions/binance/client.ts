import type { Position, SourceId } from '#core/position.js';
import { messageOf } from '#shared/errors.js';
import { ParseError, readJson } from '#shared/parse.js';
import { HostClocks } from './clock-probes.js';
import { type CallContext, SourceError } from './errors.js';
import { settleEach } from './fan-out.js';
import type { HostWeight } from './host-standing.js';
import { parseBase } from './hosts.js';
import { type HttpOptions, HttpTransport, readExchangeError } from './rest.js';
import { encodeParams, type Signer } from './sign.js';
import { type PositionFilter, type PositionSource, ResponseShapeError, sources } from './sources/index.js';
import type { RestTransportSpec } from './sources/source.js';
import { WsSignedCalls } from './ws-signed-calls.js';

export type { HostWeight } from './host-standing.js';
export { wsTimeEndpoint } from './hosts.js';

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
  readonly #clocks: HostClocks;
  readonly #ws: WsSignedCalls;
  readonly #recvWindow: number | undefined;
  readonly #now: () => number;

  constructor(opts: BinanceClientOptions = {}) {
    this.#http = new HttpTransport(opts);
    this.#recvWindow = opts.recvWindow;
    this.#now = opts.now ?? Date.now;
    this.#clocks = new HostClocks(this.#http, this.#now);
    this.#ws = new WsSignedCalls(this.#http, this.#clocks, {
      recvWindow: this.#recvWindow,
      idleMs: opts.wsIdleMs ?? 30_000,
      now: this.#now,
    });
  }

  /**
   * The open and flat legs the source reports for the account, normalised. Throws a `SourceError`
   * naming the account, source and endpoint for every failure.
   */
  async fetchPositions(req: PositionRequest): Promise<Position[]> {
    const source = sources[req.source];
    const { transport } = source;
    const ctx: CallContext = {
      account: req.account,
      source: req.source,
      endpoint: transport.kind === 'rest' ? `GET ${transport.path}` : `ws ${transport.method}`,
    };
    const params = serverParams(ctx, source, req.filter ?? {});
    const body =
      transport.kind === 'rest'
        ? await this.#fetchRest(ctx, transport, params, req)
        : await this.#ws.call(ctx, {
            url: req.endpoint ?? transport.defaultEndpoint,
            timeEndpoint: req.timeEndpoint,
            time: transport.time,
            method: transport.method,
            params,
            signer: req.signer,
            deadline: req.deadline,
          });
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
    const settled = await settleEach(requests, (req) => this.fetchPositions(req), {
      concurrency: opts.concurrency ?? 16,
      now: this.#now,
    });
    return settled.map(({ item: req, ms, ...outcome }) =>
      outcome.ok
        ? { ok: true, account: req.account, source: req.source, positions: outcome.value, ms }
        : { ok: false, account: req.account, source: req.source, error: asSourceError(req, outcome.error), ms },
    );
  }

  /** The last request weight each host reported, REST and WebSocket API alike. */
  usedWeight(): HostWeight[] {
    return [...this.#http.usedWeight(), ...this.#ws.usedWeight()];
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#clocks.settle();
    await this.#ws.close();
    await this.#http.close();
  }

  async #fetchRest(
    ctx: CallContext,
    spec: RestTransportSpec,
    params: Record<string, string>,
    req: PositionRequest,
  ): Promise<unknown> {
    const base = parseBase(ctx, req.endpoint ?? spec.defaultEndpoint, ['http:', 'https:']);
    const clock = this.#clocks.for(ctx, base, spec.time);
    return clock.retryOn1021(async () => {
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
        const details = { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) } as const;
        throw new SourceError(ctx, details, 'refused');
      }
      try {
        return readJson(answer.body, ctx.endpoint);
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        const details = { kind: 'malformed', httpStatus: 200 } as const;
        throw new SourceError(ctx, details, 'the response is not valid JSON', { cause: error });
      }
    });
  }
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

function asSourceError(req: PositionRequest, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const ctx: CallContext = { account: req.account, source: req.source, endpoint: 'fetch' };
  return new SourceError(ctx, { kind: 'network' }, `unexpected failure (${messageOf(error)})`, { cause: error });
}
