/** The hosts that count request weight apart: USDⓈ-M (with its WebSocket API), COIN-M, Portfolio Margin. */
export type HostFamily = 'fapi' | 'dapi' | 'papi';

export interface WeightReading {
  /** Weight used in the current minute, this request included. */
  used: number;
  /** Whether the request went past the limit. */
  over: boolean;
  /** Seconds until the minute ends (the `Retry-After` of a 429). */
  retryAfterSec: number;
}

/**
 * Request weight per host family over the current calendar minute of the server's clock, as the
 * exchange counts it and reports it in `X-MBX-USED-WEIGHT-1M`. Every request counts, refused ones too.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info (IP limits)
 */
export class WeightMeter {
  readonly limit: number;
  readonly #used = new Map<HostFamily, { minute: number; used: number }>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Adds a request's weight at server time `now` and says where the family stands. */
  add(family: HostFamily, weight: number, now: number): WeightReading {
    const minute = Math.floor(now / 60_000);
    const entry = this.#current(family, minute);
    entry.used += weight;
    return {
      used: entry.used,
      over: entry.used > this.limit,
      retryAfterSec: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)),
    };
  }

  /** Weight used in the current minute, without adding any. */
  used(family: HostFamily, now: number): number {
    return this.#current(family, Math.floor(now / 60_000)).used;
  }

  #current(family: HostFamily, minute: number) {
    let entry = this.#used.get(family);
    if (!entry || entry.minute !== minute) {
      entry = { minute, used: 0 };
      this.#used.set(family, entry);
    }
    return entry;
  }
}
