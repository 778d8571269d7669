import { describe, expect, it } from 'vitest';
import { atMarginRatio, buildAdl, buildCrossRisk, buildPmRisk, riskFailed, riskOk } from '#builders/account-risk.js';
import { atDistance } from '#builders/position.js';
import type { AccountRisk, PortfolioMarginRisk } from '#core/account-risk.js';
import type { SourceOutcome } from '#core/alerts.js';
import { changeHeadline } from '#core/format/alert-text.js';
import { judgeAccountStatus } from '#core/rules/account-status.js';
import { judgeMarginRatio } from '#core/rules/margin-ratio.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { judgeUniMmr } from '#core/rules/uni-mmr.js';
import { MIN, T0, toldAt } from './cycles.js';
import { comfortable, type RiskStep, repeat, runRisk } from './risk-cycles.js';

/*
 * The account rules: `margin-ratio` (cross), `uni-mmr` and `account-status` (Portfolio Margin) and
 * `adl-risk`, each at and around its lines and through the lifecycle's kinds, cycle after cycle.
 */

const settings = resolveRuleSettings();
/** No hold-down: a tier steps down the cycle its reading clears it (the hold-down has its own tests). */
const noHold = resolveRuleSettings({ liqDistance: { holdDownMinutes: 0 } });

const MARGIN_KEY = 'main|usdm|*|*|margin-ratio';
const UNI_KEY = 'main|pm-um|*|*|uni-mmr';
const STATUS_KEY = 'main|pm-um|*|*|account-status';

const usdm = (...risks: AccountRisk[]): RiskStep => ({ risks: [riskOk('usdm', risks)] });
/** `usdm` read with the account's cross margin ratio at `pct` %. */
const ratio = (pct: number): RiskStep => usdm(atMarginRatio(pct));
const PM: SourceOutcome[] = [{ source: 'pm-um', ok: true, positions: [] }];
const pm = (over: Partial<PortfolioMarginRisk>): RiskStep => ({
  outcomes: PM,
  risks: [riskOk('pm-um', [buildPmRisk(over)])],
});
const uni = (u: number): RiskStep => pm({ uniMMR: u });
/** A status change alone: the uniMMR stays comfortable, so only `account-status` speaks. */
const status = (s: string): RiskStep => pm({ accountStatus: s });

describe('margin-ratio: at and around its lines', () => {
  it.each<{ pct: number; severity: string | null; threshold?: number }>([
    { pct: 69.99, severity: null },
    { pct: 70, severity: 'warning', threshold: 70 },
    { pct: 84.99, severity: 'warning', threshold: 70 },
    { pct: 85, severity: 'critical', threshold: 85 },
    { pct: 100, severity: 'critical', threshold: 85 },
    { pct: 130, severity: 'critical', threshold: 85 },
  ])('a ratio of $pct % is $severity', ({ pct, severity, threshold }) => {
    const [judged] = judgeMarginRatio([atMarginRatio(pct)], {}, settings, T0);
    expect(judged?.finding.severity ?? null).toBe(severity);
    if (judged) expect([judged.finding.value, judged.finding.threshold]).toEqual([pct, threshold]);
  });

  it('says the ratio, the numbers and what it takes to be safe', () => {
    const [judged] = judgeMarginRatio(
      [buildCrossRisk({ maintMargin: 8_000, marginBalance: 10_000 })],
      {},
      settings,
      T0,
    );
    expect(judged?.finding).toMatchObject({
      rule: 'margin-ratio',
      account: 'main',
      source: 'usdm',
      symbol: null,
      positionSide: null,
      message:
        'Margin ratio 80 % (maintenance margin 8,000 of 10,000 USDT margin balance; liquidation at 100 %): add 1,429 USDT of margin, or reduce positions by 13 %, to be back under 70 %',
    });
  });

  it('judges each COIN-M margin asset on its own, keyed by its coin', () => {
    const btc = buildCrossRisk({ source: 'coinm', asset: 'BTC', maintMargin: 0.09, marginBalance: 0.1 });
    const eth = buildCrossRisk({ source: 'coinm', asset: 'ETH', maintMargin: 0.5, marginBalance: 10 });
    const findings = judgeMarginRatio([btc, eth], {}, settings, T0).map((j) => j.finding);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ source: 'coinm', symbol: 'BTC', severity: 'critical' });
    expect(findings[0]?.message).toMatch(/^BTC margin ratio 90 % \(maintenance margin 0.09 of 0.1 BTC/);
  });

  it('a margin balance gone is critical with no number (JSON holds no Infinity)', () => {
    const [judged] = judgeMarginRatio([buildCrossRisk({ marginBalance: -50 })], {}, settings, T0);
    expect(judged?.finding).toMatchObject({ severity: 'critical', value: null });
    expect(judged?.tier.rung).toBe(100);
    expect(judged?.finding.message).toMatch(/the margin balance is gone/);
  });

  it('nothing on cross margin, or the rule switched off, carries no risk', () => {
    expect(judgeMarginRatio([buildCrossRisk({ maintMargin: 0 })], {}, settings, T0)).toEqual([]);
    const off = resolveRuleSettings({ marginRatio: { enabled: false } });
    expect(judgeMarginRatio([atMarginRatio(99)], {}, off, T0)).toEqual([]);
  });

  it('holds a firing tier until 5 points under its line (hysteresis)', () => {
    const { state } = runRisk([ratio(72)], { settings: noHold });
    const at = (pct: number) => judgeMarginRatio([atMarginRatio(pct)], state.alerts, noHold, T0)[0]?.finding.severity;
    expect([at(66), at(65), at(64.99)]).toEqual(['warning', 'warning', undefined]);
  });
});

describe('margin-ratio through the lifecycle', () => {
  it('fires, escalates, deepens rung by rung, eases and resolves: each once, in the cycle it happens', () => {
    const { told } = runRisk([ratio(50), ratio(72), ratio(86), ratio(91), ratio(96), ratio(78), ratio(60)], {
      settings: noHold,
    });
    expect(toldAt(told)).toEqual([
      '1 firing:warning:margin-ratio',
      '2 escalated:critical:margin-ratio',
      '3 deepened:critical:margin-ratio',
      '4 deepened:critical:margin-ratio',
      '5 eased:warning:margin-ratio',
      '6 resolved:warning:margin-ratio',
    ]);
    // A deepening carries the rung in the rule's own terms and reads right.
    const deeper = told[3]![0]!;
    expect([deeper.alert.value, deeper.alert.threshold, changeHeadline(deeper)]).toEqual([
      91,
      90,
      'deeper: margin ratio 91 %',
    ]);
    expect(told[6]![0]!.alert.message).toBe('Margin ratio is back to 60 %');
  });

  it('a rung is told once: back under it and over it again is not news', () => {
    const { told } = runRisk([ratio(86), ratio(91), ratio(88), ratio(92)], { settings: noHold });
    expect(toldAt(told)).toEqual(['0 firing:critical:margin-ratio', '1 deepened:critical:margin-ratio']);
  });

  it('repeats a warning after its interval while it keeps firing', () => {
    const { told } = runRisk(repeat(5, ratio(72)), { stepMs: 60 * MIN });
    expect(toldAt(told)).toEqual(['0 firing:warning:margin-ratio', '4 repeat:warning:margin-ratio']);
  });

  it('resolves only after the hold-down (30 min) clear of its line and margin', () => {
    const { told } = runRisk([ratio(72), ...repeat(31, ratio(60))]);
    expect(toldAt(told)).toEqual(['0 firing:warning:margin-ratio', '31 resolved:warning:margin-ratio']);
  });

  it('fires on a cross account while every position is comfortably far from its own liquidation price', () => {
    const legs = [atDistance(22), atDistance(35, { symbol: 'ETHUSDT', positionAmt: -2, markPrice: 3_000 })];
    const { told, state } = runRisk([{ outcomes: [{ source: 'usdm', ok: true, positions: legs }], ...ratio(88) }]);
    expect(toldAt(told)).toEqual(['0 firing:critical:margin-ratio']);
    expect(Object.keys(state.alerts)).toEqual([MARGIN_KEY]);
  });

  it('a usdm-ws read stands in for usdm under the book’s key, so the alert neither resolves nor fires again', () => {
    const both: SourceOutcome[] = [...comfortable(), { source: 'usdm-ws', ok: true, positions: [] }];
    const usdm75: RiskStep = { outcomes: both, risks: [riskOk('usdm', [atMarginRatio(75)])] };
    const ws75: RiskStep = {
      outcomes: both,
      risks: [riskFailed('usdm'), riskOk('usdm-ws', [atMarginRatio(75, { source: 'usdm-ws' })])],
    };
    const { told, state } = runRisk([usdm75, ws75, usdm75]);
    expect(toldAt(told)).toEqual(['0 firing:warning:margin-ratio']);
    expect(Object.keys(state.alerts)).toEqual([MARGIN_KEY]);
  });
});

describe('uni-mmr: the exchange’s own ladder', () => {
  it.each<{ uniMMR: number | null; severity: string | null; rung?: number | null }>([
    { uniMMR: 1.51, severity: null },
    { uniMMR: 1.5, severity: 'warning', rung: null },
    { uniMMR: 1.21, severity: 'warning', rung: null },
    { uniMMR: 1.2, severity: 'critical', rung: null },
    { uniMMR: 1.1, severity: 'critical', rung: 1.1 },
    { uniMMR: 1.05, severity: 'critical', rung: 1.05 },
    { uniMMR: null, severity: null },
  ])('a uniMMR of $uniMMR is $severity', ({ uniMMR, severity, rung }) => {
    const [judged] = judgeUniMmr([buildPmRisk({ uniMMR, accountEquity: 100_000 })], {}, settings, T0);
    expect(judged?.finding.severity ?? null).toBe(severity);
    if (judged) expect(judged.tier.rung).toBe(rung);
  });

  it('fires, escalates, deepens (liquidation under way at 1.05), eases and resolves', () => {
    const { told } = runRisk([uni(2), uni(1.45), uni(1.15), uni(1.08), uni(1.04), uni(1.3), uni(1.7)], {
      settings: noHold,
    });
    expect(toldAt(told).filter((t) => t.endsWith('uni-mmr'))).toEqual([
      '1 firing:warning:uni-mmr',
      '2 escalated:critical:uni-mmr',
      '3 deepened:critical:uni-mmr',
      '4 deepened:critical:uni-mmr',
      '5 eased:warning:uni-mmr',
      '6 resolved:warning:uni-mmr',
    ]);
    const [rung1, rung2] = [told[3]![0]!, told[4]![0]!];
    expect([changeHeadline(rung1), rung1.alert.threshold]).toEqual(['deeper: uniMMR 1.08', 1.1]);
    expect([changeHeadline(rung2), rung2.alert.threshold]).toEqual(['deeper: uniMMR 1.04', 1.05]);
    expect(rung2.alert.message).toMatch(
      /liquidation is under way: once the exchange has started it, a deposit does not stop it$/,
    );
    expect(told[1]![0]!.alert.message).toBe(
      'uniMMR 1.45 (equity 145,000 USD, maintenance margin 100,000 USD; the exchange goes reduce-only at 1.2 and liquidates at 1.05): add 5,000 USD of equity, or reduce positions by 4 %, to be back over 1.5',
    );
    expect(told[6]![0]!.alert.message).toBe('uniMMR is back to 1.70');
  });

  it('is keyed under the account, not a leg: one alert whichever of its books is read', () => {
    const { state } = runRisk([uni(1.3)]);
    expect(Object.keys(state.alerts)).toEqual([UNI_KEY]);
  });
});

describe('account-status: Portfolio Margin through each status', () => {
  it.each<[string, string | null, RegExp]>([
    ['NORMAL', null, /./],
    ['MARGIN_CALL', 'warning', /^Account status MARGIN_CALL: margin call: the exchange asks for more margin$/],
    ['SUPPLY_MARGIN', 'warning', /asks again for more margin/],
    ['REDUCE_ONLY', 'critical', /takes only orders that reduce positions/],
    ['ACTIVE_LIQUIDATION', 'critical', /liquidating the account by hand/],
    ['FORCE_LIQUIDATION', 'critical', /a deposit no longer stops it/],
    ['BANKRUPTED', 'critical', /bankrupt: the equity is gone/],
    ['SOMETHING_NEW', 'warning', /^Account status SOMETHING_NEW: a status the exchange's documents do not list/],
  ])('%s is %s, in words', (accountStatus, severity, words) => {
    const [judged] = judgeAccountStatus([buildPmRisk({ accountStatus })], {}, settings, T0);
    expect(judged?.finding.severity ?? null).toBe(severity);
    if (judged) expect(judged.finding.message).toMatch(words);
  });

  it('tells at once, deepens status by status, and goes quiet only after the hold-down', () => {
    const steps = [
      status('NORMAL'),
      status('MARGIN_CALL'),
      status('SUPPLY_MARGIN'),
      status('REDUCE_ONLY'),
      status('FORCE_LIQUIDATION'),
      status('BANKRUPTED'),
      ...repeat(31, status('NORMAL')),
    ];
    const { told, state } = runRisk(steps);
    expect(toldAt(told)).toEqual([
      '1 firing:warning:account-status',
      '3 escalated:critical:account-status',
      '4 deepened:critical:account-status',
      '5 deepened:critical:account-status',
      '36 resolved:critical:account-status',
    ]);
    expect([changeHeadline(told[4]![0]!), changeHeadline(told[5]![0]!)]).toEqual([
      'deeper: FORCE_LIQUIDATION',
      'deeper: BANKRUPTED',
    ]);
    expect(told[36]![0]!.alert.message).toBe('Account status is NORMAL again');
    expect(state.alerts[STATUS_KEY]).toBeUndefined();
  });

  it('switched off, says nothing', () => {
    const off = resolveRuleSettings({ accountStatus: { enabled: false } });
    expect(judgeAccountStatus([buildPmRisk({ accountStatus: 'BANKRUPTED' })], {}, off, T0)).toEqual([]);
  });
});

describe('adl-risk: a leg at the top of the auto-deleveraging queue', () => {
  const long = atDistance(30, { positionSide: 'LONG', unrealizedProfit: 800 });
  const short = atDistance(30, { positionSide: 'SHORT', positionAmt: -0.1, unrealizedProfit: -780 });
  const hedge = (quantile: number, legs = [long, short]): RiskStep => ({
    outcomes: [{ source: 'usdm', ok: true, positions: legs }],
    // In cross hedge mode the exchange shows one quantile for both legs.
    risks: [
      riskOk('usdm', [], [buildAdl(quantile, { positionSide: 'LONG' }), buildAdl(quantile, { positionSide: 'SHORT' })]),
    ],
  });

  it('warns for the profitable leg of a hedge above all: ADL can leave the other leg naked', () => {
    const { told } = runRisk([hedge(4)]);
    expect(told[0]!.map((n) => [n.alert.positionSide, n.alert.severity, n.alert.message])).toEqual([
      [
        'LONG',
        'warning',
        'BTCUSDT LONG is at the top of the auto-deleveraging queue (quantile 4 of 4) and is the profitable leg of a hedge: ADL can close it and leave the SHORT leg naked',
      ],
    ]);
  });

  it('a one-way leg at the top warns; below it, or at a lower minQuantile, as configured', () => {
    const oneWay = (q: number): RiskStep => ({ risks: [riskOk('usdm', [], [buildAdl(q)])] });
    expect(toldAt(runRisk([oneWay(3)]).told)).toEqual([]);
    expect(toldAt(runRisk([oneWay(4)]).told)).toEqual(['0 firing:warning:adl-risk']);
    const three = resolveRuleSettings({ adlRisk: { minQuantile: 3 } });
    expect(toldAt(runRisk([oneWay(3)], { settings: three }).told)).toEqual(['0 firing:warning:adl-risk']);
  });

  it('holds through the hold-down, and a closed leg resolves at once', () => {
    const { told } = runRisk([hedge(4), hedge(2), hedge(2), hedge(2, [short])]);
    expect(toldAt(told)).toEqual(['0 firing:warning:adl-risk', '3 resolved:warning:adl-risk']);
    expect(told[3]![0]!.alert.message).toBe('BTCUSDT LONG is closed');
  });

  it('is kept as it was when the quantiles or the positions were not read', () => {
    const noAdl: RiskStep = { outcomes: hedge(4).outcomes, risks: [riskFailed('usdm')] };
    const noPositions: RiskStep = {
      outcomes: [
        {
          source: 'usdm',
          ok: false,
          error: { kind: 'network', message: 'reset', exchangeCode: null, keysRefused: false },
        },
      ],
      risks: hedge(1).risks,
    };
    const { told, state } = runRisk([hedge(4), ...repeat(40, noAdl), ...repeat(40, noPositions)]);
    expect(toldAt(told).filter((t) => t.endsWith('adl-risk'))).toEqual(['0 firing:warning:adl-risk']);
    expect(state.alerts['main|usdm|BTCUSDT|LONG|adl-risk']).toBeDefined();
  });
});
