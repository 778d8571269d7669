import { WebSocket } from 'undici';
import type { MessageCap } from './ws-message-cap.js';

/** Timers a stream schedules on: the process's own, or a test's clock that never sleeps. */
export interface StreamTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: StreamTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What a socket tells its owner once it is open. */
export interface SocketHandlers {
  message(text: string): void;
  /** A frame that is not text: user data streams send JSON text only. */
  unreadable(): void;
  /** The connection ended without `close()` being called: dropped, or closed by the exchange. */
  dropped(why: string): void;
}

/**
 * One connection of a user data stream, on undici's WebSocket client with the message cap of
 * `ws-message-cap.ts`. `opened` settles once: open, or failed (no connection within `timeoutMs`,
 * refused, closed before opening). Its URL holds the listen key, which gives read access to the
 * account's events: no message here names it.
 */
export class UserStreamSocket {
  readonly opened: Promise<void>;
  readonly #ws: WebSocket;
  readonly #cap: MessageCap;
  #open = false;
  #closing = false;

  constructor(url: string, opts: { cap: MessageCap; timers: StreamTimers; timeoutMs: number }, on: SocketHandlers) {
    this.#cap = opts.cap;
    this.#ws = new WebSocket(url, { dispatcher: opts.cap.dispatcher });
    this.#ws.binaryType = 'arraybuffer';
    this.opened = new Promise<void>((resolve, reject) => {
      const timer = opts.timers.setTimeout(() => {
        reject(new Error(`no connection within ${opts.timeoutMs} ms`));
        this.#ws.close();
      }, opts.timeoutMs);
      this.#ws.addEventListener('open', () => {
        opts.timers.clearTimeout(timer);
        this.#open = true;
        this.#cap.watch();
        resolve();
      });
      this.#ws.addEventListener('close', (event) => {
        opts.timers.clearTimeout(timer);
        if (!this.#open) {
          reject(new Error(`the connection failed (code ${event.code})`));
          return;
        }
        this.#open = false;
        if (this.#closing) return;
        on.dropped(this.#cap.exceeded ? `a message was larger than ${this.#cap.maxBytes} bytes` : `code ${event.code}`);
      });
    });
    this.#ws.addEventListener('message', (event) => {
      this.#cap.messageArrived();
      if (this.#closing) return;
      if (typeof event.data === 'string') on.message(event.data);
      else on.unreadable();
    });
  }

  /** Closes the connection, or gives up opening it; waits for the closing handshake (2 s at most). */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.#ws.addEventListener('close', () => resolve(), { once: true }));
    this.#ws.close(1000);
    // A peer that never completes the closing handshake must not hold us: undici ends it after a while.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
  }
}
