import type { AccountRead, RiskRead } from '#accounts/read-accounts.js';
import type { MarkTick, StreamGap, UserEvent } from '#binance/stream-events.js';
import { accountRuleSettings } from '#config/routes.js';
import type { AccountConfig } from '#config/schema.js';
import type { SourceId } from '#core/position.js';
import { messageOf } from '#shared/errors.js';
import type { CycleReport } from './reports.js';
import { type CheckDeps, runCycle } from './run-check.js';
import { heldSymbols, type Market, Marks, marketOf, readWithMarks, standing } from './tick-read.js';

/** How many of its last cycles a watcher keeps to show (`reports`). */
const KEPT_REPORTS = 100;

/** Between two reads of the account pages while watching. */
const WHOLE_READ_MS = 60_000;

/** A market stream as the watcher uses it (`MarketStream` in functions/binance). */
export interface MarkFeed {
  follow(symbols: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A user data stream as the watcher uses it (`UserStream` in functions/binance). */
export interface EventFeed {
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface StreamHandlers {
  onGap(gap: StreamGap): void;
  onError(message: string): void;
}

/** Opens the exchange's streams: the real ones in production, the simulator's locally, fakes in a test. */
export interface StreamFactory {
  market(market: Market, h: StreamHandlers & { onTick(tick: MarkTick): void }): MarkFeed;
  /** `null` where the account's source has no user data stream to open. */
  user(account: AccountConfig, source: SourceId, h: StreamHandlers & { onEvent(e: UserEvent): void }): EventFeed | null;
}

export interface WatchOptions {
  /**
   * Read every watched account's positions from the exchange again this often (the streams fill in
   * between); its account pages (margin numbers, ADL) once a minute. Default 10 s.
   */
  rereadMs?: number;
  /** Judge an account on ticks that change nothing at most this often (pace, hold-downs). Default 5 s. */
  beatMs?: number;
  /** Open each account's user data streams. Default true. */
  userStreams?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Second-level detection: the market streams' mark prices recompute each held leg's distance between
 * two reads of the exchange, and go through the same rules, store and queue as the scheduled check
 * (`runCycle` with the ticked reads); the user data streams make an account be read again at once
 * (positions changed, a liquidation, a margin call). A stream that breaks and comes back is a gap:
 * the accounts it spoke for are read again, so nothing missed stays unseen. Overlapping watchers and
 * checks tell a transition once: every cycle moves an account's state by a conditional write.
 */
export class Watcher {
  readonly #deps: CheckDeps & { streams: StreamFactory };
  readonly #opts: Required<Omit<WatchOptions, 'sleep'>> & Pick<WatchOptions, 'sleep'>;
  readonly #marks = new Marks();
  readonly #reads = new Map<string, AccountRead>();
  /** Each account's account pages as last read (a watcher's lighter reads skip them). */
  readonly #risks = new Map<string, RiskRead[]>();
  readonly #judged = new Map<string, { standing: string; at: number }>();
  readonly #markets = new Map<Market, MarkFeed>();
  readonly #users: EventFeed[] = [];
  /** One cycle at a time per account, and one more queued behind it at most. */
  readonly #busy = new Map<string, Promise<void>>();
  readonly #pending = new Map<string, 'read' | 'tick'>();
  readonly #reports: CycleReport[] = [];
  readonly #totals = { cycles: 0, deliveries: 0, failedSources: 0 };
  #closed = false;
  /** Resolved by `close()`: a run waiting for its next read stops waiting. */
  readonly #closing: { promise: Promise<void>; resolve: () => void } = closingSignal();
  #wholeReadAt: number | null = null;

  constructor(deps: CheckDeps & { streams: StreamFactory }, opts: WatchOptions = {}) {
    this.#deps = deps;
    this.#opts = { rereadMs: 10_000, beatMs: 5_000, userStreams: true, ...opts };
  }

  /** The last cycles of the watch (at most `KEPT_REPORTS`), in order: a watch that runs for days keeps no more. */
  reports(): readonly CycleReport[] {
    return this.#reports;
  }

  /** What the watch's cycles added up to, all of them. */
  totals(): { cycles: number; deliveries: number; failedSources: number } {
    return { ...this.#totals };
  }

  /**
   * Starts from the reads a check just made (the invocation's own cycle): the watcher follows what they
   * hold and does not read the account pages again before its next whole read is due.
   */
  seed(reads: readonly AccountRead[], at: number): void {
    for (const read of reads) {
      this.#reads.set(read.account.name, read);
      if (read.risks.length > 0) this.#risks.set(read.account.name, [...read.risks]);
    }
    this.#wholeReadAt = at;
  }

  /**
   * Watches until `until` (on `deps.now`): opens the user data streams, reads the accounts, follows the
   * symbols they hold, and reads them again every `rereadMs`; then closes every stream.
   */
  async run(until: number): Promise<void> {
    const sleep = this.#opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    try {
      await this.open();
      while (!this.#closed && this.#deps.now() < until) {
        const started = this.#deps.now();
        await this.refresh();
        const wait = Math.min(started + this.#opts.rereadMs, until) - this.#deps.now();
        if (wait > 0) await Promise.race([sleep(wait), this.#closing.promise]);
      }
    } finally {
      await this.close();
    }
  }

  /**
   * Reads the accounts (all, in one cycle with the day's digest, or those named) from the exchange,
   * judges them, and follows what they hold.
   */
  async refresh(names?: readonly string[]): Promise<void> {
    if (names === undefined) {
      await this.idle();
      // The account pages weigh more than the positions (Portfolio Margin's 20): once a minute is enough.
      const whole = this.#wholeReadAt === null || this.#deps.now() - this.#wholeReadAt >= WHOLE_READ_MS;
      this.#record(await runCycle(this.#deps, { risks: whole ? 'rules' : 'none' }), false);
      if (whole) this.#wholeReadAt = this.#deps.now();
    } else {
      await Promise.all(names.map((name) => this.#serially(name, 'read')));
    }
    await this.#follow();
  }

  /** A mark price: every account holding the symbol is judged on it, if it changes where a leg stands or a beat is due. */
  tick(tick: MarkTick): void {
    this.#marks.set(tick);
    for (const [name, read] of this.#reads) {
      const ticked = readWithMarks(read, this.#marks, this.#risks.get(name));
      if (ticked === null || !holds(read, tick)) continue;
      const now = this.#deps.now();
      const last = this.#judged.get(name);
      const where = standing(ticked, accountRuleSettings(this.#deps.config, name));
      if (last && last.standing === where && now - last.at < this.#opts.beatMs) continue;
      void this.#serially(name, 'tick');
    }
  }

  /** An account event: positions or balances changed, a leg was closed by the exchange, a margin call. */
  event(e: UserEvent): void {
    void this.#serially(e.account, 'read');
  }

  /** A stream broke and came back: what it spoke for is read again. */
  gap(gap: StreamGap): void {
    this.#deps.log.warn('stream gap: reading again', { account: gap.account, source: gap.source, reason: gap.reason });
    const names = gap.account === null ? [...this.#reads.keys()] : [gap.account];
    void this.refresh(names);
  }

  /** Resolves once no account has a cycle in flight or waiting. */
  async idle(): Promise<void> {
    while (this.#busy.size > 0) await Promise.all([...this.#busy.values()]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.resolve();
    await this.idle();
    await Promise.all([...this.#markets.values(), ...this.#users].map((f) => f.close()));
    this.#markets.clear();
    this.#users.length = 0;
  }

  /** Opens each account's user data streams (once per account and exchange family), unless told not to. */
  async open(): Promise<void> {
    if (!this.#opts.userStreams || this.#users.length > 0) return;
    for (const account of this.#deps.config.accounts) {
      // One stream per account and exchange family: usdm-ws is usdm's account, pm-cm is pm-um's.
      const families = new Map<string, SourceId>();
      for (const source of account.sources) {
        const family = source === 'usdm-ws' ? 'usdm' : source === 'pm-cm' ? 'pm-um' : source;
        if (!families.has(family)) families.set(family, source);
      }
      for (const source of families.values()) {
        const feed = this.#deps.streams.user(account, source, {
          onEvent: (e) => this.event(e),
          onGap: (g) => this.gap(g),
          onError: (m) => this.#deps.log.warn('user stream', { account: account.name, source, error: m }),
        });
        if (!feed) continue;
        this.#users.push(feed);
        try {
          await feed.start();
        } catch (error) {
          this.#deps.log.error('user stream not opened', { account: account.name, source, error: messageOf(error) });
        }
      }
    }
  }

  async #readAndJudge(name: string): Promise<void> {
    const report = await runCycle(this.#deps, { accounts: [name] });
    this.#record(report, false);
  }

  async #judgeTicked(name: string): Promise<void> {
    const read = this.#reads.get(name);
    const ticked = read && readWithMarks(read, this.#marks, this.#risks.get(name));
    if (!ticked) return;
    this.#record(await runCycle(this.#deps, { reads: [ticked] }), true);
  }

  #record(report: CycleReport, ticked: boolean): void {
    this.#reports.push(report);
    if (this.#reports.length > KEPT_REPORTS) this.#reports.shift();
    this.#totals.cycles += 1;
    this.#totals.deliveries += report.deliveries.length;
    this.#totals.failedSources += report.accounts.flatMap((a) => a.sources.filter((s) => !s.ok)).length;
    for (const read of report.reads) {
      const name = read.account.name;
      // A read of the exchange replaces the last one; a ticked one only says where the legs stood.
      if (!ticked) this.#reads.set(name, read);
      if (!ticked && read.risks.length > 0) this.#risks.set(name, [...read.risks]);
      // Where it stands as judged: the ticked read itself, or the new read with the account pages last read.
      const judged = ticked ? read : { ...read, risks: this.#risks.get(name) ?? [] };
      const where = standing(judged, accountRuleSettings(this.#deps.config, name));
      this.#judged.set(name, { standing: where, at: report.at });
    }
  }

  async #follow(): Promise<void> {
    if (this.#closed) return;
    const held = heldSymbols([...this.#reads.values()]);
    for (const market of ['usdm', 'coinm'] as const) {
      let feed = this.#markets.get(market);
      if (!feed && held[market].length === 0) continue;
      feed ??= this.#deps.streams.market(market, {
        onTick: (t) => this.tick(t),
        onGap: (g) => this.gap(g),
        onError: (m) => this.#deps.log.warn('market stream', { market, error: m }),
      });
      this.#markets.set(market, feed);
      try {
        await feed.follow(held[market]);
      } catch (error) {
        this.#deps.log.error('market stream not followed', { market, error: messageOf(error) });
      }
    }
  }

  /**
   * Runs the account's next cycle after the one in flight, coalescing: at most one waits behind it, a
   * read of the exchange if any of those asked for was one (it judges the latest ticks too).
   */
  #serially(name: string, kind: 'read' | 'tick'): Promise<void> {
    const running = this.#busy.get(name);
    if (running) {
      if (kind === 'read' || !this.#pending.has(name)) this.#pending.set(name, kind);
      return running;
    }
    const run = (async () => {
      let next: 'read' | 'tick' | undefined = kind;
      while (next !== undefined && !this.#closed) {
        try {
          await (next === 'read' ? this.#readAndJudge(name) : this.#judgeTicked(name));
        } catch (error) {
          this.#deps.log.error('watch cycle failed', { account: name, error: messageOf(error) });
        }
        next = this.#pending.get(name);
        this.#pending.delete(name);
      }
    })().finally(() => this.#busy.delete(name));
    this.#busy.set(name, run);
    return run;
  }
}

function closingSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Whether a read holds an open leg priced by the tick. */
function holds(read: AccountRead, tick: MarkTick): boolean {
  return read.outcomes.some(
    (o) =>
      o.ok &&
      o.positions.some((p) => p.symbol === tick.symbol && p.positionAmt !== 0 && marketOf(p.source) === tick.market),
  );
}
