/**
 * The exchange's error answers, with the codes and messages of its error pages:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code
 * (COIN-M and Portfolio Margin share the same codes).
 */

/** An error answer: the HTTP status (also the WebSocket API `status`), the code and the message. */
export interface ExchangeError {
  status: number;
  code: number;
  msg: string;
  /** Seconds to wait, for 429 and 418 (the `Retry-After` header). */
  retryAfterSec?: number;
  /** Server time when the wait ends, for 429 and 418 (the WebSocket API's `error.data.retryAfter`). */
  retryAt?: number;
}

const CLIENT_IP = '127.0.0.1';

/** -2015: the key is unknown (or missing), or may not do this from this IP. */
export function invalidApiKey(): ExchangeError {
  return {
    status: 401,
    code: -2015,
    msg: `Invalid API-key, IP, or permissions for action, request ip: ${CLIENT_IP}`,
  };
}

/** -2014: the key is not even shaped like a key. */
export function apiKeyFormatInvalid(): ExchangeError {
  return { status: 401, code: -2014, msg: 'API-key format invalid.' };
}

/** -1102: a mandatory parameter is missing or unreadable. */
export function mandatoryParam(name: string): ExchangeError {
  return {
    status: 400,
    code: -1102,
    msg: `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
  };
}

/** -1021 when the client's clock runs ahead of the server's. */
export function timestampAhead(): ExchangeError {
  return { status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
}

/** -1021 when the request is older than its `recvWindow`. */
export function outsideRecvWindow(): ExchangeError {
  return { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
}

/** -1100: a parameter holds characters outside its legal range. */
export function illegalChars(name: string, range: string): ExchangeError {
  return {
    status: 400,
    code: -1100,
    msg: `Illegal characters found in parameter '${name}'; legal range is '${range}'.`,
  };
}

/** -1131: `recvWindow` above its maximum. */
export function badRecvWindow(max: number): ExchangeError {
  return { status: 400, code: -1131, msg: `recvWindow must be less than ${max}` };
}

/** -1022: the signature does not match the payload and the key. */
export function invalidSignature(): ExchangeError {
  return { status: 400, code: -1022, msg: 'Signature for this request is not valid.' };
}

/** -1121: the symbol is not listed. */
export function invalidSymbol(): ExchangeError {
  return { status: 400, code: -1121, msg: 'Invalid symbol.' };
}

/** -1130: a parameter's value is not allowed (here: `marginAsset` and `pair` together). */
export function invalidParameter(name: string, why: string): ExchangeError {
  return { status: 400, code: -1130, msg: `Data sent for parameter '${name}' is not valid: ${why}` };
}

/** A path (or method) the API does not have. */
export function unknownPath(path: string, method: string): ExchangeError {
  return { status: 404, code: -5000, msg: `Path ${path}, Method ${method} is invalid` };
}

/** A WebSocket API method the API does not have. */
export function unknownWsMethod(method: string): ExchangeError {
  return {
    status: 400,
    code: -1100,
    msg: `Illegal characters found in parameter 'method'; legal range is 'account.position'. (got '${method}')`,
  };
}

/** A WebSocket API frame that is not a JSON request object. */
export function invalidJsonRequest(): ExchangeError {
  return { status: 400, code: -1135, msg: 'Invalid JSON request; expected an object with id, method and params.' };
}

/**
 * 451 from a location the exchange does not serve, with code 0 and the message it sends from one (as
 * reported by its users, e.g. https://github.com/ccxt/ccxt/issues/16044; the API pages do not list it).
 */
export function restrictedLocation(): ExchangeError {
  return {
    status: 451,
    code: 0,
    msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
  };
}

/** -1001 on a 5xx: the server could not process the request. */
export function serverError(status = 503): ExchangeError {
  return { status, code: -1001, msg: 'Internal error; unable to process your request. Please try again.' };
}

/** 429 -1003: the minute's request weight is used up. */
export function tooManyRequests(limit: number, retryAfterSec: number, now: number): ExchangeError {
  return {
    status: 429,
    code: -1003,
    msg: `Too many requests; current limit is ${limit} request weight per 1 MINUTE. Please use the websocket for live updates to avoid polling the API.`,
    retryAfterSec,
    retryAt: now + retryAfterSec * 1000,
  };
}

/** 418 -1003: the IP is banned until a time the message names in epoch ms. */
export function ipBanned(retryAfterSec: number, now: number): ExchangeError {
  const until = now + retryAfterSec * 1000;
  return {
    status: 418,
    code: -1003,
    msg: `Way too many requests; IP(${CLIENT_IP}) banned until ${until}. Please use the websocket for live updates to avoid bans.`,
    retryAfterSec,
    retryAt: until,
  };
}
