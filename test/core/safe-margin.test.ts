import { describe, expect, it } from 'vitest';
import { atMarginRatio, buildCrossRisk, buildPmRisk } from '#builders/account-risk.js';
import { marginRatioPct } from '#core/account-risk.js';
import { formatSum } from '#core/format/numbers.js';
import { crossWayBack, portfolioWayBack, safeText } from '#core/rules/safe-margin.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/*
 * What it takes to be safe: the margin (or equity) to add, or the share of the positions to close, to
 * get back to the warning line; said, never acted on. Each way, taken alone, gets the account there.
 */

const settings = resolveRuleSettings();

describe('safe margin: a cross account back under its warning line (70 %)', () => {
  it.each([
    {
      case: 'a USDⓈ-M account at 80 %',
      risk: buildCrossRisk({ maintMargin: 8_000, marginBalance: 10_000 }),
      text: 'add 1,429 USDT of margin, or reduce positions by 13 %, to be back under 70 %',
    },
    {
      case: 'a COIN-M margin asset at 80 %, in its coin',
      risk: buildCrossRisk({ source: 'coinm', asset: 'BTC', maintMargin: 0.08, marginBalance: 0.1 }),
      text: 'add 0.01429 BTC of margin, or reduce positions by 13 %, to be back under 70 %',
    },
    {
      case: 'a margin balance gone: only margin helps, or closing everything',
      risk: buildCrossRisk({ maintMargin: 5_000, marginBalance: -100 }),
      text: 'add 7,243 USDT of margin, or close every position, to be back under 70 %',
    },
  ])('$case', ({ risk, text }) => {
    expect(safeText(risk, settings)).toBe(text);
  });

  it('is nothing under the line, or with nothing on cross margin', () => {
    expect(safeText(atMarginRatio(69.9), settings)).toBeNull();
    expect(safeText(buildCrossRisk({ maintMargin: 0 }), settings)).toBeNull();
  });

  it.each([70, 72.5, 80, 91, 99.9, 140])('either way alone brings a ratio of %s %% back to 70 %% or under', (pct) => {
    // Prepare
    const risk = atMarginRatio(pct, { marginBalance: 12_345.67 });
    const way = crossWayBack(risk, 70)!;
    // Act: add the margin as told (rounded up as shown), or close the share told
    const added = Number(formatSum(way.add, 'up').replaceAll(',', ''));
    const withMargin = marginRatioPct({ ...risk, marginBalance: risk.marginBalance + added })!;
    const reduced = marginRatioPct({ ...risk, maintMargin: risk.maintMargin * (1 - way.reducePct / 100) })!;
    // Assess
    expect(withMargin).toBeLessThanOrEqual(70);
    expect(reduced).toBeLessThanOrEqual(70);
  });

  it('follows a warning line set per account', () => {
    const own = resolveRuleSettings({ marginRatio: { warningPct: 50 } });
    expect(crossWayBack(atMarginRatio(60), own.marginRatio.warningPct)).toMatchObject({ target: 50, unit: 'USDT' });
    expect(safeText(atMarginRatio(60), own)).toMatch(/to be back under 50 %$/);
  });
});

describe('safe margin: a Portfolio Margin account back over its warning uniMMR (1.5)', () => {
  it('says the equity to add, in USD, or the share to close', () => {
    const risk = buildPmRisk({ uniMMR: 1.34, accountEquity: 52_100, accountMaintMargin: 38_900 });
    expect(safeText(risk, settings)).toBe('add 6,250 USD of equity, or reduce positions by 11 %, to be back over 1.5');
    expect(portfolioWayBack(risk, 1.5)).toEqual({ add: 6_250, reducePct: 11, unit: 'USD', target: 1.5 });
  });

  it('past the liquidation line (1.05), says that liquidation is under way instead', () => {
    expect(safeText(buildPmRisk({ uniMMR: 1.04 }), settings)).toBe(
      'liquidation is under way: once the exchange has started it, a deposit does not stop it',
    );
  });

  it('is nothing over the line, or with no uniMMR to judge', () => {
    expect(safeText(buildPmRisk({ uniMMR: 1.51 }), settings)).toBeNull();
    expect(safeText(buildPmRisk({ uniMMR: null, accountEquity: 1_000, accountMaintMargin: 0 }), settings)).toBeNull();
  });

  it.each([1.5, 1.45, 1.2, 1.06])('either way alone brings a uniMMR of %s back to 1.5 or over', (uni) => {
    const risk = buildPmRisk({ uniMMR: uni, accountMaintMargin: 38_917.31 });
    const way = portfolioWayBack(risk, 1.5)!;
    const added = Number(formatSum(way.add, 'up').replaceAll(',', ''));
    expect((risk.accountEquity + added) / risk.accountMaintMargin).toBeGreaterThanOrEqual(1.5);
    expect(risk.accountEquity / (risk.accountMaintMargin * (1 - way.reducePct / 100))).toBeGreaterThanOrEqual(1.5);
  });
});

describe('formatSum: sums in a sentence', () => {
  it.each<[number, 'nearest' | 'up', string]>([
    [10_230.4, 'nearest', '10,230'],
    [1_239.2, 'up', '1,240'],
    [1_240, 'up', '1,240'],
    [12.345, 'up', '12.35'],
    [0.14937, 'nearest', '0.1494'],
    [0, 'up', '0'],
    [-120.5, 'nearest', '-120.5'],
  ])('%s (%s) → %s', (value, round, text) => {
    expect(formatSum(value, round)).toBe(text);
  });
});
