import { describe, expect, it } from 'vitest';
import { atMarginRatio, buildPmRisk, riskFailed, riskOk } from '#builders/account-risk.js';
import { atDistance } from '#builders/position.js';
import type { SourceOutcome } from '#core/alerts.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { AccountStateSchema } from '#store/schemas.js';
import { toldAt } from './cycles.js';
import { comfortable, type RiskStep, repeat, runRisk } from './risk-cycles.js';

/*
 * The account read beside the position read: either failing leaves the other's rules running, an
 * outage of the account read keeps its alerts as they were and is told as `risk-down`, and refused
 * keys speak for it as they do for `source-down`.
 */

const noHold = resolveRuleSettings({ liqDistance: { holdDownMinutes: 0 } });

const positionsFailed = (keysRefused = false): SourceOutcome[] => [
  {
    source: 'usdm',
    ok: false,
    error: keysRefused
      ? { kind: 'exchange', message: 'Invalid API-key', exchangeCode: -2015, keysRefused }
      : { kind: 'network', message: 'timed out', exchangeCode: null, keysRefused },
  },
];
const critical5: SourceOutcome[] = [{ source: 'usdm', ok: true, positions: [atDistance(5)] }];
const ratio = (pct: number, outcomes = comfortable()): RiskStep => ({
  outcomes,
  risks: [riskOk('usdm', [atMarginRatio(pct)])],
});
const riskDown = (outcomes = comfortable(), keysRefused = false): RiskStep => ({
  outcomes,
  risks: [riskFailed('usdm', keysRefused)],
});

describe('the account read and the position read do not blind each other', () => {
  it('a failing account read leaves the position rules running, and is told after 3 checks', () => {
    const { told, state } = runRisk(repeat(3, riskDown(critical5)));
    expect(toldAt(told)).toEqual(['0 firing:critical:liq-distance', '2 firing:warning:risk-down']);
    expect(told[2]![0]!.alert.message).toBe(
      'The margin numbers of main usdm could not be read 3 checks in a row: the account answer could not be read',
    );
    expect([state.health.usdm?.failures, state.riskHealth?.usdm?.failures]).toEqual([0, 3]);
    // Kept between runs: the stored state carries the count.
    expect(AccountStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('a failing position read leaves the account rules running', () => {
    const { told, state } = runRisk(repeat(3, ratio(90, positionsFailed())));
    expect(toldAt(told)).toEqual(['0 firing:critical:margin-ratio', '2 firing:warning:source-down']);
    expect([state.health.usdm?.failures, state.riskHealth?.usdm?.failures]).toEqual([3, 0]);
  });

  it('an account read that fails keeps its alerts as they were (an outage is not a recovery)', () => {
    const { told, results } = runRisk([ratio(90), ...repeat(5, riskDown()), ratio(60)], {
      settings: noHold,
    });
    expect(toldAt(told)).toEqual([
      '0 firing:critical:margin-ratio',
      '3 firing:warning:risk-down',
      '6 resolved:critical:margin-ratio',
      '6 resolved:warning:risk-down',
    ]);
    expect(results[5]!.state.alerts['main|usdm|*|*|margin-ratio']?.alert.value).toBe(90);
    expect(told[6]!.map((n) => n.alert.message)).toEqual([
      'Margin ratio is back to 60 %',
      'The margin numbers of main usdm can be read again',
    ]);
  });

  it('keeps a Portfolio Margin alert while another of its books carries the account numbers', () => {
    const books: SourceOutcome[] = [
      { source: 'pm-um', ok: true, positions: [] },
      { source: 'pm-cm', ok: true, positions: [] },
    ];
    const pm = (uniMMR: number) => buildPmRisk({ uniMMR });
    const steps: RiskStep[] = [
      { outcomes: books, risks: [riskOk('pm-um', [pm(1.4)]), riskOk('pm-cm', [pm(1.4)])] },
      { outcomes: books, risks: [riskFailed('pm-um'), riskOk('pm-cm', [pm(1.4)])] },
      { outcomes: books, risks: [riskOk('pm-um', [pm(1.7)]), riskOk('pm-cm', [pm(1.7)])] },
    ];
    const { told } = runRisk(steps, { settings: noHold });
    expect(toldAt(told)).toEqual(['0 firing:warning:uni-mmr', '2 resolved:warning:uni-mmr']);
  });
});

describe('risk-down', () => {
  it('refused keys speak for it, as for source-down: one keys-refused alert, nothing else', () => {
    const { told } = runRisk(repeat(4, riskDown(positionsFailed(true), true)));
    expect(toldAt(told)).toEqual(['0 firing:critical:keys-refused']);
  });

  it('with keys-refused off, a refused source is a failing source: source-down says it, once', () => {
    const settings = resolveRuleSettings({ keysRefused: { enabled: false } });
    const { told } = runRisk(repeat(3, riskDown(positionsFailed(true), true)), { settings });
    expect(toldAt(told)).toEqual(['2 firing:warning:source-down']);
  });

  it('a whole source out is one source-down, not a risk-down beside it', () => {
    const { told } = runRisk(repeat(3, riskDown(positionsFailed())));
    expect(toldAt(told)).toEqual(['2 firing:warning:source-down']);
  });

  it('a refused account read alone (the positions read fine) is told as risk-down', () => {
    const { told } = runRisk(repeat(3, riskDown(comfortable(), true)));
    expect(toldAt(told)).toEqual(['2 firing:warning:risk-down']);
  });

  it('follows the sourceDown switch and count', () => {
    const two = resolveRuleSettings({ sourceDown: { afterFailures: 2 } });
    expect(toldAt(runRisk(repeat(3, riskDown()), { settings: two }).told)).toEqual(['1 firing:warning:risk-down']);
    const off = resolveRuleSettings({ sourceDown: { enabled: false } });
    expect(toldAt(runRisk(repeat(5, riskDown()), { settings: off }).told)).toEqual([]);
  });
});

describe('the state an account carries', () => {
  it('has no riskHealth until an account read is made, so saved state reads as it was', () => {
    expect(runRisk([{}]).state).not.toHaveProperty('riskHealth');
    expect(runRisk([{}, ratio(10)]).state.riskHealth).toEqual({
      usdm: { failures: 0, lastCheckAt: expect.any(Number), lastOkAt: expect.any(Number), lastError: null },
    });
  });

  it('forgets the account read of a source taken out of the config, with its alerts', () => {
    const { state, told } = runRisk([ratio(90), { outcomes: [{ source: 'coinm', ok: true, positions: [] }] }]);
    expect(toldAt(told)).toEqual(['0 firing:critical:margin-ratio']);
    expect([state.riskHealth, state.alerts]).toEqual([undefined, {}]);
  });
});
