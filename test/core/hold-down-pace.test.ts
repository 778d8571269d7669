import { describe, expect, it } from 'vitest';
import { atDistance } from '#builders/position.js';
import type { DistanceSample } from '#core/lifecycle/account-state.js';
import { holdTier } from '#core/rules/hold-down.js';
import { describePace, paceOf, recordDistances, sustainedShrink, swingOf } from '#core/rules/pace.js';
import { resolveRuleSettings } from '#core/rules/settings.js';
import {
  APPROACH_KEY,
  CHAT,
  LIQ_KEY,
  labels,
  MIN,
  type RunOptions,
  run,
  type Step,
  T0,
  times,
  toldAt,
} from './cycles.js';

/*
 * Calm when it is calm: a tier steps down only once the distance has stayed clear of it for the
 * hold-down, easing is told once and silently, and the pace of an approach is told,
 * by a rule of its own that a one-minute wick does not fire.
 */

/** The margin a fixed point (no volatility margin): the hold-down's clock on its own. */
const fixed = (holdDownMinutes: number) =>
  resolveRuleSettings({ liqDistance: { holdDownMinutes, volatilityMargin: 0 } });
/** A hold-down of 15 min (the default is 30), so the timelines stay short; the margin is tested on its own. */
const run15 = (steps: Step[], opts: RunOptions = {}) => run(steps, { settings: fixed(15), ...opts });
/** The same with the default volatility margin. */
const runSwing = (steps: Step[]) =>
  run(steps, { settings: resolveRuleSettings({ liqDistance: { holdDownMinutes: 15 } }) });

describe('hold-down: a tier resolves or eases only once clear of it for holdDownMinutes', () => {
  it('easing is told once, 15 min after the distance left the critical tier, without a sound', () => {
    const { told, silent } = run15([5, ...times(20, 9)]);
    expect(toldAt(told)).toEqual(['0 firing:critical:liq-distance', '16 eased:warning:liq-distance']);
    expect(silent[16]).toBe(true);
  });

  it('a chat that asks for it hears easing ring', () => {
    const { silent } = run15([5, ...times(16, 9)], { chats: [{ id: CHAT, ringWhenEased: true }] });
    expect(silent[16]).toBe(false);
  });

  it('a dip back into the tier restarts the hold-down', () => {
    const { told } = run15([5, ...times(10, 9), 7, ...times(20, 9)]);
    expect(toldAt(told)).toEqual(['0 firing:critical:liq-distance', '27 eased:warning:liq-distance']);
  });

  it.each<{ case: string; steps: Step[]; told: string[] }>([
    {
      case: 'clear of both tiers at once: one resolve after the hold-down, no easing first',
      steps: [5, ...times(20, 30)],
      told: ['0 firing:critical:liq-distance', '16 resolved:critical:liq-distance'],
    },
    {
      case: 'clear of the critical tier first, of the warning tier later: eased, then resolved, each after its own hold-down',
      steps: [5, ...times(20, 9), ...times(20, 30)],
      told: ['0 firing:critical:liq-distance', '16 eased:warning:liq-distance', '36 resolved:warning:liq-distance'],
    },
    {
      case: 'clear of the warning tier too before the critical hold-down ends: quiet, then one resolve',
      steps: [5, ...times(10, 9), ...times(20, 30)],
      told: ['0 firing:critical:liq-distance', '26 resolved:critical:liq-distance'],
    },
    {
      case: 'a warning resolves 15 min after it cleared its line and margin',
      steps: [10, 15.5, ...times(20, 17)],
      told: ['0 firing:warning:liq-distance', '17 resolved:warning:liq-distance'],
    },
  ])('$case', ({ steps, told }) => {
    expect(toldAt(run15(steps).told)).toEqual(told);
  });

  it('an alert waiting out its hold-down is not repeated: the distance has left the tier', () => {
    const { told } = run([5, ...times(29, 30)], { stepMs: 2 * MIN, settings: fixed(30) });
    expect(toldAt(told)).toEqual(['0 firing:critical:liq-distance', '16 resolved:critical:liq-distance']);
  });

  it('a closed leg does not wait for the hold-down', () => {
    expect(labels(run15([10, 'closed']).told)[1]).toEqual(['resolved:warning:liq-distance']);
  });

  it('holdTier keeps a clock per tier', () => {
    const before = { alert: { severity: 'critical' as const }, clearSince: T0, clearOfWarningSince: T0 + 5 * MIN };
    const clearOf = () => true;
    const at = (nowMs: number) => holdTier({ entered: null, clearOf, before, holdMs: 15 * MIN, nowMs }).severity;
    // At 15 min the critical tier's hold is over, but the warning tier's has 5 min to run: quiet till then.
    expect([at(T0 + 14 * MIN), at(T0 + 15 * MIN), at(T0 + 20 * MIN)]).toEqual(['critical', 'critical', null]);
    // In the warning tier's margin, not clear of it: it eases.
    const inWarning = (tier: 'warning' | 'critical') => tier === 'critical';
    expect(holdTier({ entered: null, clearOf: inWarning, before, holdMs: 15 * MIN, nowMs: T0 + 15 * MIN })).toEqual({
      severity: 'warning',
      hold: { clearSince: null, clearOfWarningSince: null },
    });
  });
});

describe('a violent day: a distance hovering at a line with 1–6 % minute moves', () => {
  // One-minute moves of 1 to 6 points across the warning line (15 %), never three in a row downward.
  const hover = [16.5, 13, 18, 14.5, 19.5, 15.2, 21, 16, 17, 12.5, 18.5, 16, 20, 14.8, 19, 13.5, 17.5, 15.5, 21, 16.8];
  // ...and across the critical line (7.5 %) of a leg already warned of.
  const hoverCritical = [8.5, 6.5, 10, 7, 11.5, 8, 6, 9.5, 7.3, 12, 8.8, 6.8, 9, 11, 7.4, 10.5, 8, 12.5, 9, 10];

  it('does not resolve and fire again within the hold-down', () => {
    const { told } = run15([...hover, ...times(20, 25)]);
    const inside = hover.map((d, i) => (d <= 16 ? i : -1)).filter((i) => i >= 0);
    expect(toldAt(told)).toEqual([
      `1 firing:warning:liq-distance`,
      `${inside.at(-1)! + 16} resolved:warning:liq-distance`,
    ]);
  });

  it('with the volatility margin too, it fires once and resolves once, later', () => {
    const { told } = runSwing([...hover, ...times(30, 25)]);
    const inside = hover.map((d, i) => (d <= 16 ? i : -1)).filter((i) => i >= 0);
    const said = toldAt(told);
    expect(said.map((t) => t.split(' ')[1])).toEqual(['firing:warning:liq-distance', 'resolved:warning:liq-distance']);
    expect(Number(said[1]!.split(' ')[0])).toBeGreaterThan(inside.at(-1)! + 16);
  });

  it('does not ease and escalate again within the hold-down', () => {
    const { told } = run15([14, ...hoverCritical]);
    expect(toldAt(told)).toEqual(['0 firing:warning:liq-distance', '2 escalated:critical:liq-distance']);
  });

  it('with the margin alone it would flap: the hold-down is what holds', () => {
    const flaps = (steps: number[]) =>
      toldAt(run15(steps, { settings: fixed(0) }).told).filter((t) => / (firing|escalated):/.test(t)).length;
    expect(flaps(hover)).toBeGreaterThan(3);
    expect(flaps([14, ...hoverCritical])).toBeGreaterThan(3);
  });
});

describe('volatility margin: after a swing, clear means clear of the line by the swing', () => {
  // A warning that dipped to 14.5 from 18 within a minute, then stood at 17: one point above the line,
  // but the distance just swung 3.5 points in a minute.
  const steps: Step[] = [14, ...times(5, 18), 14.5, ...times(30, 17)];

  it('the hold-down starts only once the swing has left the last ten minutes', () => {
    // 18 (minutes 1–5) is in the window until minute 15, 14.5 (minute 6) until 16; then 17 > 15 + 1.
    expect(toldAt(runSwing(steps).told)).toEqual(['0 firing:warning:liq-distance', '31 resolved:warning:liq-distance']);
  });

  it('without it (volatilityMargin 0) the same path resolves at once after the hold-down', () => {
    expect(toldAt(run15(steps).told)).toEqual(['0 firing:warning:liq-distance', '22 resolved:warning:liq-distance']);
  });

  it('a leap away from liquidation (margin added) is a swing too: resolved once it has left the window', () => {
    // 5 at minute 0 is in the window until minute 10; the hold-down runs from there.
    expect(toldAt(runSwing([5, ...times(30, 30)]).told)).toEqual([
      '0 firing:critical:liq-distance',
      '25 resolved:critical:liq-distance',
    ]);
  });

  it('swingOf: the range of the kept distances', () => {
    const at = (pcts: number[]) => swingOf(pcts.map((pct, i) => ({ at: T0 + i * MIN, pct })));
    expect([at([]), at([5]), at([5, 30]), at([18, 14.5, 17]), at([10, 20, 12, 19, 11])]).toEqual([0, 0, 25, 3.5, 10]);
  });
});

describe('pace', () => {
  it('a leg judged every second (a watcher) keeps samples spanning about the last ten minutes, at most 24', () => {
    let samples: Record<string, DistanceSample[]> | undefined;
    const watched = new Set(['usdm'] as const);
    for (let s = 0; s <= 900; s++) {
      const positions = [atDistance(20 - s / 100)];
      samples = recordDistances(samples, [{ book: 'usdm', positions }], watched, T0 + s * 1_000);
    }
    const kept = Object.values(samples!)[0]!;
    expect(kept.length).toBeLessThanOrEqual(24);
    expect(kept.at(-1)!.at).toBe(T0 + 900_000);
    expect(T0 + 900_000 - kept[0]!.at).toBeGreaterThanOrEqual(9 * MIN);
    // Its pace is the five minutes' change, not the last second's.
    expect(paceOf(kept, T0 + 900_000)!.change).toBeCloseTo(-3, 0);
  });

  it('a shrinking distance is told with its pace', () => {
    const { state } = run15([12, 11, 10, 9]);
    expect(state.alerts[LIQ_KEY]?.alert.message).toBe(
      'BTCUSDT LONG is 9% from liquidation (mark 50000, liquidation 45500), −3.0 points in 3 min; at this pace liquidation in ~9 min',
    );
  });

  it('a distance that holds or grows is told without one', () => {
    expect(run15([10, 10, 10]).state.alerts[LIQ_KEY]?.alert.message).not.toMatch(/points/);
    expect(run15([9, 10, 11]).state.alerts[LIQ_KEY]?.alert.message).not.toMatch(/points/);
  });

  it.each([
    // samples one minute apart, the run found (points per minute) or null; the least pace is 0.5 a minute
    [[25, 23, 21], -2],
    [[25, 25, 21], null],
    [[25, 23], null],
    [[30, 20, 25, 23, 21], -2],
    [[20, 14, 13.8], null],
    [[20, 19.5, 19], -0.5],
    [[20, 19.6, 19.2], null],
  ])('sustainedShrink of %j → %s', (pcts, perMinute) => {
    const samples = pcts.map((pct, i) => ({ at: T0 + i * MIN, pct }));
    expect(sustainedShrink(samples, 0.5)?.perMinute ?? null).toBe(perMinute);
  });

  it('the pace in words', () => {
    const samples = [
      { at: T0, pct: 10 },
      { at: T0 + 3 * MIN, pct: 5.8 },
    ];
    expect(describePace(paceOf(samples, T0 + 3 * MIN), 5.8)).toBe(
      '−4.2 points in 3 min; at this pace liquidation in ~4 min',
    );
    expect(describePace(paceOf(samples.slice(1), T0 + 3 * MIN), 5.8)).toBe('');
  });
});

describe('approach: closing in fast, even above the warning line', () => {
  it('a steady fast approach warns, turns critical when close, and gives way to the critical tier without a word', () => {
    // Two points a minute from 25 %: the critical tier (7.5 %) is under 10 min away from the third sample on.
    const { told, state } = run15([25, 23, 21, 19, 17, 15, 13, 11, 9, 7]);
    expect(toldAt(told)).toEqual([
      '2 firing:warning:approach',
      '5 firing:warning:liq-distance',
      '6 escalated:critical:approach',
      '9 escalated:critical:liq-distance',
    ]);
    expect(told[2]![0]!.alert.message).toBe(
      'BTCUSDT LONG is closing in on liquidation: 21% away, −4.0 points in 2 min; at this pace critical (7.5%) in ~7 min',
    );
    expect(state.alerts[APPROACH_KEY]).toBeUndefined();
  });

  it.each<{ case: string; steps: number[] }>([
    { case: 'a one-minute wick', steps: [25, 25, 25, 17, 25, 25, 25] },
    { case: 'a zigzag down, never three samples in a row nearer', steps: [25, 22, 23, 20, 21, 18, 19, 16.5, 17] },
    { case: 'a calm day’s slow drift', steps: Array.from({ length: 40 }, (_, i) => 25 - i * 0.2) },
    { case: 'a fast fall that stays far from the critical tier', steps: [60, 58, 56, 54, 52, 50] },
    { case: 'one big drop followed by a drift', steps: [20, 14, 13.8, 13.7, 13.6] },
  ])('does not fire on $case', ({ steps }) => {
    expect(toldAt(run15(steps).told).filter((t) => t.endsWith(':approach'))).toEqual([]);
  });

  it('holds through the hold-down once firing, so a pause does not make it flap', () => {
    // Upticks at 3 and 6 pause it; 3 to 5 is a run again. From 6 on it stays clear: resolved 15 min later.
    const steps = [25, 23, 21, 21.5, 19.5, 17.5, 18, 16, ...times(20, 16)];
    expect(toldAt(run15(steps).told)).toEqual(['2 firing:warning:approach', '21 resolved:warning:approach']);
  });

  it('says nothing while the leg is held critical: the critical tier is already told', () => {
    // Critical at 7 %, then above the line but inside the hold-down, falling two points a minute again.
    const told = toldAt(run15([7, 14, 12, 10, 8.5]).told);
    expect(told.filter((t) => t.endsWith(':approach'))).toEqual([]);
    expect(told).toEqual(['0 firing:critical:liq-distance']);
  });

  it('can be switched off', () => {
    const off = resolveRuleSettings({ approach: { enabled: false } });
    expect(toldAt(run15([25, 23, 21, 19, 17], { settings: off }).told)).toEqual([]);
  });
});
