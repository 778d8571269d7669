import type { StreamTimers } from './user-stream-socket.js';

// One injected timer type serves every stream, market and user data alike.
export { type StreamTimers, SYSTEM_TIMERS as REAL_TIMERS } from './user-stream-socket.js';

/**
 * Named one-shot timers, at most one per name: setting a name again replaces its timer, and once
 * stopped none is set again, so that a closed stream leaves no timer behind.
 */
export class TimerSlots<Name extends string> {
  readonly #timers: StreamTimers;
  readonly #set = new Map<Name, unknown>();
  #stopped = false;

  constructor(timers: StreamTimers) {
    this.#timers = timers;
  }

  set(name: Name, ms: number, fn: () => void): void {
    this.clear(name);
    if (this.#stopped) return;
    const handle = this.#timers.setTimeout(() => {
      this.#set.delete(name);
      fn();
    }, ms);
    this.#set.set(name, handle);
  }

  has(name: Name): boolean {
    return this.#set.has(name);
  }

  clear(...names: Name[]): void {
    for (const name of names.length > 0 ? names : [...this.#set.keys()]) {
      if (this.#set.has(name)) this.#timers.clearTimeout(this.#set.get(name));
      this.#set.delete(name);
    }
  }

  /** Clears every timer, for good. */
  stop(): void {
    this.#stopped = true;
    this.clear();
  }
}
