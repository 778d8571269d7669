import type { SourceId } from '#core/position.js';

/** Where a call went: enough to say which account and source failed, never a query string. */
export interface CallContext {
  readonly account: string;
  readonly source: SourceId;
  /** `GET /fapi/v2/positionRisk` or `ws account.position`, without query or params. */
  readonly endpoint: string;
}

export type SourceErrorKind =
  | 'exchange' // the exchange answered with an error code
  | 'network' // connection refused, reset, DNS
  | 'timeout' // no answer in time, or not called: the host did not answer earlier in the cycle
  | 'deadline' // the cycle's deadline came first: not called, or cut short
  | 'malformed' // an answer of the wrong shape
  | 'too-large' // an answer larger than the cap: not read to its end
  | 'rate-limited' // 429, or the host is still inside its Retry-After
  | 'banned' // 418
  | 'keys' // the keys could not be used
  | 'request'; // the request itself is wrong (a filter the source does not take)

export interface SourceErrorDetails {
  kind: SourceErrorKind;
  httpStatus?: number | undefined;
  exchangeCode?: number | undefined;
  exchangeMessage?: string | undefined;
}

/** Codes that mean "these keys are refused", as opposed to a transient fault. */
const KEY_REFUSED_CODES = new Set([-2014, -2015, -1022]);

/**
 * A failed read of one source for one account. The message names the account, the source, the endpoint,
 * the HTTP status and the exchange's code and message; it never holds a secret, a signature or a query.
 */
export class SourceError extends Error {
  readonly account: string;
  readonly source: SourceId;
  readonly endpoint: string;
  readonly kind: SourceErrorKind;
  readonly httpStatus: number | undefined;
  readonly exchangeCode: number | undefined;
  readonly exchangeMessage: string | undefined;

  constructor(ctx: CallContext, details: SourceErrorDetails, reason: string, options?: ErrorOptions) {
    super(formatMessage(ctx, { ...details, exchangeMessage: capped(details.exchangeMessage) }, reason), options);
    this.name = 'SourceError';
    this.account = ctx.account;
    this.source = ctx.source;
    this.endpoint = ctx.endpoint;
    this.kind = details.kind;
    this.httpStatus = details.httpStatus;
    this.exchangeCode = details.exchangeCode;
    this.exchangeMessage = capped(details.exchangeMessage);
  }

  /** The exchange refused the key or its signature: retrying with the same keys cannot help. */
  get keysRefused(): boolean {
    return this.kind === 'keys' || (this.exchangeCode !== undefined && KEY_REFUSED_CODES.has(this.exchangeCode));
  }

  /** A fault that may pass by itself: network, timeout, 5xx. */
  get transient(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || (this.httpStatus ?? 0) >= 500;
  }
}

/** 429: too many requests. The host is not called again before `retryAt`. */
export class RateLimitError extends SourceError {
  readonly retryAt: number;
  constructor(ctx: CallContext, details: SourceErrorDetails, reason: string, retryAt: number) {
    super(ctx, details, reason);
    this.name = 'RateLimitError';
    this.retryAt = retryAt;
  }
}

/** 418: the IP is banned for continuing after 429s. The host is not called again before `retryAt`. */
export class IpBannedError extends RateLimitError {
  constructor(ctx: CallContext, details: SourceErrorDetails, reason: string, retryAt: number) {
    super(ctx, details, reason, retryAt);
    this.name = 'IpBannedError';
  }
}

/** The most of the exchange's `msg` an error keeps: its own messages are short; a proxy's error page is not. */
const MAX_EXCHANGE_MESSAGE = 300;

/** The exchange's text, cut to a length a log line or a chat message can hold, never inside a character. */
function capped(message: string | undefined): string | undefined {
  if (message === undefined || message.length <= MAX_EXCHANGE_MESSAGE) return message;
  const cut = /[\uD800-\uDBFF]/.test(message[MAX_EXCHANGE_MESSAGE - 2]!)
    ? MAX_EXCHANGE_MESSAGE - 2
    : MAX_EXCHANGE_MESSAGE - 1;
  return `${message.slice(0, cut)}…`;
}

/** An answer over `maxBytes`: its reading was stopped there. Not transient: a retry would get it again. */
export function tooLargeError(ctx: CallContext, maxBytes: number): SourceError {
  return new SourceError(
    ctx,
    { kind: 'too-large' },
    `the answer is larger than ${describeBytes(maxBytes)}; stopped reading it`,
  );
}

/** `16 MiB`, `256 KiB`, `1000 bytes`. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function formatMessage(ctx: CallContext, d: SourceErrorDetails, reason: string): string {
  const parts = [`${ctx.account} ${ctx.source} ${ctx.endpoint}:`];
  if (d.httpStatus !== undefined) parts.push(`HTTP ${d.httpStatus}`);
  if (d.exchangeCode !== undefined) parts.push(`code ${d.exchangeCode}`);
  const head = parts.join(' ');
  const detail = d.exchangeMessage ? `${reason}: ${d.exchangeMessage}` : reason;
  const hint =
    (d.exchangeCode === undefined ? undefined : HINTS.get(d.exchangeCode)) ??
    (d.httpStatus === undefined ? undefined : STATUS_HINTS.get(d.httpStatus));
  return `${head} ${detail}${hint ? ` (${hint})` : ''}`;
}

/** What a trader can do about the exchange's common codes. */
const HINTS = new Map<number, string>([
  [-2015, 'check the API key, its permissions (read) and its IP restriction'],
  [-2014, 'the API key is not in a valid format'],
  [-1022, 'the signature was refused: check the secret or private key'],
  [-1021, 'the clock is off: the request timestamp is outside the exchange window'],
  [-1003, 'too many requests: wait for the ban to lift'],
]);

/**
 * What a trader can do about a status whose code says nothing. The exchange answers 451 (code 0) to every
 * call from a location it does not serve, the United States among them, and so from AWS regions there:
 * no retry or key can help (https://www.binance.com/en/terms, "Eligibility").
 */
const STATUS_HINTS = new Map<number, string>([
  [
    451,
    'the exchange does not serve the place this runs from: run liqwatch from a region it serves, e.g. ap-northeast-1',
  ],
]);
