import { SourceError } from './errors.js';

/** Reads the exchange's time once; returns the server's time and the local time it applies to. */
export type ServerTimeProbe = () => Promise<{ serverTime: number; localTime: number }>;

/**
 * The exchange's clock as seen from here. A signed request is refused with -1021 when its timestamp is
 * more than 1000 ms ahead of the server's time or older than `recvWindow`, so a drifting local clock
 * would silence every source. The offset is learned from the exchange without delaying the first call
 * (the local clock is right almost always), and learned again whenever the exchange answers -1021.
 */
export class ServerClock {
  #offsetMs = 0;
  #syncedAt: number | undefined;
  #sync: Promise<void> | undefined;
  readonly #probe: ServerTimeProbe;
  readonly #now: () => number;
  readonly #refreshMs: number;

  constructor(probe: ServerTimeProbe, opts: { now?: () => number; refreshMs?: number } = {}) {
    this.#probe = probe;
    this.#now = opts.now ?? Date.now;
    this.#refreshMs = opts.refreshMs ?? 15 * 60_000;
  }

  /** Server time minus local time, as last learned; 0 until then. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** When the offset was last learned (local ms), if ever. */
  get syncedAt(): number | undefined {
    return this.#syncedAt;
  }

  /**
   * The timestamp for a request now. Starts a background sync when the offset was never learned or is
   * stale; it never waits for one.
   */
  timestamp(): number {
    const now = this.#now();
    if (this.#sync === undefined && (this.#syncedAt === undefined || now - this.#syncedAt > this.#refreshMs)) {
      // A failed background sync is not an error of this request: the local clock is used until a -1021.
      this.resync().catch(() => {});
    }
    return Math.round(now + this.#offsetMs);
  }

  /** Learns the offset now; concurrent callers share one probe. */
  resync(): Promise<void> {
    this.#sync ??= this.#probe()
      .then(({ serverTime, localTime }) => {
        this.#offsetMs = serverTime - localTime;
        this.#syncedAt = this.#now();
      })
      .finally(() => {
        this.#sync = undefined;
      });
    return this.#sync;
  }

  /**
   * Runs a signed call; when the exchange answers -1021 (timestamp outside its window), learns the
   * server time again, unless it was learned since this call was signed, and tries once more.
   */
  async retryOn1021<T>(call: () => Promise<T>): Promise<T> {
    const signedAt = this.#now();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof SourceError) || error.exchangeCode !== -1021) throw error;
      if ((this.#syncedAt ?? -1) < signedAt) {
        try {
          await this.resync();
        } catch {
          throw error;
        }
      }
      return call();
    }
  }

  /** Resolves when no sync is in flight (used before closing connections). */
  async settle(): Promise<void> {
    await this.#sync?.catch(() => {});
  }
}
