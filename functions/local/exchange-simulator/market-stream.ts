import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { FrontEndContext } from './context.js';
import type { Exchange } from './exchange.js';
import { MarketConnection } from './market-stream-connection.js';
import { STREAM_ROUTES } from './stream-routes.js';
import type { SimMarket, SimMarketFault, SimMarketStreams, SourceId } from './types.js';

/**
 * Where each market's streams are served: USDⓈ-M at `/market/stream` and `/market/ws`, as on
 * `wss://fstream.binance.com`; COIN-M at `/dstream/stream` and `/dstream/ws`, because its own host,
 * `wss://dstream.binance.com`, serves them at its root and here one port serves every host.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 */
export const MARKET_STREAM_PREFIX: Record<SimMarket, string> = { usdm: '/market', coinm: '/dstream' };

const ROUTE = /^\/(market|dstream)\/(stream|ws)(?:\/.*)?$/;

/** The sources whose legs give each market's mark prices. */
const MARKET_SOURCES: Record<SimMarket, SourceId[]> = { usdm: ['usdm', 'usdm-ws', 'pm-um'], coinm: ['coinm', 'pm-cm'] };

/** "A single connection is only valid for 24 hours; expect to be disconnected at the 24 hour mark." */
const LIFE_MS = 24 * 60 * 60 * 1000;

/**
 * One simulator's market streams: its connections, the mark prices last pushed, its faults. A mark
 * price goes out when the scenario moves it, and on `pushAll` (each second in the demo, when a test
 * says so in tests), so that a test's clock, not the wall clock, decides when ticks come.
 */
class MarketHub {
  readonly #ctx: FrontEndContext;
  readonly #conns = new Set<MarketConnection>();
  #last: Map<string, number>;
  readonly #refusals = { refuseSubscribe: 0, refuseConnection: 0 };
  #everyRound = 0;

  constructor(ctx: FrontEndContext) {
    this.#ctx = ctx;
    this.#last = this.#prices();
    ctx.exchange.legsChanged.add(() => this.#pushChanged());
  }

  serve(ctx: FrontEndContext, ws: WebSocket, req: IncomingMessage): void {
    if (this.#take('refuseConnection')) {
      ws.close(1013, 'try again later');
      return;
    }
    const conn = new MarketConnection(ctx, ws, req, () => this.#take('refuseSubscribe'));
    this.#conns.add(conn);
    ws.on('close', () => this.#conns.delete(conn));
  }

  /** Pushes every subscribed mark price now, as the exchange does each second. Returns the frames sent. */
  pushAll(): number {
    this.#expire();
    let sent = 0;
    for (const [key, price] of this.#prices()) sent += this.#push(key, price);
    return sent;
  }

  pushEvery(ms: number): void {
    const round = ++this.#everyRound;
    const tick = () => {
      if (round !== this.#everyRound) return;
      this.pushAll();
      this.#ctx.after(ms, tick);
    };
    if (ms > 0) this.#ctx.after(ms, tick);
  }

  drop(): void {
    for (const conn of this.#conns) conn.drop();
    this.#conns.clear();
  }

  subscriptions(market: SimMarket): string[][] {
    return [...this.#conns].filter((c) => c.market === market).map((c) => [...c.streams]);
  }

  inject(fault: SimMarketFault): void {
    if (fault.kind === 'malformedFrame') {
      for (const conn of this.#conns) conn.sendMalformed(fault.body ?? 'wrong-shape');
      return;
    }
    const { kind, times = 1 } = fault;
    // `times: 0` takes back what is left of the fault.
    this.#refusals[kind] = times === 0 ? 0 : this.#refusals[kind] + times;
  }

  /** Whether an injected refusal applies now; counts it as used. */
  #take(kind: 'refuseSubscribe' | 'refuseConnection'): boolean {
    if (this.#refusals[kind] <= 0) return false;
    this.#refusals[kind] -= 1;
    return true;
  }

  async ping(): Promise<number> {
    const pongs = await Promise.all([...this.#conns].map((c) => c.ping()));
    return pongs.reduce((a, b) => a + b, 0);
  }

  /** The mark price of every symbol any account holds, by `market|SYMBOL`. */
  #prices(): Map<string, number> {
    const prices = new Map<string, number>();
    for (const market of ['usdm', 'coinm'] as const) {
      for (const source of MARKET_SOURCES[market]) {
        for (const leg of this.#ctx.exchange.legsOf(source)) prices.set(`${market}|${leg.symbol}`, leg.markPrice);
      }
    }
    return prices;
  }

  /** A scenario change: the mark prices it moved go out at once. */
  #pushChanged(): void {
    this.#expire();
    const prices = this.#prices();
    for (const [key, price] of prices) if (this.#last.get(key) !== price) this.#push(key, price);
    this.#last = prices;
  }

  #push(key: string, price: number): number {
    const at = key.indexOf('|');
    const market = key.slice(0, at);
    const symbol = key.slice(at + 1);
    let sent = 0;
    for (const conn of this.#conns) if (conn.market === market) sent += conn.pushPrice(symbol, price);
    return sent;
  }

  /** Ends the connections past their 24 hours, on the simulator's clock. */
  #expire(): void {
    const now = this.#ctx.exchange.now();
    for (const conn of this.#conns) if (now - conn.openedAt >= LIFE_MS) conn.close(1001, 'connection life ended');
  }
}

const hubs = new WeakMap<Exchange, MarketHub>();

function hubOf(ctx: FrontEndContext): MarketHub {
  let hub = hubs.get(ctx.exchange);
  if (!hub) {
    hub = new MarketHub(ctx);
    hubs.set(ctx.exchange, hub);
  }
  return hub;
}

STREAM_ROUTES.push({ claims: (path) => ROUTE.test(path), serve: (ctx, ws, req) => hubOf(ctx).serve(ctx, ws, req) });

/** The market stream part of `ExchangeSimulator`, for the simulator whose WebSocket base is `wsBase` (`ws://host:port`). */
export function marketStreamControls(ctx: FrontEndContext, wsBase: string): SimMarketStreams {
  const hub = hubOf(ctx);
  return {
    wsMarketUrl: (market) => `${wsBase}${MARKET_STREAM_PREFIX[market]}`,
    pushMarkPrices: () => hub.pushAll(),
    pushMarkPricesEvery: (ms) => hub.pushEvery(ms),
    dropStreams: () => hub.drop(),
    marketSubscriptions: (market) => hub.subscriptions(market),
    injectMarketFault: (fault) => hub.inject(fault),
    pingStreams: () => hub.ping(),
  };
}
