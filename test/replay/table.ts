import { type Alerter, freqtradeLike, liqwatch, naive } from './alerters.js';
import type { ReplayRecord } from './harness.js';
import { addScores, emptyScore, type Score, scoreApproach, scoreLeg } from './score.js';

/** The alerters compared: liqwatch as the check told it, and two written here on the same polls. */
export const ALERTERS: readonly Alerter[] = [liqwatch, naive, freqtradeLike({ thresholdPct: 15, cooldownMinutes: 60 })];

export interface ReplayScores {
  record: ReplayRecord;
  /** liqwatch per leg, in the plan's order. */
  legs: Score[];
  /** Every leg together, per alerter (in `ALERTERS` order). */
  totals: Score[];
  /** liqwatch's `approach` alerts per leg. */
  approach: { messages: number; flaps: number }[];
}

export function scoreReplay(record: ReplayRecord): ReplayScores {
  const perAlerter = ALERTERS.map((a) => record.plan.legs.map((_, leg) => scoreLeg(record, leg, a)));
  return {
    record,
    legs: perAlerter[0]!,
    totals: perAlerter.map((scores) => scores.reduce(addScores, emptyScore())),
    approach: record.plan.legs.map((_, leg) => scoreApproach(record, leg)),
  };
}

const HEADERS = [
  'leg',
  'book',
  'crit cycles',
  'missed crit',
  'flaps',
  'transitions',
  'news',
  'msgs',
  'news/trans',
  'msgs/trans',
  'missing resolves',
  'deepening told',
  'liquidations told',
  'resolve min',
  'approach (flaps)',
];

/** A plain-text table of one replay: liqwatch per leg, then each alerter over every leg. */
export function replayTable(r: ReplayScores): string {
  const { plan, cycles, wickPolls, ms } = r.record;
  const rows = plan.legs.map((leg, i) => [
    leg.name,
    `${leg.source} ${leg.symbol} ${leg.positionSide}`,
    ...cells(r.legs[i]!, true),
    approachCell([r.approach[i]!]),
  ]);
  const totals = ALERTERS.map((a, i) => [
    `${a.name}, all legs`,
    '',
    ...cells(r.totals[i]!, a.resolves),
    i === 0 ? approachCell(r.approach) : '',
  ]);
  const head = `${plan.account}: ${plan.title}; ${plan.sources.join(', ')}; ${cycles} cycles (${wickPolls} at a wick), ${(ms / 1000).toFixed(1)} s`;
  return `${head}\n${formatTable(HEADERS, [...rows, ...totals])}`;
}

/** Each alerter over every replay. */
export function overallTable(all: readonly ReplayScores[]): string {
  const rows = ALERTERS.map((a, i) => [
    a.name,
    `${all.length} replays`,
    ...cells(all.map((r) => r.totals[i]!).reduce(addScores, emptyScore()), a.resolves),
    i === 0 ? approachCell(all.flatMap((r) => r.approach)) : '',
  ]);
  return formatTable(HEADERS, rows);
}

function cells(s: Score, resolves: boolean): string[] {
  const ratio = (n: number) => (s.transitions === 0 ? '-' : (n / s.transitions).toFixed(2));
  const pct = (told: number, of: number) => (of === 0 ? '-' : `${Math.round((told / of) * 100)}% (${told}/${of})`);
  const latencies = [...s.resolveLatencies].sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)];
  return [
    String(s.criticalCycles),
    String(s.missedCritical),
    resolves ? String(s.flaps) : 'n/a',
    String(s.transitions),
    String(s.news),
    String(s.messages),
    ratio(s.news),
    ratio(s.messages),
    `${s.missingResolves}/${s.endedIncidents + s.liquidations}`,
    pct(s.rungsTold, s.rungCrossings),
    pct(s.liquidationsTold, s.liquidations),
    median === undefined ? '-' : `${median.toFixed(0)} (max ${latencies.at(-1)!.toFixed(0)})`,
  ];
}

function approachCell(a: readonly { messages: number; flaps: number }[]): string {
  const sum = (f: (x: { messages: number; flaps: number }) => number) => a.reduce((n, x) => n + f(x), 0);
  return `${sum((x) => x.messages)} (${sum((x) => x.flaps)})`;
}

export function formatTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cols: readonly string[]) =>
    cols.map((v, c) => (c < 2 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One leg's story, poll by poll where something happened: its distance, and what the check told. */
export function legTimeline(record: ReplayRecord, leg: number): string {
  const lines: string[] = [];
  let lastTier: string | null = null;
  record.polls.forEach((p, k) => {
    const d = p.legs[leg]!.distance;
    const tier = d === null ? 'flat' : d <= 7.5 ? 'critical' : d <= 15 ? 'warning' : 'clear';
    const told = record.told.filter((t) => t.poll === k && t.leg === leg);
    if (told.length === 0 && tier === lastTier) return;
    lastTier = tier;
    const at = new Date(p.at).toISOString().slice(11, 19);
    const said = told.map((t) => `${t.kind} ${t.rule} ${t.severity} ${t.value ?? ''}: ${t.message}`).join(' | ');
    lines.push(
      `${at} ${p.point.padEnd(5)} ${d === null ? 'flat' : d.toFixed(2).padStart(6)} ${tier.padEnd(8)} ${said}`,
    );
  });
  return `${record.plan.legs[leg]!.name}\n${lines.join('\n')}`;
}
