import { createHmac, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { inspect } from 'node:util';
import { type Keys, KeysError } from './keys.js';

export type SignatureKind = 'hmac' | 'ed25519' | 'rsa';

/**
 * What the transport needs to sign a request, and nothing more: the API key and a `sign` function.
 * The secret lives in a closure, so the object prints, logs and serialises without it.
 *
 * Signing rules: https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info
 * (SIGNED endpoint security): HMAC-SHA256 as lower-case hex, Ed25519 and RSA (PKCS#1 v1.5, SHA-256)
 * as base64.
 */
export class Signer {
  readonly apiKey: string;
  readonly kind: SignatureKind;
  readonly #sign: (payload: string) => string;

  private constructor(apiKey: string, kind: SignatureKind, signFn: (payload: string) => string) {
    this.apiKey = apiKey;
    this.kind = kind;
    this.#sign = signFn;
  }

  /** Builds a signer from parsed keys; `account` names them in an error. */
  static fromKeys(keys: Keys, account: string): Signer {
    if ('apiSecret' in keys) {
      const secret = keys.apiSecret;
      return new Signer(keys.apiKey, 'hmac', (payload) => createHmac('sha256', secret).update(payload).digest('hex'));
    }
    let key: KeyObject;
    try {
      key = createPrivateKey({
        key: keys.privateKey,
        format: 'pem',
        ...(keys.privateKeyPassphrase === undefined ? {} : { passphrase: keys.privateKeyPassphrase }),
      });
    } catch {
      throw new KeysError(
        `keys of ${account}: privateKey could not be read (not a PEM private key, or a wrong passphrase)`,
      );
    }
    if (key.asymmetricKeyType === 'ed25519') {
      return new Signer(keys.apiKey, 'ed25519', (payload) => sign(null, Buffer.from(payload), key).toString('base64'));
    }
    if (key.asymmetricKeyType === 'rsa') {
      return new Signer(keys.apiKey, 'rsa', (payload) => sign('sha256', Buffer.from(payload), key).toString('base64'));
    }
    throw new KeysError(`keys of ${account}: privateKey must be an Ed25519 or RSA key, not ${key.asymmetricKeyType}`);
  }

  /** The signature of `payload`, as the exchange expects it for this key type. */
  sign(payload: string): string {
    return this.#sign(payload);
  }

  toJSON(): { apiKey: string; kind: SignatureKind } {
    return { apiKey: maskApiKey(this.apiKey), kind: this.kind };
  }

  [inspect.custom](): string {
    return `Signer(${this.kind}, ${maskApiKey(this.apiKey)})`;
  }
}

/** Enough of an API key to tell keys apart in a log, not enough to use it. */
export function maskApiKey(apiKey: string): string {
  return apiKey.length <= 8 ? '****' : `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}

/**
 * The query string exactly as it is sent and signed: parameters in the given order, values
 * form-encoded. REST signs this string; the WebSocket API signs the same form of its params sorted by
 * name.
 */
export function encodeParams(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${name}=${encodeURIComponent(String(value))}`);
  }
  return parts.join('&');
}
