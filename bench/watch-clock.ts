import { setImmediate as turn } from 'node:timers/promises';
import type { StreamTimers } from '#binance/user-stream-socket.js';

/** Something due at a market time: a sleeper's end, a stream's timer. */
interface Due {
  at: number;
  real: NodeJS.Timeout | undefined;
  fire(): void;
}

/**
 * Market time for a replay that skips what nobody is waiting for. While anything is in flight (an
 * exchange read, a store write, a message on its way to Telegram, a check's work) it runs at the speed of
 * the wall clock; once everything waits on it (a watcher's next read, the next tick, the next scheduled
 * check) it jumps to the next of those. So a latency measured on it is the latency real time would give,
 * waits included, and a replay takes only as long as its work. Only what goes through `track`, `tracked`
 * and `note` counts as work: every port of the chain (exchange, store, keys, queue, streams) is wrapped.
 */
export class SkipClock {
  #base: number;
  #wallAt = performance.now();
  #active = 0;
  /** Moves on whenever work starts, ends or a stream frame arrives: a quiet clock has seen none for a while. */
  #epoch = 0;
  readonly #due = new Set<Due>();
  readonly #beforeJump: (() => void)[] = [];

  constructor(start: number) {
    this.#base = start;
  }

  /** Whole milliseconds, as `Date.now` gives them (the exchange refuses a fractional timestamp). */
  readonly now = (): number => Math.floor(this.#base + (performance.now() - this.#wallAt));

  /** Runs `fn` before each jump: whoever stamps what it sees with the time looks once more first. */
  beforeJump(fn: () => void): void {
    this.#beforeJump.push(fn);
  }

  /** Something happened that may start work (a tick, an account event): the clock does not jump past it. */
  note(): void {
    this.#epoch++;
  }

  /** Runs `work`, counting it in flight until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    this.#begin();
    let running: Promise<T>;
    try {
      running = work();
    } catch (error) {
      this.#end();
      throw error;
    }
    return running.finally(() => this.#end());
  }

  /** The object with each of its methods that returns a promise counted in flight while it runs. */
  tracked<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (t, key) => {
        const value: unknown = Reflect.get(t, key, t);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(t, args);
          if (!(result instanceof Promise)) return result;
          this.#begin();
          return result.finally(() => this.#end());
        };
      },
    });
  }

  /**
   * Waits `ms` of market time. Called from tracked work (a watcher's loop inside an invocation): the
   * caller stops counting as in flight while it waits, so the clock may jump to its end.
   */
  readonly sleep = (ms: number): Promise<void> => {
    this.#end();
    return new Promise<void>((resolve) => {
      this.#schedule(ms, () => {
        this.#begin();
        resolve();
      });
    });
  };

  /**
   * Timers on market time for the streams (reconnect backoff, keepalive, silence): the clock jumps to
   * them as to a sleeper's end, and what a timer runs counts as work while it runs.
   */
  readonly timers: StreamTimers = {
    setTimeout: (fn, ms) => {
      this.note();
      return this.#schedule(ms, () => {
        this.#begin();
        try {
          fn();
        } finally {
          this.#end();
        }
      });
    },
    clearTimeout: (handle) => {
      const due = handle as Due | undefined;
      if (!due || !this.#due.delete(due)) return;
      clearTimeout(due.real);
    },
  };

  /**
   * Resolves at market time `at`: real time passes while work is in flight; once all is quiet the clock
   * jumps, waking each sleeper due on the way at its own time.
   */
  async until(at: number): Promise<void> {
    while (this.now() < at) {
      if (!(await this.#quiet())) continue;
      const next = Math.min(at, ...[...this.#due].map((d) => d.at));
      if (next > this.now()) this.#jumpTo(next);
      for (const d of [...this.#due].sort((a, b) => a.at - b.at)) if (d.at <= this.now()) this.#fire(d);
    }
  }

  /** Sleepers and stream timers still set: none once every stream and watcher has closed. */
  get pending(): number {
    return this.#due.size;
  }

  /** Drops every sleeper and stream timer still set, with their real timers: the run is over. */
  release(): void {
    for (const d of [...this.#due]) {
      this.#due.delete(d);
      clearTimeout(d.real);
    }
  }

  /** Nothing in flight and nothing new for three turns of the event loop (a frame on loopback arrives in one). */
  async #quiet(): Promise<boolean> {
    const epoch = this.#epoch;
    for (let i = 0; i < 3; i++) {
      await turn();
      if (this.#active > 0 || this.#epoch !== epoch) return false;
    }
    return true;
  }

  #schedule(ms: number, fire: () => void): Due {
    const due: Due = { at: this.now() + ms, real: undefined, fire };
    this.#due.add(due);
    this.#arm(due);
    return due;
  }

  #fire(due: Due): void {
    if (!this.#due.delete(due)) return;
    clearTimeout(due.real);
    due.fire();
  }

  #jumpTo(at: number): void {
    for (const fn of this.#beforeJump) fn();
    this.#base = at;
    this.#wallAt = performance.now();
    for (const d of this.#due) this.#arm(d);
  }

  /** Each due thing also fires by a real timer, for when its time comes while work is in flight. */
  #arm(due: Due): void {
    clearTimeout(due.real);
    due.real = setTimeout(() => this.#fire(due), Math.max(0, due.at - this.now()));
  }

  #begin(): void {
    this.#active++;
    this.#epoch++;
  }

  #end(): void {
    this.#active--;
    this.#epoch++;
  }
}
