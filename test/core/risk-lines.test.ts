import { describe, expect, it } from 'vitest';
import { atMarginRatio, buildCrossRisk, buildPmRisk } from '#builders/account-risk.js';
import { buildAlert } from '#builders/alert.js';
import { changeHeadline, depthText } from '#core/format/alert-text.js';
import { renderRiskLine, renderRiskLines, riskTier } from '#core/format/risk-lines.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/*
 * The risk line each account opens /positions, /status, the digest and `liqwatch positions` with, and
 * the words the account rules' notifications lead with.
 */

const settings = resolveRuleSettings();

describe('risk lines', () => {
  it.each([
    {
      case: 'a USDⓈ-M cross account that is fine',
      risk: buildCrossRisk({ maintMargin: 6_380, marginBalance: 10_230 }),
      line: 'main usdm · margin ratio 62.4 % (ok) · equity 10,230 USDT · maint 6,380 USDT',
    },
    {
      case: 'a COIN-M margin asset in warning, with the way back',
      risk: buildCrossRisk({ source: 'coinm', asset: 'BTC', maintMargin: 0.08, marginBalance: 0.1 }),
      line: 'main coinm BTC · margin ratio 80 % (warning) · equity 0.1 BTC · maint 0.08 BTC · add 0.01429 BTC of margin, or reduce positions by 13 %, to be back under 70 %',
    },
    {
      case: 'a Portfolio Margin account on a margin call',
      risk: buildPmRisk({
        uniMMR: 1.34,
        accountEquity: 52_100,
        accountMaintMargin: 38_900,
        accountStatus: 'MARGIN_CALL',
      }),
      line: 'main pm · uniMMR 1.34 (warning) · equity 52,100 USD · maint 38,900 USD · MARGIN_CALL · add 6,250 USD of equity, or reduce positions by 11 %, to be back over 1.5',
    },
    {
      case: 'a Portfolio Margin account being liquidated',
      risk: buildPmRisk({ uniMMR: 1.03, accountEquity: 103_000, accountStatus: 'FORCE_LIQUIDATION' }),
      line: 'main pm · uniMMR 1.03 (liquidation) · equity 103,000 USD · maint 100,000 USD · FORCE_LIQUIDATION · liquidation is under way: once the exchange has started it, a deposit does not stop it',
    },
    {
      case: 'a cross account past 100 %',
      risk: atMarginRatio(104),
      line: 'main usdm · margin ratio 104 % (liquidation) · equity 10,000 USDT · maint 10,400 USDT · add 4,858 USDT of margin, or reduce positions by 33 %, to be back under 70 %',
    },
    {
      case: 'nothing on cross margin',
      risk: buildCrossRisk({ maintMargin: 0 }),
      line: 'main usdm · margin ratio — (nothing on cross margin) · equity 10,000 USDT · maint 0 USDT',
    },
  ])('$case', ({ risk, line }) => {
    expect(renderRiskLine(risk, settings)).toBe(line);
  });

  it('one line per risk, in order', () => {
    const lines = renderRiskLines([atMarginRatio(10), buildPmRisk()], settings);
    expect(lines.map((l) => l.split(' · ')[0])).toEqual(['main usdm', 'main pm']);
  });

  it.each([
    [atMarginRatio(69.99), 'ok'],
    [atMarginRatio(70), 'warning'],
    [atMarginRatio(85), 'critical'],
    [buildPmRisk({ uniMMR: 1.5001 }), 'ok'],
    [buildPmRisk({ uniMMR: 1.5 }), 'warning'],
    [buildPmRisk({ uniMMR: 1.2 }), 'critical'],
  ])('a reading at a line is in that tier (%#)', (risk, tier) => {
    expect(riskTier(risk, settings)).toBe(tier);
  });

  it("judges by the account's own thresholds", () => {
    const own = resolveRuleSettings({ marginRatio: { warningPct: 50, criticalPct: 60 } });
    expect(riskTier(atMarginRatio(55), own)).toBe('warning');
    expect(renderRiskLine(atMarginRatio(55), own)).toContain('to be back under 50 %');
  });
});

describe('the account rules in headlines and depths', () => {
  it.each([
    [buildAlert({ rule: 'margin-ratio', value: 91, threshold: 90 }), 'deeper: margin ratio 91 %'],
    [buildAlert({ rule: 'margin-ratio', value: 95.34, threshold: 95 }), 'deeper: margin ratio 95.3 %'],
    [buildAlert({ rule: 'margin-ratio', value: null, threshold: 100 }), 'deeper: the margin balance is gone'],
    [buildAlert({ rule: 'uni-mmr', value: 1.08, threshold: 1.1 }), 'deeper: uniMMR 1.08'],
    [buildAlert({ rule: 'account-status', value: 5, threshold: 5 }), 'deeper: FORCE_LIQUIDATION'],
    [buildAlert({ value: 2.1, threshold: 3 }), 'deeper: 2.1 % from liquidation'],
  ])('a deepening of %j leads with "%s"', (alert, headline) => {
    expect(changeHeadline({ kind: 'deepened', alert })).toBe(headline);
  });

  it.each<[Parameters<typeof depthText>[1], number, string]>([
    ['margin-ratio', 95, 'margin ratio 95 % or more'],
    ['margin-ratio', 100, 'margin ratio at the liquidation line'],
    ['uni-mmr', 1.1, 'uniMMR 1.1 or less'],
    ['uni-mmr', 1.05, 'uniMMR at the liquidation line'],
    ['account-status', 6, 'BANKRUPTED'],
    ['liq-distance', 3, 'under 3 %'],
  ])('the depth of a %s alert at rung %s reads "%s"', (rule, rung, text) => {
    expect(depthText(rung, rule)).toBe(text);
  });
});
