import { afterEach, describe, expect, it } from 'vitest';
import { configWithRules, problemsOf } from '#builders/config-text.js';
import { ConfigError, loadConfig, parseConfig } from '#config/load.js';
import { chatRoutes } from '#config/routes.js';
import { ladderFor, resolveRuleSettings } from '#core/rules/settings.js';

/*
 * Configs that must be refused, each with a message naming the field. The configs are JSON text, as
 * a file or LIQWATCH_CONFIG holds them: `JSON.parse` makes `"__proto__"` an own key, where an object
 * literal in this file would set the prototype instead.
 */

const ACCOUNT = '{ "name": "main", "sources": ["usdm"], "keysEnv": "LIQWATCH_KEYS_MAIN" }';
const withRules = configWithRules(['usdm']);

describe('config schema: what it refuses', () => {
  it.each([
    [
      'rules.liqDistance.symbols.__proto__',
      withRules('{ "liqDistance": { "symbols": { "__proto__": { "warningPct": 10 } } } }'),
    ],
    ['rules.leverageCap.symbols.__proto__', withRules('{ "leverageCap": { "symbols": { "__proto__": 5 } } }')],
    [
      'accounts[0].rules.leverageCap.symbols.__proto__',
      withRules('{}', '{ "leverageCap": { "symbols": { "BTCUSDT": 50, "__proto__": 5 } } }'),
    ],
    [
      'accounts[0].rules.liqDistance.symbols.__proto__',
      withRules('{}', '{ "liqDistance": { "symbols": { "__proto__": { "criticalPct": 1 } } } }'),
    ],
  ])('a "__proto__" symbol at %s', (path, text) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: .*symbol`));
  });

  it.each([
    ['rules.repeatMinutes.critical', withRules('{ "repeatMinutes": { "critical": 100000000 } }')],
    ['rules.repeatMinutes.info', withRules('{ "repeatMinutes": { "info": 1441 } }')],
    ['accounts[0].rules.repeatMinutes.warning', withRules('{}', '{ "repeatMinutes": { "warning": 525600 } }')],
  ])('a repeat interval longer than a day at %s', (path, text) => {
    expect(problemsOf(text)).toEqual([`${path}: at most 1440 minutes (one day), so a firing alert is told again`]);
  });

  it('a repeat interval of exactly one day, and symbols as the exchange names them, are accepted', () => {
    const text = withRules(
      '{ "repeatMinutes": { "info": 1440, "warning": 1440, "critical": 1 }, "leverageCap": { "symbols": { "BTCUSDT": 50 } } }',
    );
    expect(problemsOf(text)).toEqual([]);
  });
});

describe('config schema: the ladder, the hold-down, repeats by depth and the approach rule', () => {
  it('accepts them at the top, per account and per symbol, and resolves them over the defaults', () => {
    const config = parseConfig(
      JSON.parse(
        withRules(
          '{ "liqDistance": { "ladderPct": [4, 2, 0], "holdDownMinutes": 20, "repeatByDepth": [{ "belowPct": 2, "minutes": 5 }], "symbols": { "ETHUSDT": { "ladderPct": [3] } } }, "approach": { "withinMinutes": 5 } }',
          '{ "approach": { "enabled": false }, "liqDistance": { "holdDownMinutes": 0 } }',
        ),
      ),
      'test',
    );
    const settings = resolveRuleSettings(config.rules, config.accounts[0]?.rules);
    expect(settings.liqDistance).toMatchObject({
      ladderPct: [4, 2, 0],
      holdDownMinutes: 0,
      repeatByDepth: [{ belowPct: 2, minutes: 5 }],
    });
    expect(settings.approach).toEqual({ enabled: false, withinMinutes: 5 });
    expect(ladderFor(settings, 'BTCUSDT')).toEqual([4, 2, 0]);
    // Past the liquidation price is always a rung.
    expect(ladderFor(settings, 'ETHUSDT')).toEqual([3, 0]);
  });

  it('has the documented defaults', () => {
    const { liqDistance, approach } = resolveRuleSettings();
    expect([liqDistance.ladderPct, liqDistance.holdDownMinutes]).toEqual([[5, 3, 2, 1, 0], 30]);
    expect(liqDistance.repeatByDepth.map((r) => `${r.minutes} min under ${r.belowPct}%`)).toEqual([
      '30 min under 7.5%',
      '10 min under 3%',
      '2 min under 1%',
    ]);
    expect(approach).toEqual({ enabled: true, withinMinutes: 10 });
  });

  it.each([
    ['rules.liqDistance.ladderPct', withRules('{ "liqDistance": { "ladderPct": [3, 3] } }'), /listed twice/],
    ['rules.liqDistance.ladderPct[0]', withRules('{ "liqDistance": { "ladderPct": [-1] } }'), /0/],
    ['rules.liqDistance.holdDownMinutes', withRules('{ "liqDistance": { "holdDownMinutes": 1.5 } }'), /int/],
    [
      'rules.liqDistance.repeatByDepth[0].minutes',
      withRules('{ "liqDistance": { "repeatByDepth": [{ "belowPct": 3, "minutes": 0 }] } }'),
      /1/,
    ],
    ['accounts[0].rules.approach.withinMinutes', withRules('{}', '{ "approach": { "withinMinutes": 0 } }'), /1/],
    ['rules.approach', withRules('{ "approach": { "soon": 3 } }'), /soon/],
  ])('refuses a bad value at %s', (path, text, why) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`${path}: `)).toBe(true);
    expect(problems[0]).toMatch(why);
  });

  it('a chat may ask for easing to ring', () => {
    const text = `{ "accounts": [${ACCOUNT}], "telegram": { "chats": [{ "id": 7, "ringWhenEased": true }] } }`;
    expect(chatRoutes(parseConfig(JSON.parse(text), 'test'))).toEqual([
      expect.objectContaining({ id: 7, ringWhenEased: true }),
    ]);
  });
});

describe('loadConfig: "__proto__" in the JSON text', () => {
  afterEach(() => {
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  it.each([
    ['at the top', `{ "__proto__": { "polluted": 1 }, "accounts": [${ACCOUNT}] }`, '(root)'],
    ['in an account', `{ "accounts": [${ACCOUNT.slice(0, -1)}, "__proto__": { "polluted": 1 } }] }`, 'accounts[0]'],
    ['in a rule', withRules('{ "sourceDown": { "__proto__": { "polluted": 1 } } }'), 'rules.sourceDown'],
    [
      'under symbols',
      withRules('{ "leverageCap": { "symbols": { "__proto__": { "polluted": 1 } } } }'),
      'rules.leverageCap.symbols.__proto__',
    ],
  ])('%s is refused by name and changes no prototype', async (_, text, path) => {
    const error = await loadConfig(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.some((p) => p.startsWith(`${path}: `))).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
