import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeysProvider } from '#config/keys-provider.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';

const SECRET = 'provider-test-secret-NEVER-IN-A-MESSAGE-000000000000000000000000';
let sm: FakeSecretsManager;
let secrets: SecretsProvider;
let client: SecretsManagerClient;

beforeAll(async () => {
  sm = await startFakeSecretsManager({
    'liqwatch/main': JSON.stringify({ apiKey: 'key-1', apiSecret: SECRET }),
    'liqwatch/broken': `{"apiKey": "k", "apiSecret": "${SECRET}"`,
  });
  client = new SecretsManagerClient({
    endpoint: sm.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  secrets = new SecretsProvider({ awsSdkV3Client: client });
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});

const account = (secretId: string) => ({ name: 'main', sources: ['usdm' as const], secretId });

describe('keys from Secrets Manager', () => {
  it('are read once and cached while warm; a fresh read picks up a rotated key', async () => {
    const keys = createKeysProvider({ baseDir: '.', secrets });
    expect((await keys.signerFor(account('liqwatch/main'))).apiKey).toBe('key-1');
    await keys.signerFor(account('liqwatch/main'));
    expect(sm.reads.filter((r) => r === 'liqwatch/main')).toHaveLength(1);
    sm.secrets.set('liqwatch/main', JSON.stringify({ apiKey: 'key-2', apiSecret: SECRET }));
    expect((await keys.signerFor(account('liqwatch/main'))).apiKey).toBe('key-1');
    expect((await keys.signerFor(account('liqwatch/main'), { fresh: true })).apiKey).toBe('key-2');
  });

  it('a missing or unreadable secret is an error naming the account and secret, never its value', async () => {
    const keys = createKeysProvider({ baseDir: '.', secrets });
    await expect(keys.signerFor(account('liqwatch/nope'))).rejects.toThrow(
      /account main: secret liqwatch\/nope: cannot be read \(ResourceNotFoundException: .+\)/,
    );
    const error = await keys.signerFor(account('liqwatch/broken')).catch((e: Error) => e);
    expect(String(error)).toMatch(/account main: secret liqwatch\/broken: keys are not valid JSON/);
    expect(String(error)).not.toContain(SECRET);
  });
});

describe('keys from Secrets Manager on a machine not set up for AWS', () => {
  /** Powertools as it fails there: its GetParameterError wraps what the SDK threw before any call. */
  const failing = (cause: Error) => ({
    get: () => Promise.reject(new GetParameterError(cause.message, { cause })),
  });

  it.each([
    [new Error('Region is missing'), 'cannot be read (Region is missing: set AWS_REGION or a profile'],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'cannot be read (CredentialsProviderError: Could not load credentials from any providers: no AWS credentials here',
    ],
  ])('say what the SDK said and what to do (%s)', async (cause, said) => {
    const keys = createKeysProvider({ baseDir: '.', secrets: failing(cause) });
    const error = await keys.signerFor(account('liqwatch/main')).catch((e: Error) => e);
    expect(String(error)).toContain(`account main: secret liqwatch/main: ${said}`);
  });
});

describe('keys from a file or the environment', () => {
  it('name the variable when it is not set, and never echo a bad value', async () => {
    const keys = createKeysProvider({ baseDir: '.', env: { K: `{"apiKey":"k","apiSecret":1,"x":"${SECRET}"}` } });
    await expect(keys.signerFor({ name: 'a', sources: ['usdm'], keysEnv: 'MISSING' })).rejects.toThrow(
      'account a: environment variable MISSING: is not set',
    );
    const error = await keys.signerFor({ name: 'a', sources: ['usdm'], keysEnv: 'K' }).catch((e: Error) => e);
    expect(String(error)).toContain('account a: environment variable K');
    expect(String(error)).not.toContain(SECRET);
  });
});
