import { readAccounts } from '#accounts/read-accounts.js';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import type { Config } from '#config/schema.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_HEDGE, FAST, hmacKeys, UM_HEDGE } from '../binance/scenario.js';

/*
 * The exchange as it counts request weight: one simulator per host family (USDⓈ-M with its WebSocket API,
 * COIN-M, Portfolio Margin), each on a fixed minute and without a limit, so that what one check reads can be
 * read off each family's meter.
 */

export type Family = 'fapi' | 'dapi' | 'papi';
export type WeightSims = Record<Family, ExchangeSimulator>;

/** An account of the check: its name, sources and rules; its keys are made from its name. */
export interface WeightAccount {
  name: string;
  sources: readonly SourceId[];
  rules?: Record<string, unknown> | undefined;
}

/** Starts the three simulators, each holding the accounts with hedge-mode books on every source. */
export async function startWeightSims(names: readonly string[], now: number): Promise<WeightSims> {
  const accounts = names.map((name) =>
    account(name, hmacKeys(name), { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) }),
  );
  const start = () => startExchangeSimulator({ accounts, now: () => now, weightLimitPerMinute: 1_000_000 });
  const [fapi, dapi, papi] = await Promise.all([start(), start(), start()]);
  return { fapi: fapi!, dapi: dapi!, papi: papi! };
}

const familyOfSource = (source: SourceId): Family =>
  source === 'coinm' ? 'dapi' : source.startsWith('pm-') ? 'papi' : 'fapi';

/**
 * One check's reads as the check makes them (positions and the rules' account pages) for these accounts, on a
 * fresh client at `now`: the config, the failures of the reads, and each family's weight (a family's hosts share one
 * meter: the highest reading is the total).
 */
export async function readOneCheck(
  sims: WeightSims,
  accounts: readonly WeightAccount[],
  now: number,
  extra: Record<string, unknown> = {},
): Promise<{ config: Config; failures: string[]; used: Record<Family, number> }> {
  const keysEnv = (name: string) => `KEYS_${name.toUpperCase()}`;
  const config = parseConfig(
    {
      accounts: accounts.map(({ name, sources, rules }) => ({ name, sources, rules, keysEnv: keysEnv(name) })),
      telegram: { chatIds: [42] },
      endpoints: Object.fromEntries(
        SOURCE_IDS.map((s) => [s, s === 'usdm-ws' ? sims.fapi.wsUrl : sims[familyOfSource(s)].url]),
      ),
      ...extra,
    },
    'test',
  );
  const env = Object.fromEntries(accounts.map(({ name }) => [keysEnv(name), JSON.stringify(hmacKeys(name).keys)]));
  const exchange = new BinanceClient({ ...FAST, now: () => now });
  try {
    const reads = await readAccounts(
      { config, exchange, keys: createKeysProvider({ baseDir: '.', env }) },
      config.accounts,
      { risks: 'rules' },
    );
    const failures = reads.flatMap((r) => [...r.outcomes, ...r.risks]).flatMap((o) => (o.ok ? [] : [o.error.message]));
    const wsOrigin = new URL(sims.fapi.wsUrl).origin;
    const familyOfHost = (host: string): Family | undefined =>
      (['fapi', 'dapi', 'papi'] as const).find((f) => host === sims[f].url) ?? (host === wsOrigin ? 'fapi' : undefined);
    const used = { fapi: 0, dapi: 0, papi: 0 };
    for (const w of exchange.usedWeight()) {
      const family = familyOfHost(w.host);
      if (family) used[family] = Math.max(used[family], w.usedWeight1m);
    }
    return { config, failures, used };
  } finally {
    await exchange.close();
  }
}
