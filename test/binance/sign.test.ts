import { generateKeyPairSync, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KeysError, parseKeys } from '#binance/keys.js';
import { encodeParams, Signer } from '#binance/sign.js';

// The worked example of the exchange's docs ("SIGNED Endpoint Examples for POST /fapi/v1/order",
// USDⓈ-M Futures general info). Public documentation values, not credentials.
const DOC_SECRET = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';
const DOC_KEY = 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83';
const DOC_SIGNATURE = '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9';

describe('Signer', () => {
  it("reproduces the exchange docs' own HMAC-SHA256 example", () => {
    // Prepare
    const signer = Signer.fromKeys({ apiKey: DOC_KEY, apiSecret: DOC_SECRET }, 'docs');
    const query = encodeParams({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 1,
      price: 9000,
      timeInForce: 'GTC',
      recvWindow: 5000,
      timestamp: 1591702613943,
    });

    // Act and assess
    expect(query).toBe(
      'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943',
    );
    expect(signer.sign(query)).toBe(DOC_SIGNATURE);
    expect(signer.kind).toBe('hmac');
  });

  it.each(['ed25519', 'rsa'] as const)('signs with an %s private key, told apart by the key itself', (type) => {
    const pair =
      type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signer = Signer.fromKeys({ apiKey: 'k'.repeat(64), privateKey }, 'main');
    const payload = 'symbol=BTCUSDT&timestamp=1702920680303';

    const signature = Buffer.from(signer.sign(payload), 'base64');

    expect(signer.kind).toBe(type);
    expect(verify(type === 'rsa' ? 'sha256' : null, Buffer.from(payload), pair.publicKey, signature)).toBe(true);
  });

  it('reads a private key protected by a passphrase, and says so when the passphrase is wrong', () => {
    const { privateKey } = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(Signer.fromKeys({ apiKey: 'key', privateKey, privateKeyPassphrase: 'open sesame' }, 'main').kind).toBe(
      'ed25519',
    );
    expect(() => Signer.fromKeys({ apiKey: 'key', privateKey, privateKeyPassphrase: 'wrong' }, 'main')).toThrow(
      /keys of main: privateKey could not be read/,
    );
  });

  it('refuses a key type the exchange does not take', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => Signer.fromKeys({ apiKey: 'key', privateKey: pem }, 'main')).toThrow(/Ed25519 or RSA key, not ec/);
  });

  it('never shows its secret when printed, logged or serialised', () => {
    const signer = Signer.fromKeys({ apiKey: DOC_KEY, apiSecret: DOC_SECRET }, 'docs');
    for (const shown of [JSON.stringify(signer), inspect(signer, { showHidden: true, depth: 9 }), String(signer)]) {
      expect(shown).not.toContain(DOC_SECRET);
      expect(shown).not.toContain(DOC_KEY);
    }
  });
});

describe('parseKeys', () => {
  it('names what is wrong without echoing the secret', () => {
    const secret = 'super-secret-value-1234567890';
    const attempts = [
      `{"apiKey": "abc", "apiSecrt": "${secret}"}`,
      `{"apiKey": "abc", "privateKey": "${secret}"}`,
      `not json ${secret}`,
    ];
    for (const text of attempts) {
      let error: unknown;
      try {
        parseKeys(text, 'keys/main.json');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(KeysError);
      expect((error as Error).message).toMatch(/^keys\/main\.json: /);
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
