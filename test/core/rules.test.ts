import { describe, expect, it } from 'vitest';
import { atDistance, buildPosition } from '#builders/position.js';
import { evaluateLeverageCap } from '#core/rules/leverage-cap.js';
import { evaluateLiqDistance, tierFor } from '#core/rules/liq-distance.js';
import { evaluateNewHedgeLeg, legBook } from '#core/rules/new-hedge-leg.js';
import { evaluateNotionalCap } from '#core/rules/notional-cap.js';
import { resolveRuleSettings, ruleSettingsProblems } from '#core/rules/settings.js';
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
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'keys-refused', severity: 'critical', source: null, value: -2015 });
  });
});
