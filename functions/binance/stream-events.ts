import type { PositionSide, SourceId } from '#core/position.js';

/*
 * What the exchange's streams push, normalised: the mark price of a symbol (market streams), and what
 * happened to an account (user data streams). The watcher recomputes distances from the ticks and reads
 * an account again, or tells a liquidation, from the events.
 */

/** A mark price pushed by a market stream (`<symbol>@markPrice@1s`). */
export interface MarkTick {
  /** `usdm` for the USDⓈ-M market stream (also the price of `usdm-ws` and `pm-um` legs), `coinm` for COIN-M (and `pm-cm`). */
  market: 'usdm' | 'coinm';
  symbol: string;
  markPrice: number;
  /** The exchange's event time, epoch ms. */
  eventTime: number;
}

/** An account's event from its user data stream. */
export type UserEvent =
  /** `ACCOUNT_UPDATE`: balances or positions changed; the account is read again at once. */
  | { kind: 'account-update'; account: string; source: SourceId; eventTime: number; reason: string }
  /** `ORDER_TRADE_UPDATE` of an order the exchange placed to close a leg (client order id `autoclose-…` or `adl_autoclose`). */
  | {
      kind: 'force-close';
      account: string;
      source: SourceId;
      symbol: string;
      positionSide: PositionSide;
      side: 'BUY' | 'SELL';
      type: 'LIQUIDATION' | 'ADL';
      price: number;
      qty: number;
      eventTime: number;
    }
  /** `MARGIN_CALL`: the exchange warns that the account's margin is running out. */
  | { kind: 'margin-call'; account: string; source: SourceId; eventTime: number; symbols: string[] }
  /** Portfolio Margin's risk level change (`riskLevelChange`): uniMMR and status as the exchange pushed them. */
  | { kind: 'risk-level'; account: string; source: SourceId; eventTime: number; uniMMR: number | null; status: string };

/** Why a stream may have missed something: the watcher reads the account (or its prices) again by REST. */
export interface StreamGap {
  /** The account whose user data stream broke, or `null` for a market stream. */
  account: string | null;
  source: SourceId | 'usdm' | 'coinm';
  reason: string;
}
