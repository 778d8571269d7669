import { Pool, errors as undiciErrors } from 'undici';
import { z } from 'zod';
import { codeOf, messageOf } from '#shared/errors.js';
import { ParseError, parseJsonWith } from '#shared/parse.js';
import { type CallContext, SourceError } from './errors.js';
import { type ExchangeError, HostStanding, type HostWeight, msUntil } from './host-standing.js';
import { retryTransient } from './retry.js';

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
  now?: () => number;
}

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
  readonly #now: () => number;

  constructor(opts: HttpOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    this.#retries = opts.retries ?? 2;
    this.#backoffMs = opts.backoffMs ?? 200;
    this.#connections = opts.connectionsPerHost ?? 10;
    this.#keepAliveMs = opts.keepAliveTimeoutMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** The retry rules of this transport, for callers that retry on another channel (the WebSocket API). */
  retryPolicy(deadline?: number) {
    return {
      retries: this.#retries,
      backoffMs: this.#backoffMs,
      attemptMs: this.#timeoutMs,
      deadline,
      now: this.#now,
    };
  }

  /**
   * One GET, retried as far as the rules allow. Answers 2xx and 4xx other than 429 and 418 to the
   * caller; throws a `SourceError` for the rest. `target` is `path?query`: it holds the signature and
   * appears in no message.
   */
  get(
    ctx: CallContext,
    origin: string,
    target: string,
    headers: Record<string, string>,
    deadline?: number,
  ): Promise<HttpAnswer> {
    const host = this.#host(origin);
    return retryTransient(async () => {
      host.standing.assertCallable(ctx);
      let answer: HttpAnswer;
      try {
        const res = await host.pool.request({
          method: 'GET',
          path: target,
          headers,
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        answer = { status: res.statusCode, headers: res.headers, body: await res.body.text() };
      } catch (error) {
        throw networkError(ctx, error, this.#timeoutMs);
      }
      const weight = Number(firstHeader(answer.headers['x-mbx-used-weight-1m']));
      host.standing.heed(ctx, {
        status: answer.status,
        usedWeight1m: Number.isFinite(weight) ? weight : undefined,
        refusal: () => {
          const exchange = readExchangeError(answer.body);
          return { exchange, waitMs: retryAfterMs(answer) ?? banEndFromMessage(exchange.exchangeMessage) };
        },
      });
      if (answer.status >= 500) {
        const details = { kind: 'exchange', httpStatus: answer.status, ...readExchangeError(answer.body) } as const;
        throw new SourceError(ctx, details, 'server error');
      }
      return answer;
    }, this.retryPolicy(deadline));
  }

  /** The last weight each host reported. */
  usedWeight(): HostWeight[] {
    return [...this.#hosts.values()].flatMap((h) => (h.standing.weight ? [h.standing.weight] : []));
  }

  /** Closes every pool; requests in flight finish first. */
  async close(): Promise<void> {
    const pools = [...this.#hosts.values()].map((h) => h.pool.close());
    this.#hosts.clear();
    await Promise.all(pools);
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
        }),
        standing: new HostStanding(origin, this.#now),
      };
      this.#hosts.set(origin, host);
    }
    return host;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `Retry-After` in ms, where the answer has a usable one. */
function retryAfterMs(answer: HttpAnswer): number | undefined {
  const header = Number(firstHeader(answer.headers['retry-after']));
  if (answer.headers['retry-after'] !== undefined && Number.isFinite(header) && header >= 0) return header * 1000;
  return undefined;
}

/** A 418 says "IP banned until <ms>" in its message; the time left, where it does. */
export function banEndFromMessage(message: string | undefined, now = Date.now()): number | undefined {
  const until = message?.match(/banned until (\d{13})/)?.[1];
  return until ? msUntil(Number(until), now) : undefined;
}

/** An error answer's body; a `msg` that is not a string is left out rather than failing the code. */
const ExchangeErrorSchema = z.object({ code: z.number(), msg: z.string().optional().catch(undefined) });

/** `{"code":-2015,"msg":"…"}` where the body holds one; nothing otherwise. */
export function readExchangeError(body: string): ExchangeError {
  try {
    const { code, msg } = parseJsonWith(ExchangeErrorSchema, body, 'error answer');
    return { exchangeCode: code, ...(msg === undefined ? {} : { exchangeMessage: msg }) };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    // Not JSON (an HTML error page from a gateway, say), or no code: the status says enough.
    return {};
  }
}

function networkError(ctx: CallContext, error: unknown, timeoutMs: number): SourceError {
  const name = error instanceof Error ? error.name : '';
  if (
    name === 'TimeoutError' ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new SourceError(ctx, { kind: 'timeout' }, `no answer within ${timeoutMs} ms`);
  }
  const reason = codeOf(error) ?? messageOf(error);
  // undici's network errors carry no request target, so the cause is safe to keep for debugging.
  return new SourceError(ctx, { kind: 'network' }, `network error (${reason})`, { cause: error });
}
