import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type { FrontEndContext } from './context.js';
import {
  answerText,
  errorText,
  isStreamName,
  markPriceSymbolOf,
  markPriceUpdate,
  readStreamRequest,
  type StreamRequest,
  type StreamRequestError,
  type StreamRequestId,
} from './market-stream-requests.js';
import type { SimMarket } from './types.js';

/**
 * The limits of the Websocket Market Streams pages: messages a client may send a second, pings
 * every 3 minutes, a pong due within 10.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 */
const INCOMING_PER_SECOND = 10;
const PING_EVERY_MS = 3 * 60 * 1000;
const PONG_WITHIN_MS = 10 * 60 * 1000;

/**
 * One client of a market stream: its subscriptions (from the URL, then SUBSCRIBE / UNSUBSCRIBE), the
 * answers to its requests, its message limit and pings, and the events it gets.
 */
export class MarketConnection {
  readonly market: SimMarket;
  readonly path: string;
  readonly openedAt: number;
  /** `/stream` wraps events as `{"stream", "data"}`; `/ws` sends them raw (the `combined` property). */
  #combined: boolean;
  /** In the order subscribed, as LIST_SUBSCRIPTIONS lists them. */
  #streams: string[];
  readonly #ws: WebSocket;
  readonly #ctx: FrontEndContext;
  /** Whether to refuse the next SUBSCRIBE (an injected fault); asked once per SUBSCRIBE. */
  readonly #refuse: () => boolean;
  #receivedAt: number[] = [];
  #lastPongAt: number;

  constructor(ctx: FrontEndContext, ws: WebSocket, req: IncomingMessage, refuse: () => boolean) {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const [, prefix, kind, rest] = /^\/([^/]+)\/(stream|ws)(?:\/(.*))?$/.exec(url.pathname) ?? [];
    const named = kind === 'stream' ? (url.searchParams.get('streams') ?? '') : (rest ?? '');
    this.#ctx = ctx;
    this.#ws = ws;
    this.#refuse = refuse;
    this.market = prefix === 'dstream' ? 'coinm' : 'usdm';
    this.path = url.pathname;
    this.#combined = kind === 'stream';
    this.#streams = [...new Set(named.split('/').filter(isStreamName))];
    this.openedAt = ctx.exchange.now();
    this.#lastPongAt = this.openedAt;
    ws.on('pong', () => {
      this.#lastPongAt = ctx.exchange.now();
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.#onRequest(data.toString());
    });
    ctx.after(PING_EVERY_MS, () => this.#ping());
  }

  get streams(): readonly string[] {
    return this.#streams;
  }

  /** Sends the symbol's mark price on each of its streams this connection follows. Returns the frames sent. */
  pushPrice(symbol: string, price: number): number {
    if (this.#ws.readyState !== WebSocket.OPEN) return 0;
    let sent = 0;
    for (const stream of this.#streams) {
      if (markPriceSymbolOf(stream) !== symbol) continue;
      const data = markPriceUpdate(symbol, price, this.#ctx.exchange.now());
      this.#ws.send(JSON.stringify(this.#combined ? { stream, data } : data));
      sent += 1;
    }
    return sent;
  }

  /** A mark price event without its price (valid JSON of another shape), or a frame that is not JSON. */
  sendMalformed(body: 'wrong-shape' | 'invalid-json'): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    const stream = 'btcusdt@markPrice@1s';
    const data = { e: 'markPriceUpdate', E: this.#ctx.exchange.now(), s: 'BTCUSDT' };
    const text = JSON.stringify(this.#combined ? { stream, data } : data);
    this.#ws.send(body === 'invalid-json' ? text.slice(0, -2) : text);
  }

  /** Pings; resolves with 1 once the pong is back, 0 if the connection ends first. */
  ping(): Promise<number> {
    return new Promise((resolve) => {
      this.#ws.once('pong', () => resolve(1));
      this.#ws.once('close', () => resolve(0));
      if (this.#ws.readyState === WebSocket.OPEN) this.#ws.ping();
      else resolve(0);
    });
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  /** Ends the connection without a closing handshake, as a network failure does. */
  drop(): void {
    this.#ws.terminate();
  }

  #onRequest(text: string): void {
    const { exchange } = this.#ctx;
    const now = exchange.now();
    this.#receivedAt = [...this.#receivedAt.filter((at) => now - at < 1000), now];
    // "A connection that goes beyond the limit will be disconnected."
    if (this.#receivedAt.length > INCOMING_PER_SECOND) {
      this.close(1008, 'too many messages');
      return;
    }
    const request = readStreamRequest(text);
    const outcome = 'method' in request ? this.#apply(request) : { error: request };
    this.#ctx.log({
      at: now,
      transport: 'stream',
      path: this.path,
      ...('method' in request ? { method: request.method } : {}),
      status: 'error' in outcome ? 400 : 200,
      ...('error' in outcome ? { code: outcome.error.code } : {}),
    });
    const reply = 'error' in outcome ? errorText(outcome.error) : answerText(outcome.id, outcome.result);
    this.#ctx.after(exchange.latencyMs, () => {
      if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(reply);
    });
  }

  /** Applies a request: the answer's `result`, or the error that refuses it. */
  #apply(request: StreamRequest): { id: StreamRequestId; result: unknown } | { error: StreamRequestError } {
    const { id } = request;
    switch (request.method) {
      case 'SUBSCRIBE':
        if (this.#refuse()) return { error: { id, code: 2, msg: 'Invalid request: invalid stream' } };
        this.#streams = [...new Set([...this.#streams, ...request.streams])];
        return { id, result: null };
      case 'UNSUBSCRIBE':
        this.#streams = this.#streams.filter((s) => !request.streams.includes(s));
        return { id, result: null };
      case 'LIST_SUBSCRIPTIONS':
        return { id, result: [...this.#streams] };
      case 'SET_PROPERTY':
        this.#combined = request.combined;
        return { id, result: null };
      case 'GET_PROPERTY':
        return { id, result: this.#combined };
    }
  }

  /** Every 3 minutes while open; no pong for 10 minutes ends the connection. */
  #ping(): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    if (this.#ctx.exchange.now() - this.#lastPongAt > PONG_WITHIN_MS) {
      this.drop();
      return;
    }
    this.#ws.ping();
    this.#ctx.after(PING_EVERY_MS, () => this.#ping());
  }
}
