import { WebSocket } from 'ws';
import type { FrontEndContext } from './context.js';
import { type Exchange, SOURCE_SPECS } from './exchange.js';
import { type HeldKey, type ListenKeyBook, listenKeysOf } from './listen-keys.js';
import { legsFor } from './rows.js';
import type { SimPosition, SourceId } from './types.js';
import { accountUpdate, forceOrderUpdates, listenKeyExpired } from './user-streams-events.js';
import type { HostFamily } from './weight.js';

/** How often, in real time, the simulator's clock is read for keys that went 60 minutes without a keepalive. */
const EXPIRY_SWEEP_MS = 50;

/** The sources whose events go on each product's stream. */
export const FAMILY_SOURCES: Record<HostFamily, SourceId[]> = {
  fapi: ['usdm', 'usdm-ws'],
  dapi: ['coinm'],
  papi: ['pm-um', 'pm-cm'],
};

interface Connection {
  ctx: FrontEndContext;
  held: HeldKey;
}

/**
 * The open user data stream connections of one simulator, and what they are pushed: the scenario's
 * changes as the exchange tells them (`user-streams-events.ts`), and each key's expiry. The legs last
 * told per book are kept, so that a change read by two sources of one book (`usdm`, `usdm-ws`) is told
 * once, and an `ACCOUNT_UPDATE` names only the legs that moved.
 */
export class UserStreamHub {
  readonly keys: ListenKeyBook;
  readonly #exchange: Exchange;
  readonly #connections = new Map<WebSocket, Connection>();
  /** `account|family` → `book|symbol|side` → the leg last told. */
  readonly #told = new Map<string, Map<string, SimPosition>>();
  #sweeping = false;

  constructor(exchange: Exchange) {
    this.#exchange = exchange;
    this.keys = listenKeysOf(exchange);
    this.keys.listeners.add({
      created: (held) => this.#remember(held.account, held.family),
      closed: (held) => this.#closeKey(held.key),
    });
    exchange.legsChanged.add((account, source) => this.#legsChanged(account, source));
    exchange.forceOrdered.add((account, source, order) => {
      for (const update of forceOrderUpdates(source, order)) this.push(account, source, update);
    });
    exchange.walletSet.add((account, source) => {
      const wallet = exchange.account(account).risk.wallet(source);
      this.push(account, source, accountUpdate(source, [], wallet, 'DEPOSIT', exchange.now()));
    });
  }

  /** Takes a connection to `key` on `family`'s path; one to a key that is not active is closed at once. */
  serve(ctx: FrontEndContext, ws: WebSocket, family: HostFamily, key: string): void {
    const held = this.keys.valid(key, this.#exchange.now());
    if (!held || held.family !== family) {
      ws.close(1008, 'Invalid listenKey');
      return;
    }
    this.#connections.set(ws, { ctx, held });
    ws.on('close', () => this.#connections.delete(ws));
    if (!this.#sweeping) this.#sweep(ctx);
  }

  /** Sends `payload` (an event, or raw text) on every connection of the account's stream that carries `source`. */
  push(account: string, source: SourceId, payload: Record<string, unknown> | string): void {
    const family = SOURCE_SPECS[source].family;
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    for (const [ws, { ctx, held }] of this.#connections) {
      if (held.account !== account || held.family !== family) continue;
      ctx.after(this.#exchange.latencyMs / 2, () => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      });
    }
  }

  /** Ends connections without a closing handshake; returns how many. */
  drop(account?: string): number {
    const dropped = [...this.#connections].filter(([, c]) => account === undefined || c.held.account === account);
    for (const [ws] of dropped) ws.terminate();
    return dropped.length;
  }

  /**
   * The legs a source lists for the account now. `usdm` and `usdm-ws` are one USDⓈ-M account: where a
   * scenario gives `usdm` its legs, those are the book's, whatever `usdm-ws` was given (else a change of one
   * would read as the other's legs gone).
   */
  legs(account: string, source: SourceId): SimPosition[] {
    const state = this.#exchange.account(account);
    const from = source === 'usdm-ws' && state.positions.has('usdm') ? 'usdm' : source;
    return legsFor(from, state.positions.get(from) ?? [], state.account.hedgeMode ?? false);
  }

  /** `ACCOUNT_UPDATE` with the legs that moved since last told (COIN-M: every leg, as its page says). */
  #legsChanged(account: string, source: SourceId): void {
    const now = this.#exchange.now();
    const legs = this.legs(account, source);
    const moved = this.#moved(account, source, legs);
    if (moved.length === 0) return;
    const wallet = this.#exchange.account(account).risk.wallet(source);
    this.push(account, source, accountUpdate(source, source === 'coinm' ? legs : moved, wallet, 'ORDER', now));
  }

  /** The legs that differ from those last told (a leg gone is told flat), remembered as told from now on. */
  #moved(account: string, source: SourceId, legs: readonly SimPosition[]): SimPosition[] {
    const told = this.#toldOf(account, SOURCE_SPECS[source].family);
    const book = source === 'usdm-ws' ? 'usdm' : source;
    const now = new Map(legs.map((p) => [`${book}|${p.symbol}|${p.positionSide}`, p]));
    const moved: SimPosition[] = [];
    for (const [id, was] of told) {
      if (id.startsWith(`${book}|`) && !now.has(id)) {
        moved.push({ ...was, positionAmt: 0, entryPrice: 0, unrealizedProfit: 0 });
        told.delete(id);
      }
    }
    for (const [id, p] of now) {
      if (sameLeg(told.get(id), p)) continue;
      moved.push(p);
      told.set(id, p);
    }
    return moved;
  }

  #remember(account: string, family: HostFamily): void {
    for (const source of FAMILY_SOURCES[family]) this.#moved(account, source, this.legs(account, source));
  }

  #toldOf(account: string, family: HostFamily): Map<string, SimPosition> {
    const id = `${account}|${family}`;
    let told = this.#told.get(id);
    if (!told) {
      told = new Map();
      this.#told.set(id, told);
    }
    return told;
  }

  #closeKey(key: string): void {
    for (const [ws, c] of this.#connections) if (c.held.key === key) ws.close(1000);
  }

  /** While connections are open: keys past their 60 minutes push `listenKeyExpired`, then close. */
  #sweep(ctx: FrontEndContext): void {
    this.#sweeping = true;
    ctx.after(EXPIRY_SWEEP_MS, () => {
      const now = this.#exchange.now();
      for (const held of this.keys.takeExpired(now)) {
        for (const [ws, c] of this.#connections) {
          if (c.held.key !== held.key) continue;
          // Portfolio Margin's event carries no key (its page's example).
          ws.send(JSON.stringify(listenKeyExpired(held.key, held.family !== 'papi', now)));
          ws.close(1000);
        }
      }
      this.#sweeping = false;
      if (this.#connections.size > 0) this.#sweep(ctx);
    });
  }
}

/** Two legs the same but for when they were stamped. */
/**
 * Whether a leg is as last told, by what an `ACCOUNT_UPDATE` reports of it: its amount, entry price and
 * margin. The exchange pushes no update for a move of the mark price alone (its PnL and liquidation
 * distance move with every tick; the market stream tells those).
 */
function sameLeg(a: SimPosition | undefined, b: SimPosition): boolean {
  if (!a) return false;
  const told = (p: SimPosition) =>
    JSON.stringify([p.positionAmt, p.entryPrice, p.marginType ?? null, p.isolatedMargin ?? null, p.leverage ?? null]);
  return told(a) === told(b);
}

const hubs = new WeakMap<Exchange, UserStreamHub>();

/** The simulator's user data streams; made on first use, listening to the exchange from then on. */
export function userStreamsOf(exchange: Exchange): UserStreamHub {
  let hub = hubs.get(exchange);
  if (!hub) {
    hub = new UserStreamHub(exchange);
    hubs.set(exchange, hub);
  }
  return hub;
}
