import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemsOf } from '#builders/config-text.js';
import { secretsClientFor } from '#builders/secrets-client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import type { AccountConfig } from '#config/schema.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';

/*
 * Many accounts' keys in one secret (`secretId` + `secretKey`), read through the real SDK client and
 * Powertools' provider from the Secrets Manager stand-in.
 */

const SECRET_A = 'desk-secret-of-a-NEVER-IN-A-MESSAGE-0000000000000000000000000000';
const SECRET_B = 'desk-secret-of-b-NEVER-IN-A-MESSAGE-1111111111111111111111111111';
const desk = (a: string, b = 'key-b') =>
  JSON.stringify({ a: { apiKey: a, apiSecret: SECRET_A }, b: { apiKey: b, apiSecret: SECRET_B } });

let sm: FakeSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  sm = await startFakeSecretsManager({
    'liqwatch/desk': desk('key-a'),
    'liqwatch/single': JSON.stringify({ apiKey: 'key-s', apiSecret: SECRET_A }),
    'liqwatch/list': JSON.stringify([{ apiKey: 'key-l', apiSecret: SECRET_A }]),
    'liqwatch/bad-set': JSON.stringify({ a: { apiKey: 'key-a', apiSecret: 7, note: SECRET_B } }),
  });
  client = secretsClientFor(sm);
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});

/** A keys provider with a cache of its own, as a fresh container has. */
const provider = () => createKeysProvider({ baseDir: '.', secrets: new SecretsProvider({ awsSdkV3Client: client }) });
const inSecret = (name: string, secretId: string, secretKey?: string): AccountConfig => ({
  name,
  sources: ['usdm'],
  secretId,
  ...(secretKey === undefined ? {} : { secretKey }),
});
const readsOf = (secretId: string) => sm.reads.filter((r) => r === secretId).length;

describe('accounts that share one secret', () => {
  const a = inSecret('a', 'liqwatch/desk', 'a');
  const b = inSecret('b', 'liqwatch/desk', 'b');

  it('read their own key sets with one GetSecretValue, asked at once and while warm', async () => {
    // Prepare
    sm.secrets.set('liqwatch/desk', desk('key-a'));
    const before = readsOf('liqwatch/desk');
    const keys = provider();

    // Act
    const signers = await Promise.all([keys.signerFor(a), keys.signerFor(b)]);
    await Promise.all([keys.signerFor(a), keys.signerFor(b)]);

    // Assess
    expect(signers.map((s) => s.apiKey)).toEqual(['key-a', 'key-b']);
    expect(readsOf('liqwatch/desk') - before).toBe(1);
  });

  it('a fresh read asked by both at once is one read, and gives each its rotated key', async () => {
    sm.secrets.set('liqwatch/desk', desk('key-a'));
    const keys = provider();
    await Promise.all([keys.signerFor(a), keys.signerFor(b)]);
    const before = readsOf('liqwatch/desk');
    sm.secrets.set('liqwatch/desk', desk('key-a2'));

    expect((await keys.signerFor(a)).apiKey).toBe('key-a');
    const fresh = await Promise.all([keys.signerFor(a, { fresh: true }), keys.signerFor(b, { fresh: true })]);

    expect(fresh.map((s) => s.apiKey)).toEqual(['key-a2', 'key-b']);
    expect(readsOf('liqwatch/desk') - before).toBe(1);
  });

  it('a secret without secretKey is still one key set', async () => {
    expect((await provider().signerFor(inSecret('s', 'liqwatch/single'))).apiKey).toBe('key-s');
  });
});

describe('a key set the secret does not hold', () => {
  it.each([
    [
      'a name the secret lacks',
      inSecret('c', 'liqwatch/desk', 'c'),
      'account c: secret liqwatch/desk: has no key set "c"',
    ],
    [
      'a name in a secret of one key set',
      inSecret('s', 'liqwatch/single', 's'),
      'account s: secret liqwatch/single: holds one key set, not named ones, so has no key set "s" (remove secretKey',
    ],
    [
      'a name in a secret that is no object of key sets',
      inSecret('l', 'liqwatch/list', 'l'),
      'account l: secret liqwatch/list: secretKey "l" needs a JSON object of named key sets',
    ],
    [
      'a named key set that is not keys',
      inSecret('a', 'liqwatch/bad-set', 'a'),
      'account a: secret liqwatch/bad-set, key set "a": expected { apiKey, apiSecret }',
    ],
  ])('%s is an error naming the secret and the name, never a value', async (_, account, said) => {
    sm.secrets.set('liqwatch/desk', desk('key-a'));
    const error = await provider()
      .signerFor(account)
      .catch((e: Error) => e);
    expect(String(error)).toContain(said);
    for (const value of [SECRET_A, SECRET_B, 'key-a', 'key-b', 'key-l']) {
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(value);
    }
  });
});

describe('secretKey in the config', () => {
  const accountWith = (fields: string) => `{ "accounts": [{ "name": "a", "sources": ["usdm"], ${fields} }] }`;

  it('is accepted with secretId', () => {
    expect(problemsOf(accountWith('"secretId": "liqwatch/desk", "secretKey": "a"'))).toEqual([]);
  });

  it.each([
    ['keysFile', accountWith('"keysFile": "k.json", "secretKey": "a"')],
    ['keysEnv', accountWith('"keysEnv": "KEYS_A", "secretKey": "a"')],
  ])('is refused with %s, by name', (_, text) => {
    expect(problemsOf(text)).toEqual(['accounts[0].secretKey: names a key set inside a secret: give it with secretId']);
  });

  it('is refused when it is no name', () => {
    expect(problemsOf(accountWith('"secretId": "liqwatch/desk", "secretKey": "a b"'))).toEqual([
      'accounts[0].secretKey: use 1-64 letters, digits, "_", "." or "-", starting with a letter or digit',
    ]);
  });
});
