/*
 * The requests a market stream connection takes, and their answers, as the exchange documents them:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams
 * (COIN-M's page is the same). An answer is `{"result": null, "id": 1}` (LIST_SUBSCRIPTIONS: the list,
 * GET_PROPERTY: the value); an error is `{"error": {"code": 2, "msg": "Invalid request: …"}, "id": 1}`, the
 * page's table giving the inner object. Where the table adds the parser's position ("at line 1 column 28")
 * the simulator leaves it out.
 */

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'] as const;

/** A request id: the page says an unsigned integer; the exchange's own connector sends 32 hex digits, and is answered. */
export type StreamRequestId = number | string;

export type StreamRequest =
  | { method: 'SUBSCRIBE' | 'UNSUBSCRIBE'; id: StreamRequestId; streams: string[] }
  | { method: 'LIST_SUBSCRIPTIONS'; id: StreamRequestId }
  | { method: 'SET_PROPERTY'; id: StreamRequestId; combined: boolean }
  | { method: 'GET_PROPERTY'; id: StreamRequestId };

/** A refused request: what the exchange answers, and the id it echoes (`null` when it could not read one). */
export interface StreamRequestError {
  id: StreamRequestId | null;
  code: number;
  msg: string;
}

/** Stream names are lowercase symbols: `btcusdt@markPrice@1s`, `btcusd_perp@markPrice`, `!markPrice@arr`. */
const STREAM_NAME = /^(?:[a-z0-9_]+|![a-zA-Z]+)@[a-zA-Z0-9_@]+$/;

/** The mark price streams: `<symbol>@markPrice` (every 3 s) or `<symbol>@markPrice@1s`. */
const MARK_PRICE_STREAM = /^([a-z0-9_]+)@markPrice(?:@1s)?$/;

/** The symbol (uppercase, as events spell it) whose mark price a stream carries, if it is such a stream. */
export function markPriceSymbolOf(stream: string): string | undefined {
  return MARK_PRICE_STREAM.exec(stream)?.[1]?.toUpperCase();
}

/** Whether a name is shaped like a stream; a well-shaped stream the simulator does not serve is taken and stays quiet. */
export function isStreamName(name: string): boolean {
  return STREAM_NAME.test(name);
}

/** Reads one text frame sent by a client. */
export function readStreamRequest(text: string): StreamRequest | StreamRequestError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: null, code: 3, msg: 'Invalid JSON: expected value' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, code: 2, msg: 'Invalid request: missing field `method`' };
  }
  const frame = value as Record<string, unknown>;
  const id = frame.id;
  const validId =
    (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && id.length > 0);
  if (!validId) return { id: null, code: 2, msg: 'Invalid request: request ID must be an unsigned integer' };
  const method = frame.method;
  if (method === undefined) return { id, code: 2, msg: 'Invalid request: missing field `method`' };
  if (!METHODS.includes(method as (typeof METHODS)[number])) {
    const expected = METHODS.map((m) => `\`${m}\``).join(', ');
    return { id, code: 2, msg: `Invalid request: unknown variant \`${String(method)}\`, expected one of ${expected}` };
  }
  const params = frame.params;
  switch (method as (typeof METHODS)[number]) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      const ok = Array.isArray(params) && params.every((p) => typeof p === 'string' && isStreamName(p));
      if (!ok) return { id, code: 2, msg: 'Invalid request: invalid stream' };
      return { method: method as 'SUBSCRIBE' | 'UNSUBSCRIBE', id, streams: params as string[] };
    }
    case 'LIST_SUBSCRIPTIONS':
      if (params !== undefined) return { id, code: 2, msg: 'Invalid request: too many parameters' };
      return { method: 'LIST_SUBSCRIPTIONS', id };
    case 'SET_PROPERTY':
    case 'GET_PROPERTY': {
      const [name, setting] = Array.isArray(params) ? (params as unknown[]) : [];
      if (typeof name !== 'string') return { id, code: 2, msg: 'Invalid request: property name must be a string' };
      if (name !== 'combined') return { id, code: 0, msg: 'Unknown property' };
      if (method === 'GET_PROPERTY') return { method: 'GET_PROPERTY', id };
      if (typeof setting !== 'boolean') return { id, code: 1, msg: 'Invalid value type: expected Boolean' };
      return { method: 'SET_PROPERTY', id, combined: setting };
    }
  }
}

/** `{"result": …, "id": …}`. */
export function answerText(id: StreamRequestId, result: unknown): string {
  return JSON.stringify({ result, id });
}

/** `{"error": {"code": …, "msg": …}, "id": …}`. */
export function errorText(error: StreamRequestError): string {
  return JSON.stringify({ error: { code: error.code, msg: error.msg }, id: error.id });
}

/**
 * A mark price event, with the fields of the Mark Price Stream pages: USDⓈ-M
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream
 * and COIN-M (`r` is `""` and `T` 0 for a delivery contract)
 * https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Mark-Price-Stream
 * The index and the estimated settle price are the mark price; the funding rate is 0.01 %, paid every 8 h.
 */
export function markPriceUpdate(symbol: string, markPrice: number, now: number): Record<string, unknown> {
  const price = markPrice.toFixed(8);
  // USDⓈ-M perpetuals have no suffix (`BTCUSDT`), COIN-M's end in `_PERP`; a dated contract is not perpetual.
  const perpetual = !symbol.includes('_') || symbol.endsWith('_PERP');
  const eightHours = 8 * 60 * 60 * 1000;
  return {
    e: 'markPriceUpdate',
    E: now,
    s: symbol,
    p: price,
    i: price,
    P: price,
    r: perpetual ? '0.00010000' : '',
    T: perpetual ? (Math.floor(now / eightHours) + 1) * eightHours : 0,
  };
}
