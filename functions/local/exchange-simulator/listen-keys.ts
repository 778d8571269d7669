import { randomBytes } from 'node:crypto';
import type { ExchangeError } from './errors.js';
import type { Exchange } from './exchange.js';
import type { SourceId } from './types.js';
import type { HostFamily } from './weight.js';

/*
 * Listen keys of the user data streams, as the three products document them: `POST`, `PUT` and
 * `DELETE` on `/fapi/v1/listenKey`, `/dapi/v1/listenKey` and `/papi/v1/listenKey`, the API key alone in
 * `X-MBX-APIKEY` (USER_STREAM: no timestamp, no signature), no parameters, weight 1.
 * "A User Data Stream listenKey is valid for 60 minutes after creation. Doing a PUT on a listenKey will
 * extend its validity for 60 minutes, if response -1125 error "This listenKey does not exist." Please
 * use POST /fapi/v1/listenKey to recreate listenKey. Doing a DELETE on a listenKey will close the stream
 * and invalidate the listenKey. Doing a POST on an account with an active listenKey will return the
 * currently active listenKey and extend its validity for 60 minutes."
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Start-User-Data-Stream
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams
 */

export const LISTEN_KEY_VALIDITY_MS = 60 * 60_000;

/** A listen-key endpoint: its host family, and the source its faults and log entries name. */
export interface ListenKeyRoute {
  family: HostFamily;
  weight: number;
  answer: 'listenKey';
  source: SourceId;
}

const LISTEN_KEY_ROUTES: Record<string, ListenKeyRoute> = {
  '/fapi/v1/listenKey': { family: 'fapi', weight: 1, answer: 'listenKey', source: 'usdm' },
  '/dapi/v1/listenKey': { family: 'dapi', weight: 1, answer: 'listenKey', source: 'coinm' },
  '/papi/v1/listenKey': { family: 'papi', weight: 1, answer: 'listenKey', source: 'pm-um' },
};

/** The route of a listen-key call; a `GET` on the path is no route, as on the exchange. */
export function listenKeyRoute(method: string, path: string): ListenKeyRoute | undefined {
  return method === 'POST' || method === 'PUT' || method === 'DELETE' ? LISTEN_KEY_ROUTES[path] : undefined;
}

/** -1125, the answer to a keepalive or close when the account has no active key. */
export function listenKeyDoesNotExist(): ExchangeError {
  return { status: 400, code: -1125, msg: 'This listenKey does not exist.' };
}

/** An account's active key on one product. */
export interface HeldKey {
  account: string;
  family: HostFamily;
  key: string;
  /** Server time. */
  expiresAt: number;
}

/** What the streams are told of: a key created (or handed out again), a key closed by `DELETE`. */
export interface ListenKeyListener {
  created(held: HeldKey): void;
  closed(held: HeldKey): void;
}

/** The active keys of every account, one per product. Expired keys are gone at the next look. */
export class ListenKeyBook {
  readonly listeners = new Set<ListenKeyListener>();
  readonly #held = new Map<string, HeldKey>();
  /** Keys that expired and were replaced before anyone looked: `takeExpired` still owes them. */
  #lapsed: HeldKey[] = [];

  /** `POST`: the active key, extended, or a new one. */
  create(account: string, family: HostFamily, now: number): HeldKey {
    const old = this.#held.get(holderOf(account, family));
    if (old && old.expiresAt <= now) this.#lapsed.push(old);
    const held = this.#active(account, family, now) ?? {
      account,
      family,
      // 64 characters, as the pages' example keys.
      key: randomBytes(48).toString('base64url').replace(/[-_]/g, 'x').slice(0, 64),
      expiresAt: 0,
    };
    held.expiresAt = now + LISTEN_KEY_VALIDITY_MS;
    this.#held.set(holderOf(account, family), held);
    for (const l of this.listeners) l.created(held);
    return held;
  }

  /** `PUT`: extends the active key; `undefined` when there is none. */
  keepAlive(account: string, family: HostFamily, now: number): HeldKey | undefined {
    const held = this.#active(account, family, now);
    if (held) held.expiresAt = now + LISTEN_KEY_VALIDITY_MS;
    return held;
  }

  /** `DELETE`: invalidates the active key; `undefined` when there is none. */
  close(account: string, family: HostFamily, now: number): HeldKey | undefined {
    const held = this.#active(account, family, now);
    if (!held) return undefined;
    this.#held.delete(holderOf(account, family));
    for (const l of this.listeners) l.closed(held);
    return held;
  }

  /** The active key named `key`, if it is one. */
  valid(key: string, now: number): HeldKey | undefined {
    return [...this.#held.values()].find((h) => h.key === key && h.expiresAt > now);
  }

  /** The keys that expired by `now`, taken out of the book. */
  takeExpired(now: number): HeldKey[] {
    const expired = [...this.#held.entries()].filter(([, h]) => h.expiresAt <= now);
    for (const [holder] of expired) this.#held.delete(holder);
    const lapsed = this.#lapsed;
    this.#lapsed = [];
    return [...lapsed, ...expired.map(([, h]) => h)];
  }

  #active(account: string, family: HostFamily, now: number): HeldKey | undefined {
    const held = this.#held.get(holderOf(account, family));
    return held && held.expiresAt > now ? held : undefined;
  }
}

const books = new WeakMap<Exchange, ListenKeyBook>();

/** The simulator's listen keys. */
export function listenKeysOf(exchange: Exchange): ListenKeyBook {
  let book = books.get(exchange);
  if (!book) {
    book = new ListenKeyBook();
    books.set(exchange, book);
  }
  return book;
}

/**
 * One listen-key call: the API key checked as on every USER_STREAM call (-2014, -2015), then the book.
 * `POST` answers `{"listenKey": …}`; USDⓈ-M's `PUT` answers the same (its page's example), COIN-M's and
 * Portfolio Margin's `{}`; `DELETE` answers `{}`; `PUT` and `DELETE` with no active key -1125.
 */
export function answerListenKey(
  exchange: Exchange,
  route: ListenKeyRoute,
  method: string,
  apiKey: string | undefined,
): { body: unknown } | { error: ExchangeError } {
  const keyed = exchange.accountOfKey(apiKey);
  if ('status' in keyed) return { error: keyed };
  const book = listenKeysOf(exchange);
  const account = keyed.account.name;
  const now = exchange.now();
  if (method === 'POST') return { body: { listenKey: book.create(account, route.family, now).key } };
  const held = method === 'PUT' ? book.keepAlive(account, route.family, now) : book.close(account, route.family, now);
  if (!held) return { error: listenKeyDoesNotExist() };
  return { body: method === 'PUT' && route.family === 'fapi' ? { listenKey: held.key } : {} };
}

function holderOf(account: string, family: HostFamily): string {
  return `${account}|${family}`;
}
