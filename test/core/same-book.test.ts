import { describe, expect, it } from 'vitest';
import { atDistance, buildPosition } from '#builders/position.js';
import { alertKey, type Finding } from '#core/alert.js';
import { type AccountState, advanceAccount, type ChatRoute, type SourceOutcome } from '#core/alerts.js';
import type { Position, SourceId } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

/*
 * `usdm` (REST) and `usdm-ws` (WebSocket API) read one USDⓈ-M futures book: an account that watches
 * both holds each leg once, so each leg gets one alert, keyed under `usdm` whichever of the two answered.
 */

// No hold-down: these tests are about which source a leg is read from, not about how long a tier holds.
const settings = resolveRuleSettings({ liqDistance: { holdDownMinutes: 0, volatilityMargin: 0 } });
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 12, 0);
const chat: ChatRoute = { id: 42 };

const answers = (source: SourceId, positions: readonly Position[]): SourceOutcome => ({
  source,
  ok: true,
  positions: positions.map((p) => ({ ...p, source })),
});
const fails = (source: SourceId): SourceOutcome => ({
  source,
  ok: false,
  error: { kind: 'network', message: 'timed out', exchangeCode: null, keysRefused: false },
});
/** Both sources of the book answer with the same legs. */
const both = (...positions: Position[]) => [answers('usdm', positions), answers('usdm-ws', positions)];

/** Cycles one minute apart: what the chat was told in each (`kind:severity:rule:source`), and the last state. */
function run(cycles: SourceOutcome[][], prev: AccountState | null = null) {
  let state = prev;
  const told = cycles.map((outcomes, i) => {
    const result = advanceAccount({
      account: 'main',
      prev: state,
      outcomes,
      settings,
      nowMs: T0 + i * MIN,
      mutes: [],
      chats: [chat],
    });
    state = result.state;
    return (result.deliveries[0]?.notifications ?? []).map(
      (n) => `${n.kind}:${n.alert.severity}:${n.alert.rule}:${n.alert.source}`,
    );
  });
  return { told, state: state as AccountState | null };
}

const critical = atDistance(5);
const LIQ_KEY = 'main|usdm|BTCUSDT|BOTH|liq-distance';

describe('one book read over usdm and usdm-ws', () => {
  it('the same critical leg on both sources is one alert', () => {
    const { told, state } = run([both(critical)]);
    expect(told).toEqual([['firing:critical:liq-distance:usdm']]);
    expect(Object.keys(state!.alerts)).toEqual([LIQ_KEY]);
  });

  it('usdm failing a cycle while usdm-ws answers neither resolves nor fires again', () => {
    const { told, state } = run([
      both(critical),
      [fails('usdm'), answers('usdm-ws', [critical])],
      both(critical),
      [answers('usdm', [critical]), fails('usdm-ws')],
    ]);
    expect(told).toEqual([['firing:critical:liq-distance:usdm'], [], [], []]);
    expect(Object.keys(state!.alerts)).toEqual([LIQ_KEY]);
    expect(state!.alerts[LIQ_KEY]?.since).toBe(T0);
  });

  it('usdm-ws stands in for a failing usdm: an escalation and a recovery are seen through it', () => {
    const { told } = run([
      both(atDistance(10)),
      [fails('usdm'), answers('usdm-ws', [critical])],
      [fails('usdm'), answers('usdm-ws', [atDistance(30)])],
      both(atDistance(30)),
    ]);
    expect(told).toEqual([
      ['firing:warning:liq-distance:usdm'],
      ['escalated:critical:liq-distance:usdm'],
      ['resolved:critical:liq-distance:usdm'],
      [],
    ]);
  });

  it('both failing keeps the alert: an outage is not a recovery', () => {
    const { told, state } = run([both(critical), [fails('usdm'), fails('usdm-ws')], both(critical)]);
    expect(told).toEqual([['firing:critical:liq-distance:usdm'], [], []]);
    expect(Object.keys(state!.alerts)).toEqual([LIQ_KEY]);
  });

  it('a leverage over the cap is one alert, also when usdm-ws takes over', () => {
    const levered = buildPosition({ leverage: 25 });
    const { told } = run([both(levered), [fails('usdm'), answers('usdm-ws', [levered])], both(levered)]);
    expect(told).toEqual([['firing:warning:leverage-cap:usdm'], [], []]);
  });

  it('a new hedge leg is told once, also when it is first seen through usdm-ws', () => {
    const long = buildPosition({ positionSide: 'LONG', positionAmt: 1, liquidationPrice: null });
    const short = buildPosition({ positionSide: 'SHORT', positionAmt: -1, liquidationPrice: null });
    expect(run([both(long), both(long, short), both(long, short)]).told).toEqual([
      [],
      ['firing:warning:new-hedge-leg:usdm'],
      [],
    ]);
    expect(
      run([both(long), [fails('usdm'), answers('usdm-ws', [long, short])], both(long, short), both(long, short)]).told,
    ).toEqual([[], ['firing:warning:new-hedge-leg:usdm'], [], []]);
  });

  it('the failing source is still reported down on its own', () => {
    const cycle = [answers('usdm', [critical]), fails('usdm-ws')];
    const { told } = run([cycle, cycle, cycle]);
    expect(told).toEqual([['firing:critical:liq-distance:usdm'], [], ['firing:warning:source-down:usdm-ws']]);
  });

  it('an account that reads usdm-ws alone keeps its alerts under usdm-ws', () => {
    const { told } = run([[answers('usdm-ws', [critical])]]);
    expect(told).toEqual([['firing:critical:liq-distance:usdm-ws']]);
  });

  it('an alert stored under usdm-ws before the book was one carries on under usdm, untold again', () => {
    // Prepare: last cycle's state as it was kept when each source had alerts of its own.
    const finding = (source: SourceId): Finding => ({
      rule: 'liq-distance',
      severity: 'critical',
      account: 'main',
      source,
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      value: 5,
      threshold: 7.5,
      message: 'BTCUSDT LONG is 5% from liquidation',
    });
    const told = { [chat.id]: { at: T0 - MIN, severity: 'critical' as const } };
    const onWs = { alert: finding('usdm-ws'), since: T0 - 10 * MIN, told };
    const prev: AccountState = {
      account: 'main',
      legs: {},
      health: {},
      alerts: { [alertKey(onWs.alert)]: onWs },
      lastCycleAt: T0 - MIN,
    };
    // Act
    const result = run([both(critical)], prev);
    // Assess: nothing resolves, nothing fires again, and it keeps its start.
    expect(result.told).toEqual([[]]);
    expect(Object.keys(result.state!.alerts)).toEqual([LIQ_KEY]);
    expect(result.state!.alerts[LIQ_KEY]).toMatchObject({ since: T0 - 10 * MIN, told });
  });
});
