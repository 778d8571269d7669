import { describe, expect, it } from 'vitest';
import { atDistance, buildPosition } from '#builders/position.js';
import { type AlertState, alertKey, type Finding, type NotificationKind, type Told } from '#core/alert.js';
import { type AccountState, emptyAccountState } from '#core/lifecycle/account-state.js';
import { evaluateCycle, type SourceOutcome } from '#core/lifecycle/evaluate.js';
import { type ChatRoute, routeNotifications } from '#core/lifecycle/route.js';
import { type OwedNotification, recordTold, transitionAlerts } from '#core/lifecycle/transition.js';
import type { Mute } from '#core/mutes.js';
import type { Position, SourceId } from '#core/position.js';
import { resolveRuleSettings } from '#core/rules/settings.js';

const settings = resolveRuleSettings();
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 5, 12, 0); // a Monday, 12:00 UTC
const CHAT = 42;

function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'liq-distance',
    severity: 'warning',
    account: 'main',
    source: 'usdm',
    symbol: 'BTCUSDT',
    positionSide: 'BOTH',
    value: 10,
    threshold: 15,
    message: 'BTCUSDT LONG is 10% from liquidation',
    ...over,
  };
}

/** An alert that has fired since an hour ago; `told` maps chat id to what it heard and when. */
function firing(f: Finding, told: Record<string, Told> = {}, since = T0 - HOUR): AlertState {
  return { alert: f, since, told };
}

const byKey = (states: AlertState[]) => Object.fromEntries(states.map((s) => [alertKey(s.alert), s]));
const label = (n: { kind: NotificationKind; alert: Pick<Finding, 'severity' | 'rule'> }) =>
  `${n.kind}:${n.alert.severity}:${n.alert.rule}`;

describe('evaluate: what is true now', () => {
  const ok = (positions: Position[], source: SourceId = 'usdm'): SourceOutcome => ({ source, ok: true, positions });
  const failed = (keysRefused = false): SourceOutcome => ({
    source: 'usdm',
    ok: false,
    error: keysRefused
      ? { kind: 'exchange', message: '-2015 Invalid API-key', exchangeCode: -2015, keysRefused: true }
      : { kind: 'network', message: 'timed out', exchangeCode: null, keysRefused: false },
  });
  const health = (failures: number) => ({
    usdm: { failures, lastCheckAt: T0 - MIN, lastOkAt: T0 - 9 * MIN, lastError: null, openPositions: 1 },
  });
  const long = buildPosition({ positionSide: 'LONG', positionAmt: 1, liquidationPrice: null });
  const short = buildPosition({ positionSide: 'SHORT', positionAmt: -1, liquidationPrice: null });

  it.each<{ case: string; outcome: SourceOutcome; prev?: Partial<AccountState>; findings: string[] }>([
    {
      case: 'an answered source has every rule run on its legs',
      outcome: ok([atDistance(10, { leverage: 25 })]),
      findings: ['warning:liq-distance', 'warning:leverage-cap'],
    },
    { case: 'a failed source is not judged', outcome: failed(), findings: [] },
    {
      case: 'the third failure in a row is source-down',
      outcome: failed(),
      prev: { health: health(2) },
      findings: ['warning:source-down'],
    },
    {
      case: 'refused keys are one critical for the account',
      outcome: failed(true),
      findings: ['critical:keys-refused'],
    },
    { case: 'a leg 15.5% away has not reached the warning line', outcome: ok([atDistance(15.5)]), findings: [] },
    {
      case: 'a warning already firing holds one margin past the line, so it does not flap',
      outcome: ok([atDistance(15.5)]),
      prev: { alerts: byKey([firing(finding())]) },
      findings: ['warning:liq-distance'],
    },
    { case: 'the first good cycle is a baseline for hedge legs', outcome: ok([long, short]), findings: [] },
    {
      case: 'a short opened against last cycle’s long is a new hedge leg',
      outcome: ok([long, short]),
      prev: { legs: { usdm: { 'BTCUSDT|LONG': 1 } } },
      findings: ['warning:new-hedge-leg'],
    },
  ])('$case', ({ outcome, prev, findings }) => {
    const result = evaluateCycle({
      account: 'main',
      prev: { ...emptyAccountState('main'), ...prev },
      outcomes: [outcome],
      settings,
      nowMs: T0,
    });
    expect(result.findings.map((f) => `${f.severity}:${f.rule}`)).toEqual(findings);
    expect(Object.keys(result.answered)).toEqual(outcome.ok ? ['usdm'] : []);
  });

  it('a success clears the failure count; a failure adds one and keeps what was last known', () => {
    const prev = { ...emptyAccountState('main'), health: health(2) };
    const input = { account: 'main', prev, settings, nowMs: T0 };
    expect(evaluateCycle({ ...input, outcomes: [ok([atDistance(30)])] }).health.usdm).toEqual({
      failures: 0,
      lastCheckAt: T0,
      lastOkAt: T0,
      lastError: null,
      openPositions: 1,
    });
    expect(evaluateCycle({ ...input, outcomes: [failed()] }).health.usdm).toMatchObject({
      failures: 3,
      lastCheckAt: T0,
      lastOkAt: T0 - 9 * MIN,
      openPositions: 1,
    });
  });

  it('a source taken out of the config is forgotten: no health, no legs, not watched', () => {
    const prev = {
      ...emptyAccountState('main'),
      legs: { usdm: {}, coinm: { 'BTCUSD_PERP|BOTH': 3 } },
      health: { ...health(0), coinm: health(1).usdm },
    };
    const before = structuredClone(prev);
    const result = evaluateCycle({ account: 'main', prev, outcomes: [ok([])], settings, nowMs: T0 });
    expect(Object.keys(result.legs)).toEqual(['usdm']);
    expect(Object.keys(result.health)).toEqual(['usdm']);
    expect([...result.watched]).toEqual(['usdm']);
    expect(prev).toEqual(before);
  });
});

describe('transition: findings against last cycle’s alerts', () => {
  const warning = finding();
  const critical = finding({ severity: 'critical', value: 5, threshold: 7.5 });
  const hedge = finding({ rule: 'new-hedge-leg', positionSide: 'SHORT', value: -1, threshold: null });
  const down = finding({ rule: 'source-down', symbol: null, positionSide: null, value: 3, threshold: 3 });
  const approach = finding({ rule: 'approach', value: 6, threshold: 10 });
  const toldAt = (at: number, severity: Finding['severity'] = 'warning') => ({ [CHAT]: { at, severity } });

  it.each<{
    case: string;
    prev?: AlertState[];
    findings?: Finding[];
    answered?: SourceId[];
    watched?: SourceId[];
    owed: string[];
    resolved?: boolean;
    kept: number;
  }>([
    { case: 'a new finding fires', findings: [warning], owed: ['firing:warning:liq-distance'], kept: 1 },
    {
      case: 'a warning that becomes critical is one escalated notification',
      prev: [firing(warning, toldAt(T0 - MIN))],
      findings: [critical],
      owed: ['escalated:critical:liq-distance'],
      kept: 1,
    },
    {
      case: 'a critical that eases to a warning (its hold-down over) is told as eased',
      prev: [firing(critical, toldAt(T0 - MIN, 'critical'))],
      findings: [warning],
      owed: ['eased:warning:liq-distance'],
      kept: 1,
    },
    {
      case: 'a warning told 3 h ago is not told again',
      prev: [firing(warning, toldAt(T0 - 3 * HOUR))],
      findings: [warning],
      owed: [],
      kept: 1,
    },
    {
      case: 'a warning told 4 h ago is repeated',
      prev: [firing(warning, toldAt(T0 - 4 * HOUR))],
      findings: [warning],
      owed: ['repeat:warning:liq-distance'],
      kept: 1,
    },
    {
      case: 'a critical told 30 min ago is repeated',
      prev: [firing(critical, toldAt(T0 - 30 * MIN, 'critical'))],
      findings: [critical],
      owed: ['repeat:critical:liq-distance'],
      kept: 1,
    },
    {
      case: 'an alert no longer found on an answering source resolves, for the chat that heard of it',
      prev: [firing(warning, toldAt(T0 - MIN))],
      owed: ['resolved:warning:liq-distance'],
      resolved: true,
      kept: 0,
    },
    {
      case: 'an alert the chat never heard of resolves without a word',
      prev: [firing(warning)],
      owed: [],
      resolved: true,
      kept: 0,
    },
    {
      case: 'a source that did not answer keeps its alerts: an outage is not a recovery',
      prev: [firing(warning, toldAt(T0 - MIN))],
      answered: [],
      owed: [],
      kept: 1,
    },
    {
      case: 'source-down resolves although its source still fails (keys-refused took over)',
      prev: [firing(down, toldAt(T0 - MIN))],
      answered: [],
      owed: ['resolved:warning:source-down'],
      resolved: true,
      kept: 0,
    },
    {
      case: 'an alert of a source taken out of the config is forgotten, not resolved',
      prev: [firing(warning, toldAt(T0 - MIN))],
      answered: [],
      watched: [],
      owed: [],
      kept: 0,
    },
    {
      case: 'a critical leg that closed is liquidated, not resolved',
      prev: [firing(critical, toldAt(T0 - MIN, 'critical'))],
      owed: ['liquidated:critical:liq-distance'],
      resolved: true,
      kept: 0,
    },
    {
      case: 'an approach the critical tier took over ends without a word',
      prev: [firing(approach, toldAt(T0 - MIN))],
      findings: [critical],
      owed: ['firing:critical:liq-distance'],
      resolved: true,
      kept: 1,
    },
    {
      case: 'a hedge-leg event still owed to the chat is owed again',
      prev: [firing(hedge)],
      owed: ['firing:warning:new-hedge-leg'],
      kept: 1,
    },
    {
      case: 'a hedge-leg event the chat was told of is dropped, never resolved',
      prev: [firing(hedge, toldAt(T0 - MIN))],
      owed: [],
      kept: 0,
    },
    {
      case: 'a hedge-leg event nobody could be told of within a day is dropped',
      prev: [firing(hedge, {}, T0 - 24 * HOUR)],
      owed: [],
      kept: 0,
    },
  ])('$case', ({ prev = [], findings = [], answered = ['usdm'], watched = ['usdm'], owed, resolved, kept }) => {
    // Prepare
    const alerts = byKey(prev);
    const before = structuredClone(alerts);
    const evaluation = {
      findings,
      watched: new Set(watched),
      answered: Object.fromEntries(answered.map((s) => [s, []])),
    };
    // Act
    const next = transitionAlerts({ prev: alerts, evaluation, chatIds: [CHAT], nowMs: T0, settings });
    // Assess
    expect(next.owed.map((o) => label(o.notification))).toEqual(owed);
    expect(next.owed.every((o) => o.chatId === CHAT)).toBe(true);
    expect(next.resolvedKeys).toEqual(resolved ? Object.keys(alerts) : []);
    expect(Object.keys(next.alerts)).toHaveLength(kept);
    expect(alerts).toEqual(before);
  });

  it('a resolution says how things stand now and keeps when the alert began', () => {
    const prev = byKey([firing(warning, toldAt(T0 - MIN))]);
    const evaluation = { findings: [], watched: new Set<SourceId>(['usdm']), answered: { usdm: [atDistance(30)] } };
    const [owed] = transitionAlerts({ prev, evaluation, chatIds: [CHAT], nowMs: T0, settings }).owed;
    expect(owed?.notification).toMatchObject({
      kind: 'resolved',
      since: T0 - HOUR,
      alert: { status: 'resolved', message: 'BTCUSDT LONG is back to 30% from liquidation (mark 50000)' },
    });
  });

  it('easing is told once: once routed it is recorded, so climbing back is told as an escalation', () => {
    // Prepare
    const prev = byKey([firing(critical, toldAt(T0 - MIN, 'critical'))]);
    const watched = new Set<SourceId>(['usdm']);
    const eased = transitionAlerts({
      prev,
      evaluation: { findings: [warning], watched, answered: { usdm: [] } },
      chatIds: [CHAT],
      nowMs: T0,
      settings,
    });
    // Act
    const told = recordTold(eased.alerts, eased.owed, T0);
    const again = (f: Finding) =>
      transitionAlerts({
        prev: told,
        evaluation: { findings: [f], watched, answered: { usdm: [] } },
        chatIds: [CHAT],
        nowMs: T0 + MIN,
        settings,
      }).owed.map((o) => label(o.notification));
    // Assess
    expect(eased.owed.map((o) => label(o.notification))).toEqual(['eased:warning:liq-distance']);
    expect(Object.values(told)[0]?.told[CHAT]).toEqual({ at: T0, severity: 'warning' });
    expect(again(warning)).toEqual([]);
    expect(again(critical)).toEqual(['escalated:critical:liq-distance']);
  });

  it('each chat is owed news on its own record, and nothing is recorded as told before it is routed', () => {
    const prev = byKey([firing(warning, toldAt(T0 - MIN))]);
    const evaluation = { findings: [warning], watched: new Set<SourceId>(['usdm']), answered: { usdm: [] } };
    const next = transitionAlerts({ prev, evaluation, chatIds: [CHAT, 43], nowMs: T0, settings });
    expect(next.owed.map((o) => `${o.chatId}:${o.notification.kind}`)).toEqual(['43:firing']);
    expect(Object.keys(Object.values(next.alerts)[0]?.told ?? {})).toEqual([String(CHAT)]);
  });
});

describe('recordTold: what went out is what the chat was told', () => {
  it('records routed news per chat, not resolutions, and returns new states', () => {
    const state = firing(finding({ severity: 'critical' }), { [CHAT]: { at: T0 - HOUR, severity: 'warning' } });
    const alerts = byKey([state]);
    const before = structuredClone(alerts);
    const key = alertKey(state.alert);
    const routed = (kind: NotificationKind, chatId: number): OwedNotification => ({
      key,
      chatId,
      notification: { kind, alert: { ...state.alert, status: 'firing' }, since: state.since },
    });
    const next = recordTold(alerts, [routed('escalated', CHAT), routed('firing', 43)], T0);
    expect(next[key]?.told).toEqual({
      [CHAT]: { at: T0, severity: 'critical' },
      43: { at: T0, severity: 'critical' },
    });
    expect(recordTold(alerts, [routed('resolved', 43)], T0)).toEqual(before);
    expect(alerts).toEqual(before);
  });
});

describe('route: what each chat hears now', () => {
  const night: ChatRoute = { id: CHAT, quietHours: { from: '23:00', to: '07:00', timeZone: 'UTC' } };
  const at = (h: number) => Date.UTC(2026, 0, 5, h, 0);
  const owe = (kind: NotificationKind, over: Partial<Finding> = {}, chatId = CHAT): OwedNotification => {
    const alert = { ...finding(over), status: kind === 'resolved' ? ('resolved' as const) : ('firing' as const) };
    return { key: alertKey(alert), chatId, notification: { kind, alert, since: T0 - HOUR } };
  };
  const mute = (over: Partial<Mute>): Mute => ({
    id: 'm1',
    scope: 'all',
    target: null,
    until: T0 + HOUR,
    chatId: null,
    createdAt: T0 - HOUR,
    ...over,
  });
  const critical = { severity: 'critical', value: 5 } as const;

  it.each<{
    case: string;
    owed: OwedNotification[];
    mutes?: Mute[];
    chat?: ChatRoute;
    nowMs?: number;
    heard: string[];
    silent?: boolean;
  }>([
    {
      case: 'a muted account’s notification is not routed',
      owed: [owe('firing')],
      mutes: [mute({ scope: 'account', target: 'main' })],
      heard: [],
    },
    {
      case: 'a mute set in another chat holds nothing back here',
      owed: [owe('firing')],
      mutes: [mute({ chatId: 7 })],
      heard: ['firing:warning:liq-distance'],
      silent: false,
    },
    {
      case: 'an expired mute holds nothing back',
      owed: [owe('firing')],
      mutes: [mute({ until: T0 })],
      heard: ['firing:warning:liq-distance'],
      silent: false,
    },
    {
      case: 'a symbol mute holds back that symbol only',
      owed: [owe('firing'), owe('firing', { symbol: 'ETHUSDT' })],
      mutes: [mute({ scope: 'symbol', target: 'BTCUSDT' })],
      heard: ['firing:warning:liq-distance'],
      silent: false,
    },
    { case: 'a warning in quiet hours waits', owed: [owe('firing')], chat: night, nowMs: at(3), heard: [] },
    {
      case: 'a critical in quiet hours still goes out loud',
      owed: [owe('escalated', critical), owe('repeat')],
      chat: night,
      nowMs: at(3),
      heard: ['escalated:critical:liq-distance'],
      silent: false,
    },
    {
      case: 'a resolution in quiet hours goes out without a sound',
      owed: [owe('resolved')],
      chat: night,
      nowMs: at(3),
      heard: ['resolved:warning:liq-distance'],
      silent: true,
    },
    {
      case: 'after the quiet hours a held-back warning rings',
      owed: [owe('firing')],
      chat: night,
      nowMs: at(7),
      heard: ['firing:warning:liq-distance'],
      silent: false,
    },
    {
      case: 'a warning in a chat that wants warnings silent goes out without a sound',
      owed: [owe('firing')],
      chat: { id: CHAT, silent: ['warning'] },
      heard: ['firing:warning:liq-distance'],
      silent: true,
    },
    {
      case: 'a critical rings even in a chat that wants warnings silent',
      owed: [owe('firing'), owe('firing', { ...critical, symbol: 'ETHUSDT' })],
      chat: { id: CHAT, silent: ['warning', 'critical'] },
      heard: ['firing:critical:liq-distance', 'firing:warning:liq-distance'],
      silent: false,
    },
    { case: 'news owed to another chat is not heard here', owed: [owe('firing', {}, 43)], heard: [] },
    {
      case: 'easing goes out without a sound',
      owed: [owe('eased')],
      heard: ['eased:warning:liq-distance'],
      silent: true,
    },
    {
      case: 'easing rings in a chat that asks for it',
      owed: [owe('eased')],
      chat: { id: CHAT, ringWhenEased: true },
      heard: ['eased:warning:liq-distance'],
      silent: false,
    },
    {
      case: 'easing in quiet hours is good news: it goes out, without a sound',
      owed: [owe('eased')],
      chat: night,
      nowMs: at(3),
      heard: ['eased:warning:liq-distance'],
      silent: true,
    },
    {
      case: 'a deepening in quiet hours rings',
      owed: [owe('deepened', critical)],
      chat: night,
      nowMs: at(3),
      heard: ['deepened:critical:liq-distance'],
      silent: false,
    },
  ])('$case', ({ owed, mutes = [], chat = { id: CHAT }, nowMs = T0, heard, silent }) => {
    const { deliveries, routed } = routeNotifications({ owed, mutes, chats: [chat], nowMs });
    expect(deliveries.flatMap((d) => d.notifications.map(label))).toEqual(heard);
    expect(routed).toHaveLength(heard.length);
    expect(deliveries[0]?.silent).toBe(silent);
  });

  it('most urgent first: critical, then nearest to liquidation, resolutions last', () => {
    const owed = [
      owe('resolved', { ...critical, symbol: 'SOLUSDT' }),
      owe('firing', { symbol: 'ETHUSDT', value: 12 }),
      owe('firing', { symbol: 'BNBUSDT', value: 9 }),
      owe('repeat', { ...critical, symbol: 'ADAUSDT' }),
    ];
    const { deliveries } = routeNotifications({ owed, mutes: [], chats: [{ id: CHAT }], nowMs: T0 });
    expect(deliveries[0]?.notifications.map((n) => `${n.kind}:${n.alert.symbol}`)).toEqual([
      'repeat:ADAUSDT',
      'firing:BNBUSDT',
      'firing:ETHUSDT',
      'resolved:SOLUSDT',
    ]);
  });

  it('one group per chat that has something to hear, in the order of the chats, with its thread', () => {
    const chats: ChatRoute[] = [{ id: 43 }, { id: CHAT, threadId: 7 }, { id: 44 }];
    const owed = [owe('firing', {}, CHAT), owe('firing', { symbol: 'ETHUSDT' }, 43), owe('firing', {}, 43)];
    const { deliveries } = routeNotifications({ owed, mutes: [], chats, nowMs: T0 });
    expect(deliveries.map((d) => [d.chatId, d.threadId, d.notifications.map((n) => n.alert.symbol)])).toEqual([
      [43, undefined, ['ETHUSDT', 'BTCUSDT']],
      [CHAT, 7, ['BTCUSDT']],
    ]);
  });
});
