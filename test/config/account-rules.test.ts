import { describe, expect, it } from 'vitest';
import { configWithRules, problemsOf } from '#builders/config-text.js';
import { parseConfig } from '#config/load.js';
import { marginRatioLadder, uniMmrLadder } from '#core/rules/account-rule-settings.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/*
 * The account rules' settings in the config: `marginRatio`, `uniMmr`, `accountStatus`, `adlRisk`, at the
 * top and per account, and the configs that must be refused, each with a message naming the field.
 */

const withRules = configWithRules(['usdm', 'pm-um']);

describe('config: the account rules', () => {
  it('has the documented defaults', () => {
    const s = resolveRuleSettings();
    expect(s.marginRatio).toEqual({
      enabled: true,
      warningPct: 70,
      criticalPct: 85,
      resolveMarginPct: 5,
      ladderPct: [90, 95, 100],
    });
    expect(s.uniMmr).toEqual({ enabled: true, warning: 1.5, critical: 1.2, resolveMargin: 0.05, ladder: [1.1, 1.05] });
    expect([s.accountStatus, s.adlRisk]).toEqual([{ enabled: true }, { enabled: true, minQuantile: 4 }]);
    expect([marginRatioLadder(s), uniMmrLadder(s)]).toEqual([
      [90, 95, 100],
      [1.1, 1.05],
    ]);
  });

  it('takes them at the top and per account, the account winning field by field', () => {
    const config = parseConfig(
      JSON.parse(
        withRules(
          '{ "marginRatio": { "warningPct": 60, "ladderPct": [92] }, "uniMmr": { "warning": 2 }, "adlRisk": { "minQuantile": 3 } }',
          '{ "marginRatio": { "criticalPct": 80 }, "accountStatus": { "enabled": false } }',
        ),
      ),
      'test',
    );
    const s = resolveRuleSettings(config.rules, config.accounts[0]?.rules);
    expect(s.marginRatio).toMatchObject({ warningPct: 60, criticalPct: 80, ladderPct: [92] });
    expect(s.uniMmr).toMatchObject({ warning: 2, critical: 1.2 });
    expect([s.accountStatus.enabled, s.adlRisk.minQuantile]).toEqual([false, 3]);
    // The liquidation line is always the last rung, whatever the config lists.
    expect(marginRatioLadder(s)).toEqual([92, 100]);
  });

  it('drops rungs on the near side of the critical line: reaching them is the escalation itself', () => {
    const s = resolveRuleSettings({
      marginRatio: { criticalPct: 92, ladderPct: [90, 95] },
      uniMmr: { ladder: [1.3, 1.1] },
    });
    expect([marginRatioLadder(s), uniMmrLadder(s)]).toEqual([
      [95, 100],
      [1.1, 1.05],
    ]);
  });

  it.each([
    [
      'rules.marginRatio',
      withRules('{ "marginRatio": { "criticalPct": 60 } }'),
      'criticalPct (60) must be above warningPct (70): the margin ratio climbs toward liquidation at 100 %',
    ],
    [
      'rules.uniMmr',
      withRules('{ "uniMmr": { "critical": 1.6 } }'),
      'critical (1.6) must be below warning (1.5): the uniMMR falls toward liquidation at 1.05',
    ],
    [
      'accounts[0].rules.marginRatio',
      withRules('{ "marginRatio": { "criticalPct": 90 } }', '{ "marginRatio": { "warningPct": 95 } }'),
      'criticalPct (90) must be above warningPct (95): the margin ratio climbs toward liquidation at 100 %',
    ],
  ])('a critical line on the safe side of its warning line at %s', (path, text, message) => {
    expect(problemsOf(text)).toEqual([`${path}: ${message}`]);
  });

  it.each([
    ['rules.uniMmr.critical', withRules('{ "uniMmr": { "critical": 1 } }'), /above 1/],
    ['rules.uniMmr.ladder', withRules('{ "uniMmr": { "ladder": [1.1, 1.1] } }'), /listed twice/],
    ['rules.marginRatio.criticalPct', withRules('{ "marginRatio": { "criticalPct": 120 } }'), /100/],
    ['rules.uniMmr.resolveMargin', withRules('{ "uniMmr": { "resolveMargin": 2 } }'), /1/],
    ['rules.marginRatio.ladderPct[0]', withRules('{ "marginRatio": { "ladderPct": [0] } }'), /0/],
    ['rules.marginRatio', withRules('{ "marginRatio": { "warning": 70 } }'), /warning/],
    ['accounts[0].rules.adlRisk.minQuantile', withRules('{}', '{ "adlRisk": { "minQuantile": 5 } }'), /4/],
    ['rules.accountStatus', withRules('{ "accountStatus": { "statuses": [] } }'), /statuses/],
  ])('refuses a bad value at %s', (path, text, why) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`${path}: `)).toBe(true);
    expect(problems[0]).toMatch(why);
  });
});
