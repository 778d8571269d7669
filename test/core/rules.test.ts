import { describe, expect, it } from 'vitest';
import { atDistance, buildPosition } from '#builders/position.js';
import { renderRules } from '#core/format/command-views.js';
import { liqDistancePct } from '#core/position.js';
import { evaluateLeverageCap } from '#core/rules/leverage-cap.js';
import { evaluateLiqDistance, tierFor } from '#core/rules/liq-distance.js';
import { evaluateNewHedgeLeg, legBook } from '#core/rules/new-hedge-leg.js';
import { evaluateNotionalCap } from '#core/rules/notional-cap.js';
import { type RulesInput, resolveRuleSettings, ruleSettingsProblems } from '#core/rules/settings.js';
import { evaluateSourceDown } from '#core/rules/source-down.js';

const defaults = resolveRuleSettings();

describe('liq-distance', () => {
  it.each([
    // distance, side, amount, expected severity (defaults: warning 15, critical 7.5)
    [20, 'BOTH', 0.1, null],
    [15.01, 'BOTH', 0.1, null],
    [15, 'BOTH', 0.1, 'warning'],
    [7.51, 'BOTH', 0.1, 'warning'],
    [7.5, 'BOTH', 0.1, 'critical'],
    [0.5, 'BOTH', 0.1, 'critical'],
    [15, 'BOTH', -0.1, 'warning'],
    [7, 'BOTH', -0.1, 'critical'],
    [16, 'SHORT', -0.1, null],
    [10, 'SHORT', -0.1, 'warning'],
    [5, 'LONG', 0.1, 'critical'],
  ] as const)('%s%% away on a %s leg of %s → %s', (pct, side, amt, expected) => {
    const p = atDistance(pct, { positionSide: side, positionAmt: amt });
    const [finding] = evaluateLiqDistance([p], {}, defaults);
    expect(finding?.severity ?? null).toBe(expected);
  });

  it('measures a short on the side it loses: a liquidation price below the mark of a short is past it', () => {
    const p = buildPosition({ positionAmt: -0.1, markPrice: 50_000, liquidationPrice: 49_000 });
    const [finding] = evaluateLiqDistance([p], {}, defaults);
    expect(finding).toMatchObject({ severity: 'critical', value: -2, positionSide: 'BOTH' });
    expect(finding?.message).toContain('past its liquidation price');
    expect(finding?.message).toContain('SHORT');
  });

  it('a long whose mark fell below its liquidation price is critical', () => {
    const p = buildPosition({ markPrice: 39_000, liquidationPrice: 40_000 });
    expect(evaluateLiqDistance([p], {}, defaults)[0]?.severity).toBe('critical');
  });

  it('no liquidation price, or a flat leg, is no risk', () => {
    expect(evaluateLiqDistance([buildPosition({ liquidationPrice: null })], {}, defaults)).toEqual([]);
    expect(evaluateLiqDistance([atDistance(1, { positionAmt: 0 })], {}, defaults)).toEqual([]);
  });

  it('per-account and per-symbol thresholds override the defaults', () => {
    const s = resolveRuleSettings(
      { liqDistance: { warningPct: 30, symbols: { ETHUSDT: { criticalPct: 12 } } } },
      { liqDistance: { criticalPct: 10 } },
    );
    expect(evaluateLiqDistance([atDistance(25)], {}, s)[0]?.severity).toBe('warning');
    expect(evaluateLiqDistance([atDistance(9.5)], {}, s)[0]?.severity).toBe('critical');
    expect(evaluateLiqDistance([atDistance(11, { symbol: 'ETHUSDT' })], {}, s)[0]).toMatchObject({
      severity: 'critical',
      threshold: 12,
    });
  });

  it.each([
    [15.5, null, null],
    [15.5, 'warning', 'warning'],
    [16.5, 'warning', null],
    [8, 'critical', 'critical'],
    [8.6, 'critical', 'warning'],
    [8, 'warning', 'warning'],
  ] as const)('hysteresis: %s%% after %s → %s', (distance, before, expected) => {
    expect(tierFor(distance, { warningPct: 15, criticalPct: 7.5 }, 1, before)).toBe(expected);
  });

  // Prices as the exchange writes them: the distance is computed in binary floating point, where
  // (1 - 0.85) / 1 * 100 is 15.000000000000002. A distance exactly at a threshold is in that tier.
  it.each([
    // mark, liquidation, side, amount, expected (defaults: warning 15, critical 7.5)
    [1, 0.85, 'BOTH', 1, 'warning'],
    [1, 0.8499, 'BOTH', 1, null],
    [1, 0.8501, 'BOTH', 1, 'warning'],
    [0.06, 0.051, 'LONG', 1, 'warning'],
    [0.07, 0.0595, 'BOTH', 1, 'warning'],
    [100, 92.5, 'LONG', 1, 'critical'],
    [100, 92.49, 'LONG', 1, 'warning'],
    [100, 92.51, 'LONG', 1, 'critical'],
    [0.04, 0.037, 'BOTH', 1, 'critical'],
    [0.05, 0.04625, 'LONG', 1, 'critical'],
    [100, 115, 'SHORT', -1, 'warning'],
    [100, 115.01, 'SHORT', -1, null],
    [100, 114.99, 'SHORT', -1, 'warning'],
    [0.03, 0.0345, 'SHORT', -1, 'warning'],
    [100, 107.5, 'BOTH', -1, 'critical'],
    [100, 107.51, 'BOTH', -1, 'warning'],
    [0.03, 0.03225, 'BOTH', -1, 'critical'],
    [0.06, 0.0645, 'SHORT', -1, 'critical'],
  ] as const)('mark %s, liquidation %s on a %s leg of %s → %s', (markPrice, liquidationPrice, side, amt, expected) => {
    const p = buildPosition({ markPrice, liquidationPrice, positionSide: side, positionAmt: amt });
    const [finding] = evaluateLiqDistance([p], {}, defaults);
    expect(finding?.severity ?? null).toBe(expected);
  });

  it('the distance of a leg exactly at a threshold reads as that threshold', () => {
    expect(liqDistancePct(buildPosition({ markPrice: 1, liquidationPrice: 0.85 }))).toBe(15);
    expect(liqDistancePct(buildPosition({ markPrice: 0.04, liquidationPrice: 0.037 }))).toBe(7.5);
    expect(liqDistancePct(buildPosition({ markPrice: 0.03, liquidationPrice: 0.0345, positionAmt: -1 }))).toBe(15);
  });

  it.each([
    // distance, critical, margin, before, expected: the hold ends exactly one margin above the line
    [2.2, 1.9, 0.3, 'critical', 'critical'],
    [1.8, 1.2, 0.6, 'critical', 'critical'],
    [1.81, 1.2, 0.6, 'critical', 'warning'],
  ] as const)(
    'hysteresis: distance %s over a critical line of %s + %s, after %s → %s',
    (d, criticalPct, margin, before, expected) => {
      expect(tierFor(d, { warningPct: 5, criticalPct }, margin, before)).toBe(expected);
    },
  );

  it('a critical threshold at or above the warning one is a config problem', () => {
    expect(ruleSettingsProblems(resolveRuleSettings({ liqDistance: { criticalPct: 20 } }))[0]?.message).toMatch(
      /criticalPct \(20\) must be below warningPct \(15\)/,
    );
  });
});

describe('leverage-cap', () => {
  it.each([
    [20, 'BTCUSDT', 0.1, false],
    [21, 'BTCUSDT', 0.1, true],
    [21, 'BTCUSDT', 0, false],
    [50, 'ETHUSDT', -1, false],
    [51, 'ETHUSDT', -1, true],
  ] as const)('leverage %sx on %s (amount %s) fires: %s', (leverage, symbol, amt, fires) => {
    const s = resolveRuleSettings({ leverageCap: { symbols: { ETHUSDT: 50 } } });
    const findings = evaluateLeverageCap([buildPosition({ leverage, symbol, positionAmt: amt })], s);
    expect(findings.length === 1).toBe(fires);
    if (fires) expect(findings[0]).toMatchObject({ value: leverage, threshold: symbol === 'ETHUSDT' ? 50 : 20 });
  });

  it('can be switched off', () => {
    const s = resolveRuleSettings({ leverageCap: { enabled: false } });
    expect(evaluateLeverageCap([buildPosition({ leverage: 125 })], s)).toEqual([]);
  });
});

describe('notional-cap', () => {
  it('fires at 90% of maxNotionalValue and holds until 2 points below', () => {
    const at = (notional: number) => buildPosition({ notional, maxNotionalValue: 1_000_000 });
    expect(evaluateNotionalCap([at(899_000)], {}, defaults)).toEqual([]);
    const [f] = evaluateNotionalCap([at(-900_000)], {}, defaults);
    expect(f).toMatchObject({ value: 90, threshold: 90 });
    const prev = { 'main|usdm|BTCUSDT|BOTH|notional-cap': { alert: f!, since: 0, told: {} } };
    expect(evaluateNotionalCap([at(885_000)], prev, defaults)).toHaveLength(1);
    expect(evaluateNotionalCap([at(870_000)], prev, defaults)).toEqual([]);
  });

  it('a notional exactly at the threshold fires, although 57 / 100 * 100 is 56.99999999999999 in floating point', () => {
    const s = resolveRuleSettings({ notionalCap: { warningPct: 57 } });
    const [f] = evaluateNotionalCap([buildPosition({ notional: 57, maxNotionalValue: 100 })], {}, s);
    expect(f).toMatchObject({ value: 57, threshold: 57 });
  });

  it('a source without maxNotionalValue is not judged', () => {
    expect(evaluateNotionalCap([buildPosition({ maxNotionalValue: null })], {}, defaults)).toEqual([]);
  });
});

describe('new-hedge-leg', () => {
  const long = buildPosition({ positionSide: 'LONG', positionAmt: 1 });
  const short = buildPosition({ positionSide: 'SHORT', positionAmt: -0.5 });
  const flatShort = { ...short, positionAmt: 0 };

  it('the first cycle is a baseline: an existing hedge fires nothing', () => {
    expect(evaluateNewHedgeLeg('main', 'usdm', [long, short], undefined, defaults)).toEqual([]);
  });

  it('a SHORT leg that was flat opens while the LONG is open', () => {
    const before = legBook([long, flatShort]);
    const [f] = evaluateNewHedgeLeg('main', 'usdm', [long, short], before, defaults);
    expect(f).toMatchObject({ rule: 'new-hedge-leg', symbol: 'BTCUSDT', positionSide: 'SHORT' });
  });

  it('a leg that was absent counts as flat; a leg that was open does not fire again', () => {
    expect(evaluateNewHedgeLeg('main', 'usdm', [long, short], legBook([long]), defaults)).toHaveLength(1);
    expect(evaluateNewHedgeLeg('main', 'usdm', [long, short], legBook([long, short]), defaults)).toEqual([]);
  });

  it('a leg opening with the opposite leg flat is not a hedge, nor is a one-way position', () => {
    expect(evaluateNewHedgeLeg('main', 'usdm', [short], legBook([]), defaults)).toEqual([]);
    expect(evaluateNewHedgeLeg('main', 'usdm', [buildPosition()], legBook([]), defaults)).toEqual([]);
  });
});

describe('source-down and keys-refused', () => {
  const failing = (failures: number, keysRefused = false) => ({
    failures,
    lastCheckAt: 0,
    lastOkAt: null,
    openPositions: 0,
    lastError: { kind: 'network', message: 'timed out', exchangeCode: keysRefused ? -2015 : null, keysRefused },
  });

  it('fires on the third failure in a row, not before', () => {
    expect(evaluateSourceDown('main', { usdm: failing(2) }, defaults)).toEqual([]);
    expect(evaluateSourceDown('main', { usdm: failing(3) }, defaults)[0]).toMatchObject({
      rule: 'source-down',
      source: 'usdm',
      value: 3,
      threshold: 3,
    });
  });

  it('refused keys give one account alert, not one source-down per source', () => {
    const findings = evaluateSourceDown(
      'main',
      { usdm: failing(5, true), coinm: failing(5, true), 'pm-um': failing(4) },
      defaults,
    );
    expect(findings.map((f) => `${f.rule}:${f.source}`)).toEqual(['keys-refused:null', 'source-down:pm-um']);
    expect(findings[0]).toMatchObject({ rule: 'keys-refused', severity: 'critical', source: null, value: -2015 });
    expect(findings[0]?.message).toContain('usdm, coinm');
  });

  it.each<{ case: string; rules: RulesInput; found: string[] }>([
    {
      case: 'refused keys hide source-down only for the sources they refused',
      rules: {},
      found: ['keys-refused:null', 'source-down:coinm'],
    },
    {
      case: 'source-down switched off still reports refused keys',
      rules: { sourceDown: { enabled: false } },
      found: ['keys-refused:null'],
    },
    {
      // A trader who switches keys-refused off has not asked to stop watching: the refused source
      // fails like any other and is reported as down after the usual count.
      case: 'keys-refused switched off: the refused source is down like any failing source',
      rules: { keysRefused: { enabled: false } },
      found: ['source-down:usdm', 'source-down:coinm'],
    },
    {
      case: 'both switched off: nothing',
      rules: { keysRefused: { enabled: false }, sourceDown: { enabled: false } },
      found: [],
    },
  ])('$case', ({ rules, found }) => {
    const health = { usdm: failing(3, true), coinm: failing(3) };
    const findings = evaluateSourceDown('main', health, resolveRuleSettings(rules));
    expect(findings.map((f) => `${f.rule}:${f.source}`)).toEqual(found);
  });

  it('/rules shows each switch, per account', () => {
    const text = renderRules([
      { account: 'main', settings: defaults },
      { account: 'pm', settings: resolveRuleSettings({ keysRefused: { enabled: false } }) },
    ]);
    expect(text.match(/^(Source down|Keys refused): .*$/gm)).toEqual([
      'Source down: after 3 failed checks',
      'Keys refused: on',
      'Source down: after 3 failed checks',
      'Keys refused: off',
    ]);
  });

  it('a refused key fires at once; a refused source is down only after the usual count', () => {
    const off = resolveRuleSettings({ keysRefused: { enabled: false } });
    expect(evaluateSourceDown('main', { usdm: failing(1, true) }, defaults)[0]?.rule).toBe('keys-refused');
    expect(evaluateSourceDown('main', { usdm: failing(2, true) }, off)).toEqual([]);
  });
});
