import { Pool, errors as undiciErrors } from 'undici';
import { codeOf, messageOf } from '#shared/errors.js';
import { type AttemptBudget, Cycle } from './cycle.js';
import { type CallContext, SourceError, tooLargeError } from './errors.js';
import { banEndFromMessage, firstHeader, readExchangeError, retryAfterMs } from './exchange-answer.js';
import { type HostBan, HostStanding, type HostWeight } from './host-standing.js';
import { type RetryPolicy, retryTransient } from './retry.js';

export { readExchangeError } from './exchange-answer.js';
export type { HostWeight } from './host-standing.js';

/** How the transport treats every host. */
export interface HttpOptions {
  /** Time for one attempt, connect to last byte. Default 5000 ms. */
  timeoutMs?: number;
  /** Further attempts after a network fault, a timeout or a 5xx. Default 2. */
  retries?: number;
  /** First backoff; doubles on each retry, with jitter. Default 200 ms. */
  backoffMs?: number;
  /** Connections kept per host. Default 10. */
  connectionsPerHost?: number;
  /** How long an idle connection is kept for reuse. Default 30 s. */
  keepAliveTimeoutMs?: number;
  /** The largest answer read, REST body or WebSocket API message. Default `DEFAULT_MAX_RESPONSE_BYTES`. */
  maxResponseBytes?: number;
  now?: () => number;
}

/**
 * 16 MiB: no real account's answer comes near it. The largest, positionRisk of an account holding
 * every symbol in hedge mode, is about 300 symbols × 2 legs × 800 bytes ≈ 0.5 MB. Parsing takes a
 * few times the body's size, so a 200 MiB answer read whole (0.9 GiB at its peak) would end a 512 MB
 * function; stopping at 16 MiB keeps a runaway answer to a few tens of MB.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * HTTP to the exchange's REST hosts, on undici with one keep-alive pool per host. It times out every
 * attempt, retries network faults and 5xx with backoff, honours `Retry-After` on 429 and 418 (after
 * which that host is not called until the time passes) and tracks `X-MBX-USED-WEIGHT-1M` per host.
 *
 * General info: https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */
export class HttpTransport {
  readonly #hosts = new Map<string, { pool: Pool; standing: HostStanding }>();
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #connections: number;
  readonly #keepAliveMs: number;
  readonly #maxResponseBytes: number;
  readonly #now: () => number;

  constructor(opts: HttpOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#retries = opts.retries ?? 2;
    this.#backoffMs = opts.backoffMs ?? 200;
    this.#connections = opts.connectionsPerHost ?? 10;
    this.#keepAliveMs = opts.keepAliveTimeoutMs ?? 30_000;
    this.#maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#now = opts.now ?? Date.now;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  get maxResponseBytes(): number {
    return this.#maxResponseBytes;
  }

  /**
   * The retry rules of this transport for calls to `host` in `cycle`, also for callers that retry on
   * another channel (the WebSocket API).
   */
  retryPolicy(cycle: Cycle, host: string): RetryPolicy {
    return {
      retries: this.#retries,
      backoffMs: this.#backoffMs,
      attemptMs: this.#timeoutMs,
      deadline: cycle.deadline,
      now: this.#now,
      mayRetry: () => cycle.mayRetry(host),
    };
  }

  /**
   * One GET, retried as far as the rules allow. Answers 2xx and 4xx other than 429 and 418 to the
   * caller; throws a `SourceError` for the rest. `target` is `path?query`: it holds the signature and
   * appears in no message. In a `cycle`, each attempt ends by its deadline and a host that did not
   * answer is not called again.
   */
  get(
    ctx: CallContext,
    origin: string,
    target: string,
    headers: Record<string, string>,
    cycle: Cycle = Cycle.single(this.#now),
  ): Promise<HttpAnswer> {
    return this.request('GET', ctx, origin, target, headers, cycle);
  }

  /**
   * `get` with another method, under the same rules: the listen-key calls (`POST`, `PUT`, `DELETE`),
   * which the exchange makes idempotent, so a retry after a network fault is safe.
   */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    ctx: CallContext,
    origin: string,
    target: string,
    headers: Record<string, string>,
    cycle: Cycle = Cycle.single(this.#now),
  ): Promise<HttpAnswer> {
    const host = this.#host(origin);
    return retryTransient(
      async () => {
        host.standing.assertCallable(ctx);
        const budget = cycle.attempt(ctx, origin, this.#timeoutMs);
        let answer: HttpAnswer;
        try {
          const res = await host.pool.request({
            method,
            path: target,
            headers,
            signal: AbortSignal.timeout(budget.ms),
          });
          answer = { status: res.statusCode, headers: res.headers, body: await res.body.text() };
        } catch (error) {
          throw this.#failure(ctx, error, cycle, origin, budget);
        }
        const weight = Number(firstHeader(answer.headers['x-mbx-used-weight-1m']));
        host.standing.heed(ctx, {
          status: answer.status,
          usedWeight1m: Number.isFinite(weight) ? weight : undefined,
          refusal: () => {
            const exchange = readExchangeError(answer.body);
            return {
              exchange,
              waitMs: retryAfterMs(answer) ?? banEndFromMessage(exchange.exchangeMessage, this.#now()),
            };
          },
        });
        if (answer.status >= 500) {
          const details = { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) } as const;
          throw new SourceError(ctx, details, 'server error');
        }
        return answer;
      },
      this.retryPolicy(cycle, origin),
    );
  }

  /** The last weight each host reported. */
  usedWeight(): HostWeight[] {
    return [...this.#hosts.values()].flatMap((h) => (h.standing.weight ? [h.standing.weight] : []));
  }

  /** The 429 and 418 blocks in force, per host. */
  bans(): HostBan[] {
    return [...this.#hosts.values()].flatMap((h) => h.standing.ban() ?? []);
  }

  /** Blocks `ban.host` (an origin) until `ban.until`, as if it had just said so. */
  restoreBan(ban: HostBan): void {
    this.#host(ban.host).standing.restore(ban);
  }

  /** Closes every pool; requests in flight finish first. */
  async close(): Promise<void> {
    const pools = [...this.#hosts.values()].map((h) => h.pool.close());
    this.#hosts.clear();
    await Promise.all(pools);
  }

  #failure(ctx: CallContext, error: unknown, cycle: Cycle, origin: string, budget: AttemptBudget): SourceError {
    if (error instanceof undiciErrors.ResponseExceededMaxSizeError) return tooLargeError(ctx, this.#maxResponseBytes);
    const name = error instanceof Error ? error.name : '';
    if (
      name === 'TimeoutError' ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError ||
      error instanceof undiciErrors.ConnectTimeoutError
    ) {
      return cycle.timedOut(ctx, origin, budget, `no answer within ${budget.ms} ms`);
    }
    const reason = codeOf(error) ?? messageOf(error);
    // undici's network errors carry no request target, so the cause is safe to keep for debugging.
    return new SourceError(ctx, { kind: 'network' }, `network error (${reason})`, { cause: error });
  }

  #host(origin: string) {
    let host = this.#hosts.get(origin);
    if (!host) {
      host = {
        pool: new Pool(origin, {
          connections: this.#connections,
          keepAliveTimeout: this.#keepAliveMs,
          keepAliveMaxTimeout: Math.max(this.#keepAliveMs, 1_000),
          connectTimeout: this.#timeoutMs,
          // undici stops reading past it and fails the request (ResponseExceededMaxSizeError).
          maxResponseSize: this.#maxResponseBytes,
        }),
        standing: new HostStanding(origin, this.#now),
      };
      this.#hosts.set(origin, host);
    }
    return host;
  }
}
