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
 * A host's 429 or 418 block in force: the host (an `http(s)` or `ws(s)` origin) is not called before
 * `until` (local ms). Kept across runs by the caller: `Retry-After` outlives the process that heard it.
 */
export interface HostBan {
  host: string;
  until: number;
  status: 418 | 429;
}

interface Block {
  until: number;
  status: 418 | 429;
  /** The exchange's code, when the block was heard from it rather than restored. */
  exchangeCode: number | undefined;
}

/**
 * A host's standing: its last reported weight, and the time before which it must not be called
 * after a 429 or 418. Shared by the REST transport and the WebSocket API client.
 */
export class HostStanding {
  weight: HostWeight | undefined;
  #block: Block | undefined;
  readonly #now: () => number;

  constructor(
    readonly host: string,
    now: () => number,
  ) {
    this.#now = now;
  }

  /** Throws without calling the host while it is inside a Retry-After. */
  assertCallable(ctx: CallContext): void {
    const block = this.#block;
    if (!block || this.#now() >= block.until) return;
    const Kind = block.status === 418 ? IpBannedError : RateLimitError;
    const seconds = Math.ceil((block.until - this.#now()) / 1000);
    throw new Kind(
      ctx,
      { kind: kindOf(block.status), httpStatus: block.status, exchangeCode: block.exchangeCode },
      `not called: the host asked us to wait ${seconds} s more`,
      block.until,
    );
  }

  /** The block in force now, if any. */
  ban(): HostBan | undefined {
    const block = this.#block;
    return block && this.#now() < block.until
      ? { host: this.host, until: block.until, status: block.status }
      : undefined;
  }

  /** Blocks the host until `ban.until`, unless it is already blocked for longer. */
  restore(ban: Omit<HostBan, 'host'>): void {
    this.#extend({ until: ban.until, status: ban.status, exchangeCode: undefined });
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
    throw this.#blockFor(ctx, answer.status, exchange, waitMs ?? DEFAULT_RETRY_AFTER_MS);
  }

  #blockFor(ctx: CallContext, status: 429 | 418, exchange: ExchangeError, waitMs: number): RateLimitError {
    const retryAt = this.#now() + waitMs;
    const details = { kind: kindOf(status), httpStatus: status, ...exchange } as const;
    const error =
      status === 418
        ? new IpBannedError(ctx, details, `IP banned for ${Math.ceil(waitMs / 1000)} s`, retryAt)
        : new RateLimitError(ctx, details, `rate limited for ${Math.ceil(waitMs / 1000)} s`, retryAt);
    this.#extend({ until: retryAt, status, exchangeCode: exchange.exchangeCode });
    return error;
  }

  #extend(block: Block): void {
    if (block.until >= (this.#block?.until ?? 0)) this.#block = block;
  }
}

function kindOf(status: 418 | 429) {
  return status === 418 ? ('banned' as const) : ('rate-limited' as const);
}

/** The time left until `epochMs` (a `retryAfter`, a ban's end), where it is a time at all. */
export function msUntil(epochMs: number, now: number): number | undefined {
  return Number.isFinite(epochMs) && epochMs > 0 ? Math.max(0, epochMs - now) : undefined;
}

/**
 * Checks bans handed back from storage, naming the first that cannot be used (`bans[1].status must be
 * 418 or 429, got 500`). Each host becomes its origin; `channel` tells the REST and WebSocket API hosts
 * apart.
 */
export function readBans(bans: readonly HostBan[]): (HostBan & { channel: 'rest' | 'ws' })[] {
  return bans.map((ban, i) => {
    let url: URL | undefined;
    try {
      url = new URL(ban.host);
    } catch {
      url = undefined;
    }
    const channel = url?.protocol.startsWith('ws') ? 'ws' : 'rest';
    if (!url || !['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new TypeError(`bans[${i}].host ${JSON.stringify(ban.host)} is not an http(s) or ws(s) origin`);
    }
    if (!Number.isFinite(ban.until)) throw new TypeError(`bans[${i}].until must be a time in ms, got ${ban.until}`);
    if (ban.status !== 418 && ban.status !== 429) {
      throw new TypeError(`bans[${i}].status must be 418 or 429, got ${String(ban.status)}`);
    }
    return { host: url.origin, until: ban.until, status: ban.status, channel };
  });
}
