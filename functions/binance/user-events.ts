import { z } from 'zod';
import type { SourceId } from '#core/position.js';
import { parseWith, readJson } from '#shared/parse.js';
import {
  DecimalSchema,
  MillisSchema,
  PositionSideSchema,
  readDecimal,
  readOptionalDecimal,
  SymbolSchema,
} from './numbers.js';
import type { UserEvent } from './stream-events.js';

/*
 * The frames of a user data stream, checked and normalised to `UserEvent`. What an event is told by is
 * strict (its time; for a forced close, the leg, price and amount); the rest of a frame is read by
 * nothing and may be anything. Events liqwatch does not read (`TRADE_LITE`, `ACCOUNT_CONFIG_UPDATE`,
 * orders of the trader's own, …) pass as `other`.
 */

/** What one frame said. */
export type UserFrame =
  | { kind: 'event'; event: UserEvent }
  /** `listenKeyExpired`: "No more user data event will be updated after this event received until a new valid listenKey used." */
  | { kind: 'expired' }
  | { kind: 'other'; type: string };

/** Whose stream a frame came on. */
export interface StreamOwner {
  account: string;
  /** For Portfolio Margin, the source of the events that do not name their book. */
  source: SourceId;
}

/** Every event: its type and time. USDⓈ-M's `listenKeyExpired` example sends the time as a string. */
const HeadSchema = z.looseObject({ e: z.string({ error: 'expected the event type e' }), E: MillisSchema });

/**
 * `ACCOUNT_UPDATE`: `a.m` is the reason (`ORDER`, `FUNDING_FEE`, `DEPOSIT`, …). Portfolio Margin adds
 * `fs`, the book: "'UM' for USDS-M futures and 'CM' for COIN-M futures".
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Balance-and-Position-Update
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Event-Balance-and-Position-Update
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Balance-and-Position-Update
 */
const AccountUpdateSchema = z.looseObject({ fs: z.unknown().optional(), a: z.looseObject({ m: z.string() }) });

/**
 * `ORDER_TRADE_UPDATE`. "If user gets liquidated due to insufficient margin balance: c shows as
 * "autoclose-XXX"; if user has enough margin balance but gets ADL: c shows as "adl_autoclose"."
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Event-Order-Update
 * https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-Futures-Order-update
 */
const OrderUpdateSchema = z.looseObject({ fs: z.unknown().optional(), o: z.looseObject({ c: z.string() }) });

/** A forced order's fields a liquidation message needs: side, leg, status, average and last price, amounts. */
const ForcedOrderSchema = z.looseObject({
  s: SymbolSchema,
  S: z.enum(['BUY', 'SELL']),
  ps: PositionSideSchema,
  X: z.string(),
  ap: DecimalSchema,
  L: DecimalSchema,
  z: DecimalSchema,
  l: DecimalSchema,
});

/** The statuses an order ends in; one that ends having filled something closed that much of the leg. */
const ENDED = new Set(['FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH']);

/**
 * `MARGIN_CALL` (USDⓈ-M and COIN-M): the legs in `p`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Margin-Call
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/user-data-streams/Event-Margin-Call
 */
const MarginCallSchema = z.looseObject({ p: z.array(z.looseObject({ s: SymbolSchema })).optional() });

/**
 * Portfolio Margin's `riskLevelChange`: `u` the uniMMR, `s` one of MARGIN_CALL, REDUCE_ONLY,
 * FORCE_LIQUIDATION. https://developers.binance.com/docs/derivatives/portfolio-margin/user-data-streams/Event-riskLevelChange
 */
const RiskLevelSchema = z.looseObject({ u: z.unknown().optional(), s: z.string() });

/**
 * Reads one text frame. Throws a `ParseError` naming the event and field of a frame that is not JSON
 * or not the documented shape; it never repeats the frame.
 */
export function readUserFrame(text: string, owner: StreamOwner): UserFrame {
  let value = readJson(text, 'user data stream frame');
  // The `stream` mode of the connection wraps each event as {"stream": …, "data": …}.
  if (isObject(value) && 'stream' in value && isObject(value.data)) value = value.data;
  const head = parseWith(HeadSchema, value, 'user data stream frame');
  const eventTime = readDecimal(head.E);
  const base = { account: owner.account, eventTime };
  switch (head.e) {
    case 'listenKeyExpired':
      return { kind: 'expired' };
    case 'ACCOUNT_UPDATE': {
      const frame = parseWith(AccountUpdateSchema, value, head.e);
      return event({ kind: 'account-update', ...base, source: sourceOf(frame.fs, owner), reason: frame.a.m });
    }
    case 'ORDER_TRADE_UPDATE':
      return readOrderUpdate(value, owner, eventTime);
    case 'MARGIN_CALL': {
      const symbols = [...new Set((parseWith(MarginCallSchema, value, head.e).p ?? []).map((p) => p.s))];
      return event({ kind: 'margin-call', ...base, source: owner.source, symbols });
    }
    case 'riskLevelChange': {
      const frame = parseWith(RiskLevelSchema, value, head.e);
      const uniMMR = readOptionalDecimal(frame.u);
      return event({ kind: 'risk-level', ...base, source: owner.source, uniMMR, status: frame.s });
    }
    default:
      return { kind: 'other', type: head.e };
  }
}

/**
 * A forced order is told once, when it ends having filled something: at the average price of its
 * fills (the last fill's price where no average is given) for the amount filled in all. Its other
 * updates (`NEW`, partial fills) and every order of the trader's own pass as `other`.
 */
function readOrderUpdate(value: unknown, owner: StreamOwner, eventTime: number): UserFrame {
  const frame = parseWith(OrderUpdateSchema, value, 'ORDER_TRADE_UPDATE');
  const type = frame.o.c.startsWith('adl_autoclose')
    ? 'ADL'
    : frame.o.c.startsWith('autoclose-')
      ? 'LIQUIDATION'
      : undefined;
  if (type === undefined) return { kind: 'other', type: 'ORDER_TRADE_UPDATE' };
  const o = parseWith(ForcedOrderSchema, frame.o, 'ORDER_TRADE_UPDATE o');
  const filled = readDecimal(o.z);
  const qty = filled > 0 ? filled : readDecimal(o.l);
  if (!ENDED.has(o.X) || qty === 0) return { kind: 'other', type: 'ORDER_TRADE_UPDATE' };
  const average = readDecimal(o.ap);
  return event({
    kind: 'force-close',
    account: owner.account,
    source: sourceOf(frame.fs, owner),
    symbol: o.s,
    positionSide: o.ps,
    side: o.S,
    type,
    price: average > 0 ? average : readDecimal(o.L),
    qty,
    eventTime,
  });
}

/** A Portfolio Margin event's book from its `fs`; every other stream's events are its source's. */
function sourceOf(fs: unknown, owner: StreamOwner): SourceId {
  if (owner.source !== 'pm-um' && owner.source !== 'pm-cm') return owner.source;
  return fs === 'UM' ? 'pm-um' : fs === 'CM' ? 'pm-cm' : owner.source;
}

function event(e: UserEvent): UserFrame {
  return { kind: 'event', event: e };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
