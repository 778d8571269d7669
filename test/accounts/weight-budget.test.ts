import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccounts } from '#accounts/read-accounts.js';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_HEDGE, FAST, hmacKeys, UM_HEDGE } from '../binance/scenario.js';

/*
 * What one check costs the exchange: 50 accounts on all five sources, their positions and their account
 * reads (margin numbers and ADL quantiles, as the default rules ask), in one cycle against one simulator per
 * host family, as the exchange counts weight (USDⓈ-M with its WebSocket API, COIN-M, Portfolio Margin).
 * Each family's weight must stay under the 2,400 a minute an IP may use, with room for a retry.
 */

const ACCOUNTS = 50;
const LIMIT_PER_MINUTE = 2_400;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 10);
const names = Array.from({ length: ACCOUNTS }, (_, i) => `w${String(i).padStart(2, '0')}`);
const keys = new Map(names.map((name) => [name, hmacKeys(name)]));

let fapi: ExchangeSimulator;
let dapi: ExchangeSimulator;
let papi: ExchangeSimulator;
beforeAll(async () => {
  const accounts = names.map((name) =>
    account(name, keys.get(name)!, { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) }),
  );
  const start = () => startExchangeSimulator({ accounts, now: () => T0, weightLimitPerMinute: 1_000_000 });
  [fapi, dapi, papi] = await Promise.all([start(), start(), start()]);
});
afterAll(() => Promise.all([fapi?.close(), dapi?.close(), papi?.close()]));

const familyOf = (source: SourceId) => (source === 'coinm' ? 'dapi' : source.startsWith('pm-') ? 'papi' : 'fapi');

async function oneCheck(): Promise<Record<'fapi' | 'dapi' | 'papi', number>> {
  const sims = { fapi: () => fapi, dapi: () => dapi, papi: () => papi };
  const endpoints = Object.fromEntries(
    SOURCE_IDS.map((s) => [s, s === 'usdm-ws' ? fapi.wsUrl : sims[familyOf(s)]().url]),
  );
  const config = parseConfig(
    {
      accounts: names.map((name) => ({ name, sources: [...SOURCE_IDS], keysEnv: `KEYS_${name.toUpperCase()}` })),
      telegram: { chatIds: [42] },
      endpoints,
    },
    'test',
  );
  const env = Object.fromEntries(names.map((n) => [`KEYS_${n.toUpperCase()}`, JSON.stringify(keys.get(n)!.keys)]));
  const exchange = new BinanceClient({ ...FAST, now: () => T0 });
  try {
    const reads = await readAccounts(
      { config, exchange, keys: createKeysProvider({ baseDir: '.', env }) },
      config.accounts,
      { risks: 'rules' },
    );
    expect(reads.flatMap((r) => [...r.outcomes, ...r.risks]).filter((o) => !o.ok)).toEqual([]);
    // Each family's meter is shared by its hosts (fapi's REST and WebSocket API): the highest reading is the total.
    const used = { fapi: 0, dapi: 0, papi: 0 };
    const wsOrigin = new URL(fapi.wsUrl).origin;
    for (const w of exchange.usedWeight()) {
      const family = w.host === dapi.url ? 'dapi' : w.host === papi.url ? 'papi' : 'fapi';
      if (w.host === fapi.url || w.host === wsOrigin || family !== 'fapi') {
        used[family] = Math.max(used[family], w.usedWeight1m);
      }
    }
    return used;
  } finally {
    await exchange.close();
  }
}

describe('the weight of one check of 50 accounts on every source', () => {
  it('stays under each host family’s limit, account reads included', async () => {
    const used = await oneCheck();
    console.log(
      `weight of one check, ${ACCOUNTS} accounts × 5 sources: ${Object.entries(used)
        .map(([f, w]) => `${f} ${w} (${(w / ACCOUNTS).toFixed(1)} per account)`)
        .join(', ')}`,
    );
    // Per account: USDⓈ-M positions 5 + account 5 + ADL 5 on REST, positions 5 + account 5 on the WebSocket
    // API; COIN-M positions 1 + account 5 + ADL 5; Portfolio Margin positions 5 (UM) + 1 (CM), the account
    // page once (20), ADL 5 + 5.
    expect(used.fapi).toBeGreaterThanOrEqual(ACCOUNTS * 25);
    expect(used.dapi).toBeGreaterThanOrEqual(ACCOUNTS * 11);
    expect(used.papi).toBeGreaterThanOrEqual(ACCOUNTS * 36);
    // The Portfolio Margin page is read once per account, not once per book: 20 more each otherwise.
    expect(used.papi).toBeLessThan(ACCOUNTS * 56);
    for (const w of Object.values(used)) expect(w).toBeLessThanOrEqual(LIMIT_PER_MINUTE * 0.9);
  });
});
