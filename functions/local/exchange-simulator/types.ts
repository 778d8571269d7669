import type { SourceId } from '#core/position.js';

export type { SourceId };

/** The side of a leg, as the exchange spells it. */
export type SimPositionSide = 'BOTH' | 'LONG' | 'SHORT';

/**
 * One leg of a scenario, in plain numbers. `renderRow` turns it into the exact row of a source's page
 * (seeds 000–004): every number a string, `updateTime` a number, fields the source lacks left out.
 */
export interface SimPosition {
  symbol: string;
  /** Default `BOTH` in one-way mode; in hedge mode the sign of `positionAmt` picks LONG or SHORT. */
  positionSide?: SimPositionSide;
  /** Signed: negative is short. COIN-M amounts are contracts. */
  positionAmt: number;
  entryPrice: number;
  markPrice: number;
  /** 0 or absent means there is none; rendered `"0"` as the exchange does. */
  liquidationPrice?: number;
  leverage?: number;
  marginType?: 'cross' | 'isolated';
  isolatedMargin?: number;
  unrealizedProfit?: number;
  breakEvenPrice?: number;
  notional?: number;
  maxNotionalValue?: number;
  maxQty?: number;
  updateTime?: number;
  /** COIN-M only; derived from the symbol when absent (`BTCUSD_PERP` → `BTC`). */
  marginAsset?: string;
  /** COIN-M only; derived from the symbol when absent (`BTCUSD_PERP` → `BTCUSD`). */
  pair?: string;
}

/**
 * An account of the scenario and the key it signs with: `apiSecret` for HMAC-SHA256, or
 * `publicKeyPem` for Ed25519 / RSA (told apart by the key itself).
 */
export interface SimAccount {
  name: string;
  apiKey: string;
  apiSecret?: string;
  publicKeyPem?: string;
  hedgeMode?: boolean;
  positions: Partial<Record<SourceId, SimPosition[]>>;
  /** Starting wallet balances of its books (see `SimWallets`). */
  wallets?: SimWallets;
}

/**
 * Wallet balances per book and asset: `usdm` (read by `usdm` and `usdm-ws`; its totals are USDT's, as
 * in single-asset mode), `coinm` (per coin) and `pm` (the Portfolio Margin account, in USD: USDT, USDC
 * or USD). A book with no wallet holds, in each asset, the initial margin its open legs took at entry.
 */
export type SimWallets = Partial<Record<'usdm' | 'coinm' | 'pm', Record<string, number>>>;

/** A Portfolio Margin account status, as `GET /papi/v1/account` spells it. */
export type SimAccountStatus =
  | 'NORMAL'
  | 'MARGIN_CALL'
  | 'SUPPLY_MARGIN'
  | 'REDUCE_ONLY'
  | 'ACTIVE_LIQUIDATION'
  | 'FORCE_LIQUIDATION'
  | 'BANKRUPTED';

/** What can go wrong between a client and the exchange, injected on purpose. */
export type SimFault =
  /** A 5xx (503 unless told) with the exchange's -1001 body. */
  | { kind: 'status5xx'; status?: number }
  /** 429 with `Retry-After` and a -1003 body. */
  | { kind: 'rateLimit429'; retryAfterSec: number }
  /** 418 with `Retry-After` and a -1003 "banned until <ms>" body. */
  | { kind: 'ban418'; retryAfterSec: number }
  /**
   * 200 with a body a client must refuse: `wrong-shape` (the default) is valid JSON of another shape,
   * `invalid-json` is not JSON at all. On `/papi/v1/ping` the `Date` header is left out too.
   */
  | { kind: 'malformed'; body?: 'wrong-shape' | 'invalid-json' }
  /** No answer, until the client gives up or the simulator closes. */
  | { kind: 'hang' }
  /**
   * The account's key was revoked while the client was connected. REST answers 401 -2015; the
   * WebSocket API answers -2015 with `"id": null`, tied to no request of the connection.
   */
  | { kind: 'keyRevoked' }
  /**
   * A 200 whose body is the account's rows repeated to about `bytes` bytes of valid JSON, made as it is
   * sent: REST in chunks, the WebSocket API as one message in fragments, each after the client took the
   * last. A client that stops reading stops the sending; the log entry's `body` says how far it got.
   */
  | { kind: 'largeBody'; bytes: number }
  /** Extra latency on top of the base latency. */
  | { kind: 'delay'; ms: number }
  /** 451: the caller's location is one the exchange does not serve (code 0, its eligibility message). */
  | { kind: 'restricted451' };

/** Which requests a fault applies to; every field that is set must match. */
export interface SimFaultTarget {
  /**
   * A source, or `time` for the unsigned time and ping endpoints. Absent: any request. A force-order
   * request is its book's: `/fapi/v1/forceOrders` is `usdm`'s; so are the account and ADL pages
   * (`/papi/v1/account` is `pm-um`'s; `v2/account.status` is `usdm-ws`'s).
   */
  source?: SourceId | 'time';
  /**
   * A REST path without its query (`/fapi/v1/forceOrders`), or a WebSocket API method
   * (`account.position`), so that one endpoint of a source fails while the others answer.
   */
  path?: string;
  /** The account whose API key the request carries. */
  account?: string;
  /** How many matching requests it applies to. Default 1; `Infinity` until `clearFaults()`. */
  times?: number;
}

/** How the exchange closed a leg by force: liquidated, or auto-deleveraged (ADL). */
export type SimForceOrderType = 'LIQUIDATION' | 'ADL';

/** How `liquidate` closes a leg. */
export interface SimLiquidation {
  /** The leg, in hedge mode when the symbol has both legs open. */
  positionSide?: SimPositionSide;
  /** The average fill price. Default: the leg's liquidation price, or its mark price when it has none. */
  price?: number;
  /** Default `LIQUIDATION`. */
  type?: SimForceOrderType;
}

/** One request or WebSocket API frame as the simulator saw it. Holds no secret and no signature. */
export interface SimRequestLog {
  /** Server time (skew included) when the request was processed. */
  at: number;
  /** `stream`: a request on a market stream connection (`path` its path, `method` SUBSCRIBE …). */
  transport: 'rest' | 'ws' | 'stream';
  /** REST: the path, without the query string. */
  path?: string;
  /** WebSocket API: the method. REST: the HTTP method of a listen-key call (`POST`, `PUT`, `DELETE`). */
  method?: string;
  source?: SourceId | 'time';
  account?: string;
  apiKey?: string;
  /** The status answered; 0 when no answer is sent (a `hang` fault). */
  status: number;
  /** The exchange's error code, when the answer is an error. */
  code?: number;
  /** The injected fault that shaped the answer, if any. */
  fault?: SimFault['kind'];
  /** A `largeBody` answer, once it ended: the bytes written, and whether it went out whole. */
  body?: { bytes: number; complete: boolean };
}

export interface ExchangeSimulatorOptions {
  accounts: SimAccount[];
  /** Delay of every reply, REST and WebSocket API. Default 0. */
  latencyMs?: number;
  /** Server clock minus the local clock. Default 0. */
  clockSkewMs?: number;
  /** The local clock, so tests can move time instead of waiting for it. Default `Date.now`. */
  now?: () => number;
  /** Request weight per minute and host family (fapi with the WebSocket API, dapi, papi). Default 2400. */
  weightLimitPerMinute?: number;
  host?: string;
  port?: number;
}

/** A market stream: USDⓈ-M (`fstream`'s `/market`) or COIN-M (`dstream`). */
export type SimMarket = 'usdm' | 'coinm';

/** What can go wrong on the market streams, injected on purpose. */
export type SimMarketFault =
  /** Sent at once on every market stream connection: a mark price event without its price, or not JSON. */
  | { kind: 'malformedFrame'; body?: 'wrong-shape' | 'invalid-json' }
  /** The next `times` SUBSCRIBE requests (default 1; 0 takes the fault back) are refused: `{"error":{"code":2,…},"id":…}`. */
  | { kind: 'refuseSubscribe'; times?: number }
  /** The next `times` connections (default 1; 0 takes the fault back) are closed as soon as they open (code 1013). */
  | { kind: 'refuseConnection'; times?: number };

/** The market streams (`market-stream.ts`): mark prices of the scenario's legs, `<symbol>@markPrice[@1s]`. */
export interface SimMarketStreams {
  /** The base to configure as `endpoints.usdmMarket` / `endpoints.coinmMarket`: `ws://127.0.0.1:PORT/market` or `/dstream`. */
  wsMarketUrl(market: SimMarket): string;
  /**
   * Pushes each subscribed mark price now, as the exchange does every second; returns the frames sent. A
   * price the scenario changes (`setPositions`, `updatePositions`, `liquidate`) goes out at once anyway.
   */
  pushMarkPrices(): number;
  /** Pushes them every `ms` of real time (the demo: 1000); 0 stops. Off until asked, so tests choose when ticks come. */
  pushMarkPricesEvery(ms: number): void;
  /** Ends every market stream connection without a closing handshake, as a network failure does. */
  dropStreams(): void;
  /** Each open connection's subscriptions, as LIST_SUBSCRIPTIONS would answer on it. */
  marketSubscriptions(market: SimMarket): string[][];
  injectMarketFault(fault: SimMarketFault): void;
  /** Pings every market stream connection; resolves with how many answered with a pong. */
  pingStreams(): Promise<number>;
}

/** Portfolio Margin's risk levels, as its `riskLevelChange` event names them. */
export type SimRiskLevel = 'MARGIN_CALL' | 'REDUCE_ONLY' | 'FORCE_LIQUIDATION';

/**
 * The user data streams (`user-streams.ts`), at `/private/ws/<listenKey>` (USDⓈ-M), `/pm/ws/<listenKey>`
 * (Portfolio Margin) and `/dstream-private/ws/<listenKey>` (COIN-M). They push `ACCOUNT_UPDATE` when a
 * control changes an account's legs or wallets, `ORDER_TRADE_UPDATE` when `liquidate` closes a leg, and
 * `listenKeyExpired` (then close) once a key goes 60 minutes of the simulator's clock without a keepalive.
 */
export interface SimUserStreams {
  /** The base to configure as `endpoints.usdmPrivate` / `coinmPrivate` / `pmPrivate` for the source. */
  userStreamUrl(source: SourceId): string;
  /** Pushes `MARGIN_CALL` with the source's open legs (USDⓈ-M and COIN-M). Throws when it has none. */
  marginCall(account: string, source: SourceId): void;
  /** Pushes Portfolio Margin's `riskLevelChange` at `level`, with the uniMMR its legs and wallet give. */
  riskLevelChange(account: string, level: SimRiskLevel): void;
  /** Ends the account's user data stream connections (every account's without one) as a network failure does; returns how many. */
  dropUserStreams(account?: string): number;
  /** Pushes a frame a client must refuse on the source's stream: not JSON, or a forced order without its price and amounts. */
  pushMalformedUserFrame(account: string, source: SourceId, body?: 'invalid-json' | 'wrong-shape'): void;
}

export interface ExchangeSimulator extends SimMarketStreams, SimUserStreams {
  /** Base URL of every REST source: `http://127.0.0.1:PORT`. */
  url: string;
  /** The WebSocket API: `ws://127.0.0.1:PORT/ws-fapi/v1`. */
  wsUrl: string;
  /** Every request and frame, in the order processed. */
  requests: SimRequestLog[];
  /** Server time: the local clock plus the skew. */
  now(): number;
  setLatency(ms: number): void;
  setClockSkew(ms: number): void;
  setPositions(account: string, source: SourceId, positions: SimPosition[]): void;
  updatePositions(account: string, source: SourceId, fn: (positions: SimPosition[]) => SimPosition[]): void;
  /**
   * Closes an open leg by force, as the exchange does: the leg becomes flat (`positionAmt` 0, as the
   * position endpoints then show it; on USDⓈ-M in both `usdm` and `usdm-ws`, one book) and its force
   * order is recorded, served by the source's force-order endpoint. Returns that order's row as the
   * endpoint shows it. Throws when the account holds no such open leg, or when two legs match.
   */
  liquidate(account: string, source: SourceId, symbol: string, opts?: SimLiquidation): Record<string, unknown>;
  /**
   * Sets the wallet balance of an asset in the source's book (`usdm` and `usdm-ws` share one, `pm-um` and
   * `pm-cm` the Portfolio Margin account, which takes USDT, USDC or USD). From then on the book holds
   * exactly what was set for it. Throws naming what is wrong.
   */
  setWallet(account: string, source: SourceId, asset: string, amount: number): void;
  /** Makes `GET /papi/v1/account` say this status whatever the uniMMR; `null` goes back to the ladder. */
  setAccountStatus(account: string, status: SimAccountStatus | null): void;
  /** Makes the source's ADL page say this quantile (0–4) for the leg; `null` goes back to the default. */
  setAdlQuantile(
    account: string,
    source: SourceId,
    symbol: string,
    positionSide: SimPositionSide,
    quantile: number | null,
  ): void;
  injectFault(target: SimFaultTarget, fault: SimFault): void;
  clearFaults(): void;
  /** TCP connections open now: HTTP keep-alive connections and WebSocket clients. */
  openSockets(): number;
  /** Destroys every socket, hanging ones included, and clears every timer. */
  close(): Promise<void>;
}
