import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskParts } from '#accounts/risk-plan.js';
import { ACCOUNT_PAGES, ADL_PAGES } from '#binance/account-risk.js';
import { sources as SOURCES } from '#binance/sources/index.js';
import { readOneCheck, startWeightSims, type WeightSims } from '#builders/weight-world.js';
import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { checkWeight, READ_WEIGHTS, weightCapacity } from '#core/weight-capacity.js';

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
let sims: WeightSims;
beforeAll(async () => {
  sims = await startWeightSims(
    MIXED.map((a) => a.name),
    T0,
  );
});
afterAll(() => Promise.all(Object.values(sims ?? {}).map((s) => s.close())));

describe('one check of accounts with different sources and rules, measured', () => {
  it('spends per family what the capacity counts, plus one clock probe a host', async () => {
    // Act
    const { config, failures, used: measured } = await readOneCheck(sims, MIXED, T0, { watch: { mode: 'off' } });
    // Assess
    expect(failures).toEqual([]);
    const counted = weightCapacity(config).perCheck;
    expect(counted).toEqual({ fapi: 25 + 20, dapi: 11 + 6, papi: 36 + 26 + 30 });
    expect(measured).toEqual({ fapi: counted.fapi + 1, dapi: counted.dapi + 1, papi: counted.papi + 1 });
  });
});
