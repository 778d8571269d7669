import { describe, expect, it } from 'vitest';
import { freqtradeLike, liqwatch, naive } from './alerters.js';
import type { Poll, ReplayRecord, Told } from './harness.js';
import type { ReplayPlan } from './scenario.js';
import { scoreLeg } from './score.js';

/*
 * The replay's scoring on small hand-made stories: one leg, one poll a minute, and what was told. The
 * replay test's verdicts are only as good as these counts.
 */

const T0 = Date.UTC(2025, 1, 3, 0, 0);
const MIN = 60_000;

const plan: ReplayPlan = {
  account: 'score',
  title: 'score',
  files: [],
  hedgeMode: false,
  calm: true,
  sources: ['usdm'],
  markets: {},
  legs: [
    {
      name: 'leg',
      role: { kind: 'deep' },
      base: 'BTC',
      source: 'usdm',
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      direction: 'long',
      liquidationPrice: 1,
      openMinute: 0,
      rescue: null,
      amount: 1,
    },
  ],
};

/** One poll a minute at these distances (`null`: flat); `liquidatedAt` the first flat poll after a liquidation. */
function story(
  distances: (number | null)[],
  told: [minute: number, kind: string, severity: 'warning' | 'critical', value: number | null][],
  liquidatedAt: number | null = null,
): ReplayRecord {
  const polls: Poll[] = distances.map((d, minute) => ({
    at: T0 + minute * MIN,
    minute,
    point: 'close',
    legs: [{ open: d !== null, distance: d }],
  }));
  return {
    plan,
    polls,
    told: told.map(
      ([poll, kind, severity, value]): Told => ({
        poll,
        at: T0 + poll * MIN,
        leg: 0,
        kind,
        rule: 'liq-distance',
        severity,
        value,
        threshold: null,
        message: '',
      }),
    ),
    liquidatedAtPoll: [liquidatedAt],
    cycles: polls.length,
    wickPolls: 0,
    ms: 0,
  };
}

const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

/** liqwatch's score on a story. */
const judge = (...args: Parameters<typeof story>) => scoreLeg(story(...args), 0, liqwatch);

describe('replay scoring', () => {
  it('a resolve followed by a new firing within 30 minutes is a flap; after 30 it is not', () => {
    const resolvedAt = (minute: number) =>
      judge(
        [14, ...repeat(40, 20), 14, ...repeat(40, 20)],
        [
          [0, 'firing', 'warning', 14],
          [minute, 'resolved', 'warning', null],
          [41, 'firing', 'warning', 14],
        ],
      );
    expect(resolvedAt(5).flaps).toBe(0);
    expect(resolvedAt(20).flaps).toBe(1);
  });

  it('an ease below critical and an escalation back within 30 minutes is a flap too', () => {
    const score = judge(
      [7, ...repeat(20, 9), 7],
      [
        [0, 'firing', 'critical', 7],
        [15, 'eased', 'warning', 9],
        [21, 'escalated', 'critical', 7],
      ],
    );
    expect(score).toMatchObject({ flaps: 1, easeFlaps: 1 });
  });

  it('counts critical cycles the trader was not told of as critical', () => {
    const score = judge(
      [10, 7, 6, 8],
      [
        [0, 'firing', 'warning', 10],
        [2, 'escalated', 'critical', 6],
      ],
    );
    expect(score).toMatchObject({ criticalCycles: 2, missedCritical: 1 });
  });

  it('a rung crossing is told if a depth at or below it is told that cycle or the next', () => {
    const toldAt = (minute: number) =>
      judge(
        [6, 4.5, 4.4, 4.3],
        [
          [0, 'firing', 'critical', 6],
          [minute, 'deepened', 'critical', 4.4],
        ],
      );
    expect(toldAt(2)).toMatchObject({ rungCrossings: 1, rungsTold: 1 });
    expect(toldAt(3)).toMatchObject({ rungCrossings: 1, rungsTold: 0 });
  });

  it('a rung crossed again after it was told is not news, until an ease resets what the trader knows', () => {
    const score = judge(
      [4.5, 5.5, 4.5, ...repeat(3, 9), 4.5],
      [
        [0, 'firing', 'critical', 4.5],
        [3, 'eased', 'warning', 9],
        [6, 'escalated', 'critical', 4.5],
      ],
    );
    expect(score).toMatchObject({ rungCrossings: 3, rungsTold: 3 });
  });

  it('a liquidation is told as such only by a liquidated message; a quiet resolve is not', () => {
    const endedBy = (kind: string | null) =>
      judge(
        [3, 1, null, null],
        kind
          ? [
              [0, 'firing', 'critical', 3],
              [2, kind, 'critical', null],
            ]
          : [[0, 'firing', 'critical', 3]],
        2,
      );
    expect(endedBy('liquidated')).toMatchObject({ liquidations: 1, liquidationsTold: 1, missingResolves: 0 });
    expect(endedBy('resolved')).toMatchObject({ liquidations: 1, liquidationsTold: 0, missingResolves: 0 });
    expect(endedBy(null)).toMatchObject({ liquidations: 1, liquidationsTold: 0, missingResolves: 1 });
  });

  it('transitions: start, escalation, a deeper rung, easing, and the end once clear for 30 minutes', () => {
    // Warning, critical, below 5 %, back to warning for 40 min, then clear for 90 min.
    const score = judge(
      [14, 7, 4, ...repeat(40, 10), ...repeat(90, 20)],
      [
        [0, 'firing', 'warning', 14],
        [1, 'escalated', 'critical', 7],
        [2, 'deepened', 'critical', 4],
        [20, 'eased', 'warning', 10],
        [60, 'resolved', 'warning', null],
      ],
    );
    expect(score).toMatchObject({ transitions: 5, news: 5, endedIncidents: 1, missingResolves: 0, flaps: 0 });
    // The danger ended after minute 42; the resolve came at minute 60.
    expect(score.resolveLatencies).toEqual([18]);
  });

  it('an incident that clearly ended without a resolve is a missing resolve', () => {
    const score = judge([14, ...repeat(90, 20)], [[0, 'firing', 'warning', 14]]);
    expect(score).toMatchObject({ endedIncidents: 1, missingResolves: 1 });
  });

  it('the naive alerter tells every poll within a threshold; the freqtrade-like one once per cooldown, never critical', () => {
    const record = story([...repeat(90, 7), ...repeat(90, 20)], []);
    expect(scoreLeg(record, 0, naive)).toMatchObject({ messages: 90, missedCritical: 0, missingResolves: 1 });
    expect(scoreLeg(record, 0, freqtradeLike({ thresholdPct: 15, cooldownMinutes: 60 }))).toMatchObject({
      messages: 2,
      missedCritical: 90,
      missingResolves: 1,
    });
  });
});
