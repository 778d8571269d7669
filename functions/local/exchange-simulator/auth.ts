import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import {
  apiKeyFormatInvalid,
  badRecvWindow,
  type ExchangeError,
  illegalChars,
  invalidApiKey,
  invalidSignature,
  mandatoryParam,
  outsideRecvWindow,
  timestampAhead,
} from './errors.js';
import type { SimAccount } from './types.js';

/** The exchange's default and largest `recvWindow` (general info, "Timing security"). */
export const DEFAULT_RECV_WINDOW = 5_000;
export const MAX_RECV_WINDOW = 60_000;

/** Exchange keys are alphanumeric; this leaves room for test keys with `-`, `_` and `.`. */
const API_KEY_FORMAT = /^[A-Za-z0-9._-]{1,256}$/;

/** Checks a signature over a payload; built once per account from its key. */
export type SignatureCheck = (payload: string, signature: string) => boolean;

/**
 * How the exchange checks an account's signatures: HMAC-SHA256 as hex (not case sensitive) with an
 * API secret, or a base64 Ed25519 / RSA (PKCS#1 v1.5, SHA-256) signature with the registered public
 * key. https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 */
export function signatureCheckFor(account: SimAccount): SignatureCheck {
  if (account.apiSecret !== undefined) {
    const secret = account.apiSecret;
    return (payload, signature) => {
      const expected = Buffer.from(createHmac('sha256', secret).update(payload).digest('hex'));
      const given = Buffer.from(signature.toLowerCase());
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
  }
  if (account.publicKeyPem === undefined) {
    throw new Error(`account ${account.name}: give apiSecret or publicKeyPem`);
  }
  const key: KeyObject = createPublicKey(account.publicKeyPem);
  const algorithm = key.asymmetricKeyType === 'ed25519' ? null : key.asymmetricKeyType === 'rsa' ? 'sha256' : undefined;
  if (algorithm === undefined) {
    throw new Error(`account ${account.name}: the public key must be Ed25519 or RSA, not ${key.asymmetricKeyType}`);
  }
  return (payload, signature) => {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
    try {
      return verify(algorithm, Buffer.from(payload), key, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  };
}

/** The account a key belongs to, or the error the exchange answers for the key. */
export function checkApiKey<A extends SimAccount>(
  apiKey: string | undefined,
  accounts: readonly A[],
): { account: A } | ExchangeError {
  if (apiKey === undefined || apiKey === '') return invalidApiKey();
  if (!API_KEY_FORMAT.test(apiKey)) return apiKeyFormatInvalid();
  const account = accounts.find((a) => a.apiKey === apiKey);
  return account ? { account } : invalidApiKey();
}

/**
 * The timing rule of every signed request: refused when the timestamp is 1000 ms or more ahead of the
 * server's time, or older than `recvWindow` (default 5000, at most 60000). The exchange's own check:
 * `timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow`.
 */
export function checkTimestamp(
  timestamp: string | undefined,
  recvWindow: string | undefined,
  serverTime: number,
): ExchangeError | undefined {
  if (timestamp === undefined || !/^\d{1,20}$/.test(timestamp)) return mandatoryParam('timestamp');
  let window = DEFAULT_RECV_WINDOW;
  if (recvWindow !== undefined) {
    if (!/^\d{1,20}$/.test(recvWindow)) return illegalChars('recvWindow', '^[0-9]{1,20}$');
    window = Number(recvWindow);
    if (window > MAX_RECV_WINDOW) return badRecvWindow(MAX_RECV_WINDOW);
  }
  const ts = Number(timestamp);
  if (ts >= serverTime + 1000) return timestampAhead();
  if (serverTime - ts > window) return outsideRecvWindow();
  return undefined;
}

/** -1022 unless the signature is present and right. */
export function checkSignature(
  check: SignatureCheck,
  payload: string,
  signature: string | undefined,
): ExchangeError | undefined {
  if (signature === undefined || signature === '') return invalidSignature();
  return check(payload, signature) ? undefined : invalidSignature();
}

/**
 * What a REST request signs: its query string exactly as sent, without the `signature` parameter
 * (which the exchange expects last: `…&timestamp=…&signature=…`).
 */
export function restSignedPayload(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('signature='))
    .join('&');
}

/**
 * What a WebSocket API request signs: every param except `signature`, sorted by name, as
 * `name=value` joined with `&` (seed 001; WebSocket API general info, "SIGNED request security").
 */
export function wsSignedPayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((name) => name !== 'signature')
    .sort()
    .map((name) => `${name}=${String(params[name])}`)
    .join('&');
}
