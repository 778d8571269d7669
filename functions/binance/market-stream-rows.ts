import { z } from 'zod';
import { describeIssues, ParseError, readJson } from '#shared/parse.js';
import { DecimalSchema, MillisSchema, OptionalSchema, readDecimal, SymbolSchema } from './numbers.js';

/*
 * What the market streams send and take: the mark price event, the combined-stream wrapper, and the
 * answers to SUBSCRIBE / UNSUBSCRIBE, each read at the edge. Pages:
 * - https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * - https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream
 * - https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams
 * - https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams
 */

/**
 * The exchange's market stream bases. USDⓈ-M routes regular market data (`@markPrice` among it) to
 * `/market` since the 2026-03-06 split; the old `wss://fstream.binance.com/ws|stream` URLs were
 * retired on 2026-04-23 and, for a `/market` stream, deliver nothing without an error:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
 * COIN-M kept its host: `wss://dstream.binance.com`.
 */
export const MARKET_STREAM_ENDPOINTS = {
  usdm: 'wss://fstream.binance.com/market',
  coinm: 'wss://dstream.binance.com',
} as const;

/** The limits of one connection, the same on both hosts (the Websocket Market Streams pages above). */
export const MARKET_STREAM_LIMITS = {
  /** "A single connection can listen to a maximum of 1024 streams." */
  streamsPerConnection: 1024,
  /** "WebSocket connections have a limit of 10 incoming messages per second"; beyond it the server disconnects. */
  incomingPerSecond: 10,
  /** "A single connection is only valid for 24 hours; expect to be disconnected at the 24 hour mark." */
  lifeMs: 24 * 60 * 60 * 1000,
} as const;

/** The stream of a symbol's mark price, every second: `btcusdt@markPrice@1s` (stream names are lowercase). */
export function markPriceStreamOf(symbol: string): string {
  return `${symbol.toLowerCase()}@markPrice@1s`;
}

/**
 * `markPriceUpdate`: `p` is the mark price. `i` (index), `P` (estimated settle), `r` (funding rate, `""`
 * for a COIN-M delivery contract) and `T` (next funding, 0 there) are not used, and are read leniently.
 */
export const MarkPriceUpdateSchema = z.looseObject({
  e: z.literal('markPriceUpdate'),
  E: MillisSchema,
  s: SymbolSchema,
  p: DecimalSchema,
  i: OptionalSchema,
  P: OptionalSchema,
  r: OptionalSchema,
  T: OptionalSchema,
});

/** Combined streams wrap each event: `{"stream":"<streamName>","data":<rawPayload>}`. */
const CombinedEventSchema = z.object({ stream: z.string(), data: z.unknown() });

const RequestIdSchema = z.union([z.number(), z.string(), z.null()]);

/** `{"result": null, "id": 1}` (LIST_SUBSCRIPTIONS answers a list). */
const AnswerSchema = z.object({ result: z.unknown(), id: RequestIdSchema });

const ErrorBodySchema = z.object({ code: z.number(), msg: z.string() });

/**
 * A refused request. On the wire the error is nested, `{"error":{"code":2,"msg":"Invalid request: …"},"id":1}`;
 * the page's table prints the inner object alone, `{"code": 0, "msg": "Unknown property","id": %s}`: both are read.
 */
const RefusalSchema = z.union([
  z.object({ error: ErrorBodySchema, id: RequestIdSchema.optional() }),
  ErrorBodySchema.extend({ id: RequestIdSchema.optional() }),
]);

/** One frame of a market stream connection, read. */
export type StreamFrame =
  | { kind: 'tick'; symbol: string; markPrice: number; eventTime: number }
  | { kind: 'answer'; id: number | string | null }
  | { kind: 'refusal'; id: number | string | null; code: number; msg: string }
  /** Anything else: reported, and the stream goes on. */
  | { kind: 'unknown'; problem: string };

/** Reads one text frame of a combined-stream connection; never throws. */
export function readStreamFrame(text: string): StreamFrame {
  let value: unknown;
  try {
    value = readJson(text, 'market stream frame');
  } catch (error) {
    if (error instanceof ParseError) return { kind: 'unknown', problem: error.message };
    throw error;
  }
  const event = CombinedEventSchema.safeParse(value);
  if (event.success) {
    const update = MarkPriceUpdateSchema.safeParse(event.data.data);
    if (!update.success) {
      return { kind: 'unknown', problem: `${event.data.stream} event: ${describeIssues(update.error)}` };
    }
    const { s, p, E } = update.data;
    return { kind: 'tick', symbol: s, markPrice: readDecimal(p), eventTime: readDecimal(E) };
  }
  const refusal = RefusalSchema.safeParse(value);
  if (refusal.success) {
    const body = 'error' in refusal.data ? refusal.data.error : refusal.data;
    return { kind: 'refusal', id: refusal.data.id ?? null, code: body.code, msg: body.msg };
  }
  const answer = AnswerSchema.safeParse(value);
  if (answer.success && value !== null && typeof value === 'object' && 'result' in value) {
    return { kind: 'answer', id: answer.data.id };
  }
  return { kind: 'unknown', problem: 'market stream frame: neither an event nor an answer' };
}
