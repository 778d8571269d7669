import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountRead, readAccounts } from '#accounts/read-accounts.js';
import { BinanceClient } from '#binance/client.js';
import { secretsClientFor } from '#builders/secrets-client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { type FakeSecretsManager, startFakeSecretsManager } from '#fakes/secrets-manager/index.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import type { Log } from '#shared/log.js';
import { account, book, CM_ONE_WAY, FAST, hmacKeys, UM_ONE_WAY } from '../binance/scenario.js';

/*
 * Rotation per account when accounts share one secret (`secretId` + `secretKey`): a refused key reads the
 * secret once more, and only the accounts whose key changed retry, against the exchange simulator and the
 * Secrets Manager stand-in through the real SDK client.
 */

const T0 = Date.UTC(2026, 0, 5, 12, 0, 10);
const SECRET_ID = 'liqwatch/desk';
/** `a` was rotated: the exchange knows only its new key. `c` was revoked: the exchange knows another key. */
const keys = {
  aOld: hmacKeys('a-old'),
  aNew: hmacKeys('a-new'),
  b: hmacKeys('b'),
  cStored: hmacKeys('c-stored'),
  cExchange: hmacKeys('c-exchange'),
};
const SOURCES = ['usdm', 'coinm'] as const;

let sim: ExchangeSimulator;
let sm: FakeSecretsManager;
let client: SecretsManagerClient;
let exchange: BinanceClient;

beforeAll(async () => {
  const positions = book(UM_ONE_WAY, CM_ONE_WAY);
  sim = await startExchangeSimulator({
    accounts: [
      account('a', keys.aNew, { positions }),
      account('b', keys.b, { positions }),
      account('c', keys.cExchange, { positions }),
    ],
    now: () => T0,
  });
  sm = await startFakeSecretsManager();
  client = secretsClientFor(sm);
  exchange = new BinanceClient({ ...FAST, now: () => T0 });
});
afterAll(async () => {
  client.destroy();
  await exchange.close();
  await Promise.all([sim.close(), sm.close()]);
});

const desk = (a: typeof keys.aOld) => JSON.stringify({ a: a.keys, b: keys.b.keys, c: keys.cStored.keys });

/**
 * A warm container: the keys provider read the secret while `a` still held its old key, then the secret
 * was rotated. Returns one read of `names` with everything it logged.
 */
async function readAfterRotation(names: readonly string[]) {
  sm.secrets.set(SECRET_ID, desk(keys.aOld));
  const config = parseConfig(
    {
      accounts: names.map((name) => ({ name, sources: SOURCES, secretId: SECRET_ID, secretKey: name })),
      endpoints: { usdm: sim.url, coinm: sim.url },
    },
    'test',
  );
  const provider = createKeysProvider({ baseDir: '.', secrets: new SecretsProvider({ awsSdkV3Client: client }) });
  await Promise.all(config.accounts.map((a) => provider.signerFor(a)));
  sm.secrets.set(SECRET_ID, desk(keys.aNew));
  const lines: string[] = [];
  const line = (message: string, ...extra: Record<string, unknown>[]) => lines.push(JSON.stringify([message, extra]));
  const log: Log = { info: line, warn: line, error: line };
  const [readsBefore, requestsBefore] = [sm.reads.length, sim.requests.length];

  const reads = await readAccounts({ config, exchange, keys: provider, log }, config.accounts);

  return {
    reads,
    lines,
    secretReads: sm.reads.length - readsBefore,
    requestsWith: (k: typeof keys.b) =>
      sim.requests.slice(requestsBefore).filter((r) => r.apiKey === k.keys.apiKey && r.source !== 'time'),
  };
}

const sourcesOf = (reads: AccountRead[], name: string) =>
  reads.find((r) => r.account.name === name)!.outcomes.map((o) => ({ source: o.source, ok: o.ok }));

describe('keys rotated in a secret that several accounts share', () => {
  it('a refused key reads the secret once more and only that account retries, with its new key', async () => {
    const { reads, secretReads, requestsWith } = await readAfterRotation(['a', 'b']);

    expect(sourcesOf(reads, 'a')).toEqual([
      { source: 'usdm', ok: true },
      { source: 'coinm', ok: true },
    ]);
    expect(sourcesOf(reads, 'b').every((o) => o.ok)).toBe(true);
    expect(secretReads).toBe(1);
    expect(requestsWith(keys.aOld).map((r) => r.code)).toEqual([-2015, -2015]);
    expect(requestsWith(keys.aNew)).toHaveLength(2);
    // `b` was not refused: read once per source, never again.
    expect(requestsWith(keys.b)).toHaveLength(2);
  });

  it('two refused accounts make one fresh read; the one whose key did not change is not retried', async () => {
    const { reads, secretReads, requestsWith } = await readAfterRotation(['a', 'c']);

    expect(secretReads).toBe(1);
    expect(sourcesOf(reads, 'a').every((o) => o.ok)).toBe(true);
    expect(requestsWith(keys.cStored).map((r) => r.code)).toEqual([-2015, -2015]);
    const c = reads.find((r) => r.account.name === 'c')!;
    expect(c.outcomes.map((o) => !o.ok && o.error.keysRefused)).toEqual([true, true]);
  });

  it('no secret of any key set reaches a log line or an error', async () => {
    const { reads, lines } = await readAfterRotation(['a', 'b', 'c']);

    const errors = reads.flatMap((r) => r.outcomes.flatMap((o) => (o.ok ? [] : [JSON.stringify(o.error)])));
    expect(errors.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('retrying with rotated keys'))).toBe(true);
    const said = [...lines, ...errors, JSON.stringify(reads)].join('\n');
    for (const k of Object.values(keys)) expect(said).not.toContain(k.secret);
  });
});
