import { readAccounts } from '#accounts/read-accounts.js';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { SOURCE_IDS } from '#core/position.js';
import { benchAccount } from './accounts.js';
import type { ExchangeHosts } from './exchange.js';

/** The request weight one check spends per host family, in all and per account. */
export interface CheckWeight {
  accounts: number;
  failures: number;
  /** Per family (`fapi` counts its WebSocket API too): weight used by one check. */
  used: Record<'fapi' | 'dapi' | 'papi', number>;
}

/**
 * One check's reads as the check makes them (`readAccounts` with the rules' account reads: positions,
 * account pages, ADL quantiles) for every source of `accounts` accounts, on a fresh client, against hosts
 * whose minute has not seen them before: the weight each family reports is the check's own.
 */
export async function measureCheckWeight(hosts: ExchangeHosts, accounts: number): Promise<CheckWeight> {
  const bench = Array.from({ length: accounts }, (_, i) => benchAccount(i));
  const config = parseConfig(
    {
      accounts: bench.map((a, i) => ({ name: a.name, sources: [...SOURCE_IDS], keysEnv: `KEYS_${i}` })),
      telegram: { chatIds: [1] },
      endpoints: Object.fromEntries(SOURCE_IDS.map((s) => [s, hosts.endpointOf(s)])),
    },
    'bench',
  );
  const env = Object.fromEntries(
    bench.map((a, i) => [`KEYS_${i}`, JSON.stringify({ apiKey: a.apiKey, apiSecret: a.apiSecret })]),
  );
  const exchange = new BinanceClient();
  try {
    const reads = await readAccounts(
      { config, exchange, keys: createKeysProvider({ baseDir: '.', env }), concurrency: 16 },
      config.accounts,
      { risks: 'rules' },
    );
    const used = { fapi: 0, dapi: 0, papi: 0 };
    const family = (host: string) => (host === hosts.dapi.url ? 'dapi' : host === hosts.papi.url ? 'papi' : 'fapi');
    // A family's hosts share one meter: the highest reading is the check's total.
    for (const w of exchange.usedWeight()) used[family(w.host)] = Math.max(used[family(w.host)], w.usedWeight1m);
    const failures = reads.flatMap((r) => [...r.outcomes, ...r.risks]).filter((o) => !o.ok).length;
    return { accounts, failures, used };
  } finally {
    await exchange.close();
  }
}
