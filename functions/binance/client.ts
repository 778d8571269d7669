import type { ForceOrder } from '#core/force-order.js';
import type { Position, SourceId } from '#core/position.js';
import { messageOf } from '#shared/errors.js';
import { type RiskRequest, type RiskResult, readRisks, riskContextOf } from './account-risk.js';
import { HostClocks } from './clock-probes.js';
import { Cycle } from './cycle.js';
import { type CallContext, SourceError } from './errors.js';
import { settleEach } from './fan-out.js';
import { type ForceOrderRequest, readForceOrders } from './force-orders.js';
import { type HostBan, type HostWeight, readBans } from './host-standing.js';
import { contextOf, type PositionRequest, serverParams } from './requests.js';
import { type HttpOptions, HttpTransport } from './rest.js';
import { RestSignedCalls } from './rest-signed-calls.js';
import { ResponseShapeError, sources } from './sources/index.js';
import { WsSignedCalls } from './ws-signed-calls.js';

export type { RiskRequest, RiskResult } from './account-risk.js';
export type { ForceOrderRequest } from './force-orders.js';
export type { HostBan, HostWeight } from './host-standing.js';
export { wsTimeEndpoint } from './hosts.js';
export type { PositionRequest } from './requests.js';
export { DEFAULT_MAX_RESPONSE_BYTES } from './rest.js';

export interface BinanceClientOptions extends HttpOptions {
  /** Sent with every signed request; the exchange's default (5000 ms) applies when absent. */
  recvWindow?: number;
  /** An idle WebSocket API connection closes after this long. Default 30 s. */
  wsIdleMs?: number;
}

/** How `fetchAll` runs one cycle of reads. */
export interface FetchAllOptions {
  /** Calls in flight at once. Default 16. */
  concurrency?: number;
  /**
   * Local ms (on the client's `now` clock) by which every request is settled: no call or retry starts
   * after it, each attempt is cut to end by it, and calls still running or queued then settle at once
   * as a `deadline` failure. Give it the time the caller must keep to save what was read.
   */
  deadline?: number | undefined;
}

export type SourceResult =
  | { ok: true; account: string; source: SourceId; positions: Position[]; ms: number }
  | { ok: false; account: string; source: SourceId; error: SourceError; ms: number };

/** What one request of a cycle gave: `V` on success, the `SourceError` otherwise. */
type CycleResult<V> =
  | ({ ok: true; account: string; source: SourceId } & V & { ms: number })
  | { ok: false; account: string; source: SourceId; error: SourceError; ms: number };

/**
 * The exchange, as liqwatch reads it: the five position sources over one REST transport (a keep-alive
 * pool per host) and one WebSocket API connection per URL, with a server clock per exchange host.
 * Create one per process or Lambda container and reuse it; `close()` leaves no socket open.
 */
export class BinanceClient {
  readonly #http: HttpTransport;
  readonly #clocks: HostClocks;
  readonly #rest: RestSignedCalls;
  readonly #ws: WsSignedCalls;
  readonly #now: () => number;

  constructor(opts: BinanceClientOptions = {}) {
    this.#http = new HttpTransport(opts);
    this.#now = opts.now ?? Date.now;
    this.#clocks = new HostClocks(this.#http, this.#now);
    this.#rest = new RestSignedCalls(this.#http, this.#clocks, { recvWindow: opts.recvWindow });
    this.#ws = new WsSignedCalls(this.#http, this.#clocks, {
      recvWindow: opts.recvWindow,
      idleMs: opts.wsIdleMs ?? 30_000,
      now: this.#now,
    });
  }

  /**
   * The open and flat legs the source reports for the account, normalised. Throws a `SourceError`
   * naming the account, source and endpoint for every failure.
   */
  fetchPositions(req: PositionRequest): Promise<Position[]> {
    return this.#fetch(req, Cycle.single(this.#now, req.deadline));
  }

  /**
   * The account's liquidations and auto-deleverages on the source, normalised: the source's force-order
   * page (`usdm-ws`: USDⓈ-M REST's), signed and called like its positions. Throws a `SourceError`
   * naming the account, source and endpoint for every failure.
   */
  fetchForceOrders(req: ForceOrderRequest): Promise<ForceOrder[]> {
    return readForceOrders(this.#rest, Cycle.single(this.#now, req.deadline), req);
  }

  async #fetch(req: PositionRequest, cycle: Cycle): Promise<Position[]> {
    const source = sources[req.source];
    const { transport } = source;
    const ctx = contextOf(req);
    cycle.assertBeforeDeadline(ctx);
    const params = serverParams(ctx, source, req.filter ?? {});
    const body =
      transport.kind === 'rest'
        ? await this.#rest.call(
            ctx,
            { endpoint: req.endpoint ?? transport.defaultEndpoint, spec: transport, params, signer: req.signer },
            cycle,
          )
        : await this.#ws.call(
            ctx,
            {
              url: req.endpoint ?? transport.defaultEndpoint,
              timeEndpoint: req.timeEndpoint,
              time: transport.time,
              method: transport.method,
              params,
              signer: req.signer,
            },
            cycle,
          );
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
   * One cycle: every request, at most `concurrency` in flight, each settled on its own (one failure
   * never stops the others), all by `deadline` when one is given. A host that gives no answer within
   * the attempt timeout is not called again in the cycle: its other requests fail at once as
   * `timeout`, "not called: <host> did not answer in this cycle", and are not retried.
   */
  fetchAll(requests: readonly PositionRequest[], opts: FetchAllOptions = {}): Promise<SourceResult[]> {
    const read = (req: PositionRequest, cycle: Cycle) => this.#fetch(req, cycle);
    return this.#settleCycle(requests, read, contextOf, opts, (positions) => ({ positions }));
  }

  /**
   * One cycle of account-risk reads (`RiskRequest`: the account page, the ADL quantile page or both),
   * run exactly as `fetchAll` runs positions: the same concurrency, deadline, hanging hosts, clocks,
   * bans and retries, each request settled on its own.
   */
  fetchRisks(requests: readonly RiskRequest[], opts: FetchAllOptions = {}): Promise<RiskResult[]> {
    const read = (req: RiskRequest, cycle: Cycle) => readRisks({ rest: this.#rest, ws: this.#ws }, cycle, req);
    return this.#settleCycle(requests, read, riskContextOf, opts, (risk) => risk);
  }

  /** Runs `read` on every request in one shared cycle (see `fetchAll`); `ok` shapes what a success gave. */
  async #settleCycle<Req extends PositionRequest | RiskRequest, R, V>(
    requests: readonly Req[],
    read: (req: Req, cycle: Cycle) => Promise<R>,
    contextOfReq: (req: Req) => CallContext,
    opts: FetchAllOptions,
    ok: (value: R) => V,
  ): Promise<CycleResult<V>[]> {
    const cycle = Cycle.shared(this.#now, opts.deadline);
    const settled = await settleEach(requests, (req) => read(req, cycle.narrowedTo(req.deadline)), {
      concurrency: opts.concurrency ?? 16,
      now: this.#now,
      deadline: opts.deadline,
      late: (req, started) =>
        new SourceError(
          contextOfReq(req),
          { kind: 'deadline' },
          started ? "no answer before the cycle's deadline" : "not called: the cycle's deadline has passed",
        ),
    });
    return settled.map(({ item: { account, source }, item, ms, ...outcome }) =>
      outcome.ok
        ? { ok: true, account, source, ...ok(outcome.value), ms }
        : { ok: false, account, source, error: asSourceError(contextOfReq(item), outcome.error), ms },
    );
  }

  /** The last request weight each host reported, REST and WebSocket API alike. */
  usedWeight(): HostWeight[] {
    return [...this.#http.usedWeight(), ...this.#ws.usedWeight()];
  }

  /**
   * The 429 and 418 blocks in force now, REST and WebSocket API hosts alike, each until the local ms
   * the host asked us to wait for. Keep them where the next run can read them (`restoreBans`).
   */
  bans(): HostBan[] {
    return [...this.#http.bans(), ...this.#ws.bans()];
  }

  /**
   * Blocks hosts as an earlier run was told to: a restored host is not called before `until`, its calls
   * failing at once with `IpBannedError` (418) or `RateLimitError` (429), "not called: the host asked us
   * to wait N s more". Bans already over are ignored; a longer block the client knows is kept. Throws a
   * `TypeError` naming the first ban it cannot use (a host that is not an origin, a status other than
   * 418 or 429, an `until` that is not a time), before restoring any.
   */
  restoreBans(bans: readonly HostBan[]): void {
    for (const { channel, ...ban } of readBans(bans)) {
      if (ban.until <= this.#now()) continue;
      if (channel === 'ws') this.#ws.restoreBan(ban);
      else this.#http.restoreBan(ban);
    }
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.#clocks.settle();
    await this.#ws.close();
    await this.#http.close();
  }
}

function asSourceError(ctx: CallContext, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  return new SourceError(ctx, { kind: 'network' }, `unexpected failure (${messageOf(error)})`, {
    cause: error,
  });
}
