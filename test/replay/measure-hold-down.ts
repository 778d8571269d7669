import { startLocalDynamo } from '#store/local-dynamo.js';
import { runReplay } from './harness.js';
import { readMarketDays } from './market-data.js';
import { planReplays } from './scenario.js';
import { addScores, emptyScore, type Score } from './score.js';
import { formatTable, scoreReplay } from './table.js';

/*
 * Measures the hold-down (`rules.liqDistance.holdDownMinutes`) and the volatility margin
 * (`volatilityMargin`) by replay, so that their defaults are chosen on real data: every file of
 * shared/market-data replayed whole (or `--window <minutes>` around its most violent minute) once per pair
 * of values, liqwatch's flaps and resolve latency side by side.
 *
 *   npx tsx test/replay/measure-hold-down.ts [--window 120] [--values 0,10,20,30] [--margins 0,1,2]
 */

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const windowArg = option('window');
const values = (option('values') ?? '0,10,20,30').split(',').map(Number);
if (values.some((v) => !Number.isInteger(v) || v < 0)) throw new Error('--values: whole minutes, comma-separated');
const margins = (option('margins') ?? '0,1,2').split(',').map(Number);
if (margins.some((v) => !(v >= 0 && v <= 10))) throw new Error('--margins: multiples from 0 to 10, comma-separated');

const plans = planReplays(await readMarketDays(), { windowMinutes: windowArg ? Number(windowArg) : undefined });
const dynamo = await startLocalDynamo();
const rows: string[][] = [];
try {
  for (const [volatilityMargin, holdDownMinutes] of margins.flatMap((m) => values.map((v) => [m, v] as const))) {
    const per: Score[] = [];
    let approachFlaps = 0;
    for (const plan of plans) {
      const rules = { liqDistance: { holdDownMinutes, volatilityMargin } };
      const record = await runReplay(dynamo, plan, { rules });
      const scores = scoreReplay(record);
      per.push(scores.totals[0]!);
      approachFlaps += scores.approach.reduce((n, a) => n + a.flaps, 0);
      process.stderr.write(`×${volatilityMargin}, ${holdDownMinutes} min: ${plan.account} ${record.cycles} cycles\n`);
    }
    const all = per.reduce(addScores, emptyScore());
    const latencies = [...all.resolveLatencies].sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    rows.push([
      String(volatilityMargin),
      String(holdDownMinutes),
      per.map((s) => `${s.flaps}`).join(' / '),
      String(all.flaps),
      String(all.easeFlaps),
      `${latencies.length}`,
      latencies.length === 0
        ? '-'
        : `${at(0.5)!.toFixed(0)} / ${at(0.9)!.toFixed(0)} / ${latencies.at(-1)!.toFixed(0)}`,
      String(all.missingResolves),
      String(all.missedCritical),
      (all.news / all.transitions).toFixed(2),
      String(approachFlaps),
    ]);
  }
} finally {
  await dynamo.close();
}
console.log(
  `${plans.map((p) => `${p.account}: ${p.title}`).join('\n')}\n\n${formatTable(
    [
      'volatility margin ×',
      'hold-down min',
      `flaps (${plans.map((p) => p.account.slice(7)).join(' / ')})`,
      'flaps',
      'of which eased→escalated',
      'clear ends',
      'resolve min (median / p90 / max)',
      'missing resolves',
      'missed crit',
      'news/trans',
      'approach flaps',
    ],
    rows,
  )}`,
);
