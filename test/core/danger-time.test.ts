import { describe, expect, it } from 'vitest';
import { atDistance } from '#builders/position.js';
import { DeliverySchema, toAlertDelivery } from '#contracts/queue-message.js';
import {
  acknowledgeAlert,
  type ForceOrder,
  type ForceOrderEvidence,
  legsClosedWhileCritical,
  type SourceOutcome,
} from '#core/alerts.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import { AccountStateSchema } from '#store/schemas.js';
import { CHAT, LIQ_KEY, labels, MIN, outcomeOf, run, type Step, T0, times, toldAt } from './cycles.js';

/*
 * Danger time: the ladder inside the critical tier, repeats that tighten with depth until acknowledged,
 * and a leg that closes while critical told as what it was. Each through `advanceAccount`.
 */

const settings = resolveRuleSettings();
/** No hold-down: a tier steps down the cycle its distance clears it (the hold-down has its own tests). */
const noHold = resolveRuleSettings({ liqDistance: { holdDownMinutes: 0, volatilityMargin: 0 } });

const order = (over: Partial<ForceOrder> = {}): ForceOrder => ({
  source: 'usdm',
  symbol: 'BTCUSDT',
  positionSide: 'BOTH',
  side: 'SELL',
  price: 40_100,
  qty: 0.1,
  time: T0 + MIN,
  type: 'LIQUIDATION',
  ...over,
});

describe('notification kinds: each told once, in the cycle it happens', () => {
  it.each<{
    kind: string;
    steps: Step[];
    stepMs?: number;
    hold?: boolean;
    evidence?: ForceOrderEvidence;
    told: string[][];
  }>([
    { kind: 'firing', steps: [20, 10], told: [[], ['firing:warning:liq-distance']] },
    { kind: 'escalated', steps: [10, 5], told: [['firing:warning:liq-distance'], ['escalated:critical:liq-distance']] },
    { kind: 'deepened', steps: [6, 4], told: [['firing:critical:liq-distance'], ['deepened:critical:liq-distance']] },
    {
      kind: 'eased',
      steps: [5, 10, 10],
      hold: false,
      told: [['firing:critical:liq-distance'], ['eased:warning:liq-distance'], []],
    },
    {
      kind: 'repeat',
      steps: [10, 10, 10, 10, 10],
      stepMs: 60 * MIN,
      told: [['firing:warning:liq-distance'], [], [], [], ['repeat:warning:liq-distance']],
    },
    {
      kind: 'resolved',
      steps: [10, 30, 30],
      hold: false,
      told: [['firing:warning:liq-distance'], ['resolved:warning:liq-distance'], []],
    },
    {
      kind: 'liquidated',
      steps: [5, 'closed', 'closed'],
      evidence: { usdm: [order()] },
      told: [['firing:critical:liq-distance'], ['liquidated:critical:liq-distance'], []],
    },
  ])('$kind', ({ steps, stepMs, hold = true, evidence, told }) => {
    const result = run(steps, { settings: hold ? settings : noHold, stepMs, forceOrders: () => evidence });
    expect(labels(result.told)).toEqual(told);
  });
});

describe('deepening: the ladder inside the critical tier', () => {
  it('a critical leg crossing 5 → 3 → 1 → past liquidation is told at each rung at once, whatever the repeat timer', () => {
    // Prepare: ten seconds apart, far inside the 30-minute repeat.
    const steps = [6, 4.9, 2.9, 0.9, -0.5];
    // Act
    const { told, state } = run(steps, { stepMs: 10_000 });
    // Assess: three deepenings and the one past the liquidation price, each naming its rung.
    expect(told.map((ns) => ns.map((n) => `${n.kind}:${n.alert.threshold}:${n.alert.value}`))).toEqual([
      ['firing:7.5:6'],
      ['deepened:5:4.9'],
      ['deepened:3:2.9'],
      ['deepened:1:0.9'],
      ['deepened:0:-0.5'],
    ]);
    expect(told[4]![0]!.alert.message).toMatch(/past its liquidation price/);
    expect(told.slice(1).every((ns) => ns[0]!.alert.severity === 'critical')).toBe(true);
    expect(state.alerts[LIQ_KEY]?.rung).toBe(0);
  });

  it('a rung is told once: bouncing back over it and down again is not told again', () => {
    const { told } = run([4, 2.5, 3.5, 2.5, 3.5, 2.5], { stepMs: 10_000 });
    expect(toldAt(told)).toEqual(['0 firing:critical:liq-distance', '1 deepened:critical:liq-distance']);
  });

  it('a leg that jumps from a warning deep into the critical tier is one escalation, not a deepening too', () => {
    const { told, state } = run([10, 2.5, 2.5], { stepMs: 10_000 });
    expect(labels(told)).toEqual([['firing:warning:liq-distance'], ['escalated:critical:liq-distance'], []]);
    expect(state.alerts[LIQ_KEY]?.rung).toBe(3);
  });

  it('a ladder of its own per symbol', () => {
    const own = resolveRuleSettings({ liqDistance: { symbols: { BTCUSDT: { ladderPct: [4] } } } });
    const { told } = run([6, 4.5, 3.9, 2.5, 1.5, -1], { settings: own, stepMs: 10_000 });
    expect(told.map((ns) => ns.map((n) => `${n.kind}:${n.alert.threshold}`))).toEqual([
      ['firing:7.5'],
      [],
      ['deepened:4'],
      [],
      [],
      ['deepened:0'],
    ]);
  });

  // Defaults: 30 min at the critical line, 10 under 3 %, 2 under 1 %.
  it.each([
    { distance: 6, every: 30 },
    { distance: 2.5, every: 10 },
    { distance: 0.5, every: 2 },
  ])('the repeat tightens with depth: a critical $distance % away repeats every $every min', ({ distance, every }) => {
    const { told } = run(times(61, distance));
    const repeats = told.flatMap((ns, i) => (ns.some((n) => n.kind === 'repeat') ? [i] : []));
    expect(repeats).toEqual(Array.from({ length: Math.floor(60 / every) }, (_, n) => (n + 1) * every));
  });
});

describe('acknowledgement', () => {
  const ackAt = (cycle: number, by = 'alice') => ({
    between: (i: number, state: Parameters<typeof acknowledgeAlert>[0], nowMs: number) =>
      i === cycle ? (acknowledgeAlert(state, LIQ_KEY, by, nowMs) ?? state) : state,
  });

  it('an acknowledged alert repeats at its slowest interval, but a new rung down is still told', () => {
    // Prepare: 2.5 % away repeats every 10 min until acknowledged; acknowledged in the second cycle.
    const steps: Step[] = [...times(35, 2.5), 0.9];
    // Act
    const { told, state } = run(steps, ackAt(1));
    // Assess
    expect(toldAt(told)).toEqual([
      '0 firing:critical:liq-distance',
      '30 repeat:critical:liq-distance',
      '35 deepened:critical:liq-distance',
    ]);
    expect(told[30]![0]!.ack).toEqual({ by: 'alice', at: T0 + MIN });
    expect(told[35]![0]!.ack).toEqual({ by: 'alice', at: T0 + MIN });
    expect(state.alerts[LIQ_KEY]?.ack).toEqual({ by: 'alice', at: T0 + MIN });
  });

  it('holds for the tier it was given in: a warning acknowledged, then critical, repeats by depth again', () => {
    const { told, state } = run([10, 10, ...times(11, 2.5)], {
      between: (i, s, nowMs) => (i === 1 ? (acknowledgeAlert(s, LIQ_KEY, 'bob', nowMs) ?? s) : s),
    });
    expect(toldAt(told)).toEqual([
      '0 firing:warning:liq-distance',
      '2 escalated:critical:liq-distance',
      '12 repeat:critical:liq-distance',
    ]);
    expect(told[2]![0]!.ack).toBeUndefined();
    expect(state.alerts[LIQ_KEY]?.ack).toBeUndefined();
  });

  it('an alert that is not firing cannot be acknowledged', () => {
    const { state } = run([5]);
    expect(acknowledgeAlert(state, 'main|usdm|ETHUSDT|BOTH|liq-distance', 'alice', T0)).toBeNull();
    const acked = acknowledgeAlert(state, LIQ_KEY, 'alice', T0 + MIN);
    expect(acked?.alerts[LIQ_KEY]?.ack).toEqual({ by: 'alice', at: T0 + MIN });
    expect(state.alerts[LIQ_KEY]?.ack).toBeUndefined();
  });
});

describe('liquidated, not resolved', () => {
  const CLOSED_WHILE_CRITICAL = 'BTCUSDT closed while critical: check whether it was liquidated';

  it.each<{ case: string; evidence: ForceOrderEvidence | undefined; message: string }>([
    {
      case: 'a LIQUIDATION force order: liquidated, with price and quantity',
      evidence: { usdm: [order()] },
      message: 'BTCUSDT LONG LIQUIDATED: 0.1 at 40100',
    },
    {
      case: 'an ADL force order: auto-deleveraged',
      evidence: { usdm: [order({ type: 'ADL', price: 40_500 })] },
      message: 'BTCUSDT LONG auto-deleveraged: 0.1 at 40500',
    },
    {
      case: 'a liquidation filled as two orders: their total at their average price',
      evidence: { usdm: [order({ qty: 0.04, price: 40_000 }), order({ qty: 0.06, price: 40_200 })] },
      message: 'BTCUSDT LONG LIQUIDATED: 0.1 at 40120',
    },
    {
      case: 'force orders that could not be read: closed while critical, with why',
      evidence: { usdm: { error: 'HTTP 503 Service Unavailable' } },
      message: `${CLOSED_WHILE_CRITICAL} (its force orders could not be read: HTTP 503 Service Unavailable)`,
    },
    { case: 'no force order at all', evidence: { usdm: [] }, message: CLOSED_WHILE_CRITICAL },
    { case: 'no evidence read', evidence: undefined, message: CLOSED_WHILE_CRITICAL },
    {
      case: 'only another symbol’s force order',
      evidence: { usdm: [order({ symbol: 'ETHUSDT' })] },
      message: CLOSED_WHILE_CRITICAL,
    },
    {
      case: 'only a force order from before the alert began',
      evidence: { usdm: [order({ time: T0 - 60 * MIN })] },
      message: CLOSED_WHILE_CRITICAL,
    },
  ])('a leg closing while critical, with $case', ({ evidence, message }) => {
    // Act
    const { told, results, state } = run([5, 'closed', 'closed'], {
      forceOrders: (i) => (i === 1 ? evidence : undefined),
    });
    // Assess: one loud critical, the alert ended (its "until resolved" mutes lift), then nothing.
    expect(labels(told)).toEqual([['firing:critical:liq-distance'], ['liquidated:critical:liq-distance'], []]);
    expect(told[1]![0]!.alert.message).toBe(message);
    expect(told[1]![0]!.since).toBe(T0);
    expect(results[1]!.deliveries[0]!.silent).toBe(false);
    expect(results[1]!.resolvedKeys).toEqual([LIQ_KEY]);
    expect(state.alerts).toEqual({});
  });

  it('a leg past its liquidation price that closes is liquidated too; one closing while only a warning resolves as before', () => {
    expect(labels(run([-1, 'closed']).told)[1]).toEqual(['liquidated:critical:liq-distance']);
    const warning = run([10, 'closed']).told[1]!;
    expect(warning.map((n) => `${n.kind}:${n.alert.severity}:${n.alert.message}`)).toEqual([
      'resolved:warning:BTCUSDT is closed',
    ]);
  });

  it('is told to every chat that was told of the alert, and to no other', () => {
    const chats = [{ id: CHAT }, { id: 43 }, { id: 44 }];
    const mutes = [{ id: 'm', scope: 'all' as const, target: null, until: T0 + 5 * MIN, chatId: 44, createdAt: T0 }];
    const { results } = run([5, 'closed'], { chats, mutes, forceOrders: () => ({ usdm: [order()] }) });
    expect(results[1]!.deliveries.map((d) => [d.chatId, d.notifications.map((n) => n.kind)])).toEqual([
      [CHAT, ['liquidated']],
      [43, ['liquidated']],
    ]);
  });

  it('a source that does not answer is not a close', () => {
    expect(labels(run([5, 'failed', 5]).told)).toEqual([['firing:critical:liq-distance'], [], []]);
  });
});

describe('legsClosedWhileCritical: which force orders the check reads', () => {
  const critical = run([5]).state;
  const warning = run([10]).state;

  it.each<{ case: string; prev: typeof critical | null; outcomes: SourceOutcome[]; legs: string[] }>([
    {
      case: 'a critical leg gone from an answering source',
      prev: critical,
      outcomes: [outcomeOf('closed')],
      legs: ['usdm BTCUSDT BOTH'],
    },
    {
      case: 'a critical leg that is flat',
      prev: critical,
      outcomes: [outcomeOf([{ ...atDistance(5), positionAmt: 0 }])],
      legs: ['usdm BTCUSDT BOTH'],
    },
    { case: 'a critical leg still open', prev: critical, outcomes: [outcomeOf(5)], legs: [] },
    { case: 'a source that did not answer', prev: critical, outcomes: [outcomeOf('failed')], legs: [] },
    { case: 'a leg that was only a warning', prev: warning, outcomes: [outcomeOf('closed')], legs: [] },
    { case: 'a first cycle', prev: null, outcomes: [outcomeOf('closed')], legs: [] },
    {
      case: 'usdm-ws standing in for usdm: the leg is the book’s, under usdm',
      prev: critical,
      outcomes: [outcomeOf('failed'), { source: 'usdm-ws', ok: true, positions: [] }],
      legs: ['usdm BTCUSDT BOTH'],
    },
  ])('$case', ({ prev, outcomes, legs }) => {
    const closed = legsClosedWhileCritical(prev, outcomes);
    expect(closed.map((l) => `${l.source} ${l.symbol} ${l.positionSide}`)).toEqual(legs);
    expect(closed.every((l) => l.since === T0)).toBe(true);
  });
});

describe('the new state and kinds through the store and the queue', () => {
  it('an acknowledged, deepened alert with its hold-down and distances round-trips through the stored JSON', () => {
    const { state } = run([5, 2.5, 9], {
      settings: resolveRuleSettings({ liqDistance: { volatilityMargin: 0 } }),
      between: (i, s, nowMs) => (i === 2 ? (acknowledgeAlert(s, LIQ_KEY, 'alice', nowMs) ?? s) : s),
    });
    expect(state.alerts[LIQ_KEY]).toMatchObject({ rung: 3, ack: { by: 'alice' }, clearSince: T0 + 2 * MIN });
    expect(state.distances?.[LIQ_KEY]).toHaveLength(3);
    expect(AccountStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('state saved before these fields reads as it was', () => {
    const { state } = run([5]);
    const { distances: _, ...old } = state;
    const alert = { ...old.alerts[LIQ_KEY]! };
    delete alert.rung;
    expect(AccountStateSchema.parse({ ...old, alerts: { [LIQ_KEY]: alert } }).alerts[LIQ_KEY]).toEqual(alert);
  });

  it('a deepening with its acknowledgement is a valid queue message', () => {
    const { results } = run([6, 4], { between: (_i, s, nowMs) => acknowledgeAlert(s, LIQ_KEY, 'alice', nowMs) ?? s });
    const delivery = toAlertDelivery('main', T0 + MIN, T0, results[1]!.deliveries[0]!);
    expect(DeliverySchema.parse(JSON.parse(JSON.stringify(delivery)))).toEqual(delivery);
    expect(delivery.notifications[0]).toMatchObject({ kind: 'deepened', ack: { by: 'alice' } });
  });
});
