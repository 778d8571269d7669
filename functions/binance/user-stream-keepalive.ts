import { messageOf } from '#shared/errors.js';
import { isListenKeyGone, type ListenKeyRequest, type ListenKeys } from './listen-key.js';
import type { StreamTimers } from './user-stream-socket.js';

/** A keepalive that failed is tried again this much later, well inside the key's 60 minutes. */
export const KEEPALIVE_RETRY_MS = 60_000;

/**
 * Keeps one connection's listen key alive: a `PUT` every `intervalMs` while the connection is open.
 * "Doing a PUT on a listenKey will extend its validity for 60 minutes, if response -1125 error "This
 * listenKey does not exist." Please use POST /fapi/v1/listenKey to recreate listenKey"
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams): -1125 is
 * handed to `gone`; any other failure is reported and tried again after `KEEPALIVE_RETRY_MS`.
 */
export class KeepAlive {
  readonly #keys: Pick<ListenKeys, 'keepAlive'>;
  readonly #timers: StreamTimers;
  readonly #intervalMs: number;
  #timer: unknown;
  /** Each start is a new round; an answer of an earlier one is ignored. */
  #round = 0;

  constructor(keys: Pick<ListenKeys, 'keepAlive'>, timers: StreamTimers, intervalMs: number) {
    this.#keys = keys;
    this.#timers = timers;
    this.#intervalMs = intervalMs;
  }

  /** Starts keeping the key alive, from now; `gone` and `failed` are called for this round only. */
  start(request: ListenKeyRequest, on: { gone(): void; failed(message: string): void }): void {
    this.stop();
    const round = this.#round;
    const send = async () => {
      try {
        await this.#keys.keepAlive(request);
        if (round === this.#round) this.#schedule(send, this.#intervalMs);
      } catch (error) {
        if (round !== this.#round) return;
        if (isListenKeyGone(error)) {
          on.gone();
          return;
        }
        on.failed(messageOf(error));
        this.#schedule(send, KEEPALIVE_RETRY_MS);
      }
    };
    this.#schedule(send, this.#intervalMs);
  }

  /** No further keepalive; one in flight is ignored when it ends. */
  stop(): void {
    this.#round += 1;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(send: () => Promise<void>, ms: number): void {
    this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => void send(), ms);
  }
}
