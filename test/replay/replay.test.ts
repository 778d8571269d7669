import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#store/local-dynamo.js';
import { runReplay } from './harness.js';
import { readMarketDays } from './market-data.js';
import { planReplays } from './scenario.js';
import { legTimeline, overallTable, type ReplayScores, replayTable, scoreReplay } from './table.js';

/*
 * Real one-minute candles (shared/market-data: a crash, a −9 % hour, calm days) replayed through the real
 * check, with legs placed on the price path to go deep and be liquidated, dip and recover, and hover on
 * every line; scored against a naive alerter and a freqtrade-like one computed on the same polls
 * (scenario.ts, harness.ts, score.ts say how). Each replay is a whole day of its files, with the config's
 * defaults; measure-hold-down.ts replays them with other hold-downs and margins.
 */

const days = await readMarketDays();
const plans = planReplays(days);
const scored: ReplayScores[] = [];

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
  if (scored.length > 0) console.log(`all replays\n${overallTable(scored)}`);
});

describe('replaying real market days through the check', () => {
  it('replays every file of the market-data folder', () => {
    expect(plans.flatMap((p) => p.files).sort()).toEqual(days.map((d) => d.file).sort());
    for (const plan of plans) expect(plan.legs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(plans.map((p) => [p.account, p] as const))(
    '%s: nothing missed, no flap, one message per news',
    async (_, plan) => {
      // Act
      const record = await runReplay(dynamo, plan);
      const scores = scoreReplay(record);
      scored.push(scores);
      console.log(replayTable(scores));

      // Assess: every leg on its own, so that a failure names it.
      const problems = plan.legs.flatMap((leg, i) => {
        const s = scores.legs[i]!;
        const found: string[] = [];
        if (s.missedCritical > 0) found.push(`${s.missedCritical} critical cycles missed`);
        if (s.flaps > 0) found.push(`${s.flaps} flaps`);
        if (s.news > s.transitions) found.push(`${s.news} messages for ${s.transitions} transitions`);
        if (s.missingResolves > 0) found.push(`${s.missingResolves} resolves missing`);
        if (s.rungsTold < s.rungCrossings)
          found.push(`${s.rungCrossings - s.rungsTold} rung crossings not told in time`);
        if (s.liquidationsTold < s.liquidations) found.push('liquidation not told as such');
        // The approach rule must not add flaps on a calm day.
        if (plan.calm && scores.approach[i]!.flaps > 0) found.push(`${scores.approach[i]!.flaps} approach flaps`);
        return found.map((f) => `${leg.name}: ${f}`);
      });
      const failing = new Set(problems.map((p) => p.split(':')[0]));
      plan.legs.forEach((leg, i) => {
        if (failing.has(leg.name)) console.log(legTimeline(record, i));
      });
      expect(problems).toEqual([]);
    },
    // A whole day is some 1,500 checks against the simulator and dynalite: 15–20 s on two cores.
    120_000,
  );
});
