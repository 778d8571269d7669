import type { Exchange } from './exchange.js';
import type { SimRequestLog } from './types.js';

/** What a front end needs from the server: the exchange, the request log and cancellable timers. */
export interface FrontEndContext {
  exchange: Exchange;
  log(entry: SimRequestLog): void;
  /** Runs `fn` after `ms`, unless the simulator closes first. */
  after(ms: number, fn: () => void): void;
}
