import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccounts } from '#accounts/read-accounts.js';
import { riskParts } from '#accounts/risk-plan.js';
import { ACCOUNT_PAGES, ADL_PAGES } from '#binance/account-risk.js';
import { BinanceClient } from '#binance/client.js';
import { sources as SOURCES } from '#binance/sources/index.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { parseConfig } from '#config/load.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { checkWeight, HOST_FAMILIES, READ_WEIGHTS, weightCapacity } from '#core/weight-capacity.js';
import { type ExchangeSimulator, startExchangeSimulator } from '#local/exchange-simulator/index.js';
import { account, book, CM_HEDGE, FAST, hmacKeys, UM_HEDGE } from '../binance/scenario.js';

/*
 * The capacity the config is told (weight-capacity.ts) against what the check really reads: the read plan
 * of risk-plan.ts with the client's own weights, for every set of sources and account rules; and one check
 * of differently configured accounts measured by the simulator, one per host family as the exchange counts.
 */

const T0 = Date.UTC(2026, 0, 5, 12, 0, 10);
const SUBSETS = Array.from({ length: 31 }, (_, m) => SOURCE_IDS.filter((_, i) => (m + 1) & (1 << i)));
const RULE_CASES = [
  {},
  { adlRisk: { enabled: false } },
  { marginRatio: { enabled: false } },
  { uniMmr: { enabled: false } },
  { uniMmr: { enabled: false }, accountStatus: { enabled: false } },
];

describe('the weight the capacity counts', () => {
  it('is what risk-plan.ts reads, at the weights the client’s sources and account pages cite, for every set of sources', () => {
    for (const sources of SUBSETS) {
      for (const rules of RULE_CASES) {
        const settings = resolveRuleSettings(rules);
        const planned = { fapi: 0, dapi: 0, papi: 0 };
        for (const s of sources) planned[READ_WEIGHTS[s].family] += SOURCES[s].weight;
        for (const { source, parts } of riskParts(sources, settings, 'rules')) {
          const family = READ_WEIGHTS[source].family;
          if (parts.account) planned[family] += ACCOUNT_PAGES[source].weight;
          if (parts.adl) planned[family] += ADL_PAGES[source].weight;
        }
        expect({ sources, rules, weight: checkWeight(sources, settings) }).toEqual({ sources, rules, weight: planned });
      }
    }
  });
});

const MIXED: { name: string; sources: SourceId[]; rules?: Record<string, unknown> }[] = [
  { name: 'all', sources: [...SOURCE_IDS] },
  { name: 'um', sources: ['usdm', 'usdm-ws'], rules: { adlRisk: { enabled: false } } },
  { name: 'pmcm', sources: ['pm-cm'] },
  { name: 'coin', sources: ['coinm', 'pm-um'], rules: { marginRatio: { enabled: false } } },
];
const keys = new Map(MIXED.map(({ name }) => [name, hmacKeys(name)]));

let sims: Record<'fapi' | 'dapi' | 'papi', ExchangeSimulator>;
beforeAll(async () => {
  const accounts = MIXED.map(({ name }) =>
    account(name, keys.get(name)!, { hedgeMode: true, positions: book(UM_HEDGE, CM_HEDGE) }),
  );
  const start = () => startExchangeSimulator({ accounts, now: () => T0, weightLimitPerMinute: 1_000_000 });
  const [fapi, dapi, papi] = await Promise.all([start(), start(), start()]);
  sims = { fapi: fapi!, dapi: dapi!, papi: papi! };
});
afterAll(() => Promise.all(Object.values(sims ?? {}).map((s) => s.close())));

describe('one check of accounts with different sources and rules, measured', () => {
  it('spends per family what the capacity counts, plus one clock probe a host', async () => {
    // Prepare
    const endpoints = Object.fromEntries(
      SOURCE_IDS.map((s) => [s, s === 'usdm-ws' ? sims.fapi.wsUrl : sims[READ_WEIGHTS[s].family].url]),
    );
    const config = parseConfig(
      {
        accounts: MIXED.map(({ name, sources, rules }) => ({
          name,
          sources,
          rules,
          keysEnv: `KEYS_${name.toUpperCase()}`,
        })),
        telegram: { chatIds: [42] },
        watch: { mode: 'off' },
        endpoints,
      },
      'test',
    );
    const env = Object.fromEntries(
      MIXED.map(({ name }) => [`KEYS_${name.toUpperCase()}`, JSON.stringify(keys.get(name)!.keys)]),
    );
    const exchange = new BinanceClient({ ...FAST, now: () => T0 });
    try {
      // Act
      const reads = await readAccounts(
        { config, exchange, keys: createKeysProvider({ baseDir: '.', env }) },
        config.accounts,
        { risks: 'rules' },
      );
      // Assess
      expect(reads.flatMap((r) => [...r.outcomes, ...r.risks]).filter((o) => !o.ok)).toEqual([]);
      const measured = { fapi: 0, dapi: 0, papi: 0 };
      const familyOf = (host: string) =>
        HOST_FAMILIES.find((f) => host === sims[f].url) ??
        (host === new URL(sims.fapi.wsUrl).origin ? 'fapi' : undefined);
      for (const w of exchange.usedWeight()) {
        const family = familyOf(w.host);
        if (family) measured[family] = Math.max(measured[family], w.usedWeight1m);
      }
      const counted = weightCapacity(config).perCheck;
      expect(counted).toEqual({ fapi: 25 + 20, dapi: 11 + 6, papi: 36 + 26 + 30 });
      expect(measured).toEqual({ fapi: counted.fapi + 1, dapi: counted.dapi + 1, papi: counted.papi + 1 });
    } finally {
      await exchange.close();
    }
  });
});
