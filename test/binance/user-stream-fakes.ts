import type { StreamTimers } from '#binance/user-stream.js';

/**
 * A clock and its timers, shared by the simulator and the stream under test: time moves only when a
 * test moves it, so a keepalive 30 minutes away or a 60-minute key expiry takes no real time.
 * `advance` runs the timers that fall due on the way, in order; `skip` moves the time alone, as if the
 * process had been frozen (a timer that fell due runs at the next `advance`).
 */
export class FakeClock implements StreamTimers {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 4, 4, 12)) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  /** The timers waiting, as ms from now, soonest first. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort(([a, ta], [b, tb]) => ta.at - tb.at || a - b)[0];
      if (!due) break;
      const [id, timer] = due;
      this.#timers.delete(id);
      this.#now = timer.at;
      timer.fn();
    }
    this.#now = until;
  }

  skip(ms: number): void {
    this.#now += ms;
  }
}
