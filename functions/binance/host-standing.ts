import { type CallContext, IpBannedError, RateLimitError } from './errors.js';

/** What one host told us of its request weight (`X-MBX-USED-WEIGHT-1M`, or a WebSocket reply's rateLimits). */
export interface HostWeight {
  host: string;
  usedWeight1m: number;
  at: number;
}

/** The exchange's `{"code":-2015,"msg":"…"}`, as read from an answer that holds one. */
export interface ExchangeError {
  exchangeCode?: number;
  exchangeMessage?: string;
}

/** Retry-After is in seconds; a missing one means a minute, the exchange's weight window. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/** What an answer says of the host, on either channel (REST headers or a WebSocket API reply). */
export interface HostAnswer {
  status: number;
  /** The request weight of the last minute, where the answer reports it. */
  usedWeight1m: number | undefined;
  /**
   * Read only for a 429 or 418: the exchange's error, and how long the host asked us to wait, where it
   * said (`Retry-After`, `retryAfter`, a ban's end).
   */
  refusal: () => { exchange: ExchangeError; waitMs: number | undefined };
}

/**
 * A host's standing: its last reported weight, and the time before which it must not be called
 * after a 429 or 418. Shared by the REST transport and the WebSocket API client.
 */
export class HostStanding {
  weight: HostWeight | undefined;
  #blockedUntil = 0;
  #blockedBy: RateLimitError | undefined;
  readonly #now: () => number;

  constructor(
    readonly host: string,
    now: () => number,
  ) {
    this.#now = now;
  }

  /** Throws without calling the host while it is inside a Retry-After. */
  assertCallable(ctx: CallContext): void {
    const by = this.#blockedBy;
    if (!by || this.#now() >= this.#blockedUntil) return;
    const Kind = by instanceof IpBannedError ? IpBannedError : RateLimitError;
    const seconds = Math.ceil((this.#blockedUntil - this.#now()) / 1000);
    throw new Kind(
      ctx,
      { kind: by.kind, httpStatus: by.httpStatus, exchangeCode: by.exchangeCode },
      `not called: the host asked us to wait ${seconds} s more`,
      this.#blockedUntil,
    );
  }

  /**
   * Notes the weight an answer reports. A 429 or 418 blocks the host for the wait it asked (a minute
   * when it did not say) and is thrown as a `RateLimitError` or `IpBannedError`.
   */
  heed(ctx: CallContext, answer: HostAnswer): void {
    if (answer.usedWeight1m !== undefined) {
      this.weight = { host: this.host, usedWeight1m: answer.usedWeight1m, at: this.#now() };
    }
    if (answer.status !== 429 && answer.status !== 418) return;
    const { exchange, waitMs } = answer.refusal();
    throw this.#block(ctx, answer.status, exchange, waitMs ?? DEFAULT_RETRY_AFTER_MS);
  }

  #block(ctx: CallContext, status: 429 | 418, exchange: ExchangeError, waitMs: number): RateLimitError {
    const retryAt = this.#now() + waitMs;
    const banned = status === 418;
    const details = { kind: banned ? 'banned' : 'rate-limited', httpStatus: status, ...exchange } as const;
    const error = banned
      ? new IpBannedError(ctx, details, `IP banned for ${Math.ceil(waitMs / 1000)} s`, retryAt)
      : new RateLimitError(ctx, details, `rate limited for ${Math.ceil(waitMs / 1000)} s`, retryAt);
    if (retryAt >= this.#blockedUntil) {
      this.#blockedUntil = retryAt;
      this.#blockedBy = error;
    }
    return error;
  }
}

/** The time left until `epochMs` (a `retryAfter`, a ban's end), where it is a time at all. */
export function msUntil(epochMs: number, now: number): number | undefined {
  return Number.isFinite(epochMs) && epochMs > 0 ? Math.max(0, epochMs - now) : undefined;
}
