import { describe, expect, it } from 'vitest';
import { parseConfig } from '#config/load.js';
import { capacityRefusal, overShare, renderCapacityLine } from '#core/format/capacity-line.js';
import { renderStatus } from '#core/format/command-views.js';
import { SOURCE_IDS } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { checkWeight, weightCapacity } from '#core/weight-capacity.js';
import { problemsOf } from '../builders/config-text.js';

/*
 * How many accounts a config can hold at its cadence. The figures per check are the ones
 * test/accounts/weight-budget.test.ts measures against the simulator for an account on all five sources
 * (fapi 25, dapi 11, papi 36); test/accounts/weight-capacity.test.ts measures the other combinations.
 */

const ALL = [...SOURCE_IDS];

/** A config of `n` accounts on `sources`, with the schedule and watch given. */
function configOf(n: number, extra: Record<string, unknown> = {}, sources: readonly string[] = ALL) {
  return parseConfig(
    {
      accounts: Array.from({ length: n }, (_, i) => ({ name: `a${i}`, sources, secretId: 'keys', secretKey: `a${i}` })),
      telegram: { chatIds: [1] },
      ...extra,
    },
    'test',
  );
}

describe('the weight one check of an account costs', () => {
  it('on all five sources with the default rules: fapi 25, dapi 11, papi 36, as measured', () => {
    expect(checkWeight(ALL, resolveRuleSettings())).toEqual({ fapi: 25, dapi: 11, papi: 36 });
  });

  it.each([
    { sources: ['usdm'], rules: {}, weight: { fapi: 15, dapi: 0, papi: 0 } },
    { sources: ['usdm', 'usdm-ws'], rules: { adlRisk: { enabled: false } }, weight: { fapi: 20, dapi: 0, papi: 0 } },
    { sources: ['pm-cm'], rules: {}, weight: { fapi: 0, dapi: 0, papi: 26 } },
    { sources: ['pm-um', 'pm-cm'], rules: { uniMmr: { enabled: false } }, weight: { fapi: 0, dapi: 0, papi: 36 } },
    {
      sources: ['pm-um', 'pm-cm'],
      rules: { uniMmr: { enabled: false }, accountStatus: { enabled: false }, adlRisk: { enabled: false } },
      weight: { fapi: 0, dapi: 0, papi: 6 },
    },
    { sources: ['coinm'], rules: { marginRatio: { enabled: false } }, weight: { fapi: 0, dapi: 6, papi: 0 } },
  ] as const)('$sources with $rules: $weight', ({ sources, rules, weight }) => {
    expect(checkWeight(sources, resolveRuleSettings(rules))).toEqual(weight);
  });
});

describe('how many accounts a config can hold at its cadence', () => {
  it('watching (the default, adaptive): a check, the watcher’s first whole read, five positions reads', () => {
    const c = weightCapacity(configOf(1));
    expect(c.watchMinute).toEqual({ fapi: 100, dapi: 27, papi: 102 });
    expect(c).toMatchObject({ binding: 'papi', budget: 1_200, holds: 11, busiestWhileWatching: true });
    expect(renderCapacityLine(c)).toBe(
      'weight a minute (watching, re-read every 10 s): fapi 100 · dapi 27 · papi 102 of 1,200 a host (50 % of 2,400): 9 %, room for 11 accounts like these (1 configured)',
    );
  });

  it('without the watch, 33 accounts on every source fill half the limit; 50 are refused', () => {
    const off = { watch: { mode: 'off' } };
    expect(weightCapacity(configOf(33, off))).toMatchObject({ holds: 33, watchMinute: null });
    const fifty = weightCapacity(configOf(50, off));
    expect(fifty.busiest).toEqual({ fapi: 1_250, dapi: 550, papi: 1_800 });
    expect(fifty.usedPct).toBe(150);
    expect(overShare(fifty)).toBe(true);
    expect(capacityRefusal(fifty)).toMatch(
      /papi 1,800 of 1,200 a host .*150 %, room for 33 accounts .*Keep at most 33/,
    );
  });

  it('polling every 20 s puts three checks in a minute; a longer schedule does not lower the peak', () => {
    const polling = weightCapacity(configOf(10, { watch: { mode: 'off' }, schedule: { pollSeconds: 20 } }));
    expect(polling).toMatchObject({ checksPerMinute: 3, busiest: { fapi: 750, dapi: 330, papi: 1_080 }, holds: 11 });
    expect(capacityRefusal(polling)).toMatch(/a longer schedule\.pollSeconds/);
    const everyFive = weightCapacity(configOf(10, { watch: { mode: 'off' }, schedule: { everyMinutes: 5 } }));
    expect(everyFive.busiest.papi).toBe(360);
  });

  it('schedule.weightShare moves the budget: the whole limit holds 66 accounts a minute, 23 watching', () => {
    expect(weightCapacity(configOf(1, { watch: { mode: 'off' }, schedule: { weightShare: 1 } })).holds).toBe(66);
    expect(weightCapacity(configOf(1, { schedule: { weightShare: 1 } })).holds).toBe(23);
    expect(weightCapacity(configOf(1, { watch: { mode: 'always', rereadSeconds: 30 } })).watchMinute).toEqual({
      fapi: 60,
      dapi: 23,
      papi: 78,
    });
  });

  it('refuses a weightShare outside (0, 1], naming the field', () => {
    const text = (share: unknown) =>
      JSON.stringify({ accounts: [{ name: 'a', sources: ['usdm'], keysEnv: 'K' }], schedule: { weightShare: share } });
    expect(problemsOf(text(50))).toEqual(['schedule.weightShare: at most 1, the whole limit']);
    expect(problemsOf(text(0))[0]).toMatch(/^schedule\.weightShare: a share of the limit above 0/);
    expect(problemsOf(text(0.8))).toEqual([]);
  });

  it('/status says it in one line', () => {
    const c = weightCapacity(configOf(2, { watch: { mode: 'off' } }));
    const lines = renderStatus([], null, 0, [], undefined, 'UTC', c).split('\n');
    expect(lines.filter((l) => l.includes('weight a minute'))).toEqual([
      '⚖️ weight a minute (1 check): fapi 50 · dapi 22 · papi 72 of 1,200 a host (50 % of 2,400): 6 %, room for 33 accounts like these (2 configured)',
    ]);
  });
});
