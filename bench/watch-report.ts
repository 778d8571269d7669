import { fixed, median, renderTable } from './stats.js';
import type { Run } from './watch-chain.js';
import { measureWatchLatency, percentile, WATCH_LATENCY_MS } from './watch-latency.js';
import { measureWatchSoak } from './watch-soak.js';
import { FAMILIES, measureWatchWeight, WEIGHT_CASES, type WeightFigures } from './watch-weight.js';

/** A target of `npm run bench`, as `run.ts` lists them. */
export interface Target {
  name: string;
  met: boolean;
  figure: string;
}

/** Each account's share of an IP's 2,400 a minute per host family (README, "Watch"). */
const BUDGET = 0.05 * 2_400;
const P99_TARGET_S = 3;

const secs = (ms: number | null) => (ms === null ? 'never' : fixed(ms / 1000, 3));
const stats = (ms: readonly number[]) =>
  ms.length === 0
    ? ['–', '–', '–']
    : [fixed(percentile(ms, 50) / 1000, 3), fixed(percentile(ms, 99) / 1000, 3), fixed(Math.max(...ms) / 1000, 3)];

/**
 * The watch's three tables (docs/performance.md, "The watch"): latency on the crash day against one-minute
 * polling, request weight per account-minute in each mode, sockets, memory and timers after an hour of
 * stream. Returns its targets.
 */
export async function reportWatch(print: (text?: string) => void): Promise<Target[]> {
  const latency = await measureWatchLatency();
  const t = latency.told;
  const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const window = `${utc(latency.from)}–${utc(latency.from + latency.seconds * 1000).slice(11)} UTC`;
  print(
    `The watch: the AVAX crash (${window}), one mark price a second, ${latency.seconds} ticks, ` +
      `${t.length} crossings; ${WATCH_LATENCY_MS} ms per exchange call; seconds from the crossing tick to Telegram:`,
  );
  print(
    renderTable(
      ['leg', 'line %', 'tick (s)', 'adaptive', 'watching then', 'one-minute polling'],
      t.map((c) => [
        c.crossing.leg.name,
        c.crossing.line,
        c.crossing.second,
        secs(c.adaptiveMs),
        c.watched ? 'yes' : 'no',
        secs(c.pollMs),
      ]),
    ),
  );
  const watched = t.filter((c) => c.watched && c.adaptiveMs !== null);
  const before = t.filter((c) => !c.watched && c.adaptiveMs !== null);
  const both = watched.filter((c) => c.pollMs !== null);
  const w = watched.map((c) => c.adaptiveMs!);
  const polled = both.map((c) => c.pollMs!);
  const bothWatch = both.map((c) => c.adaptiveMs!);
  print();
  print(
    renderTable(
      ['deployment', 'crossings told', 'p50 s', 'p99 s', 'max s'],
      [
        ['adaptive, once watching', `${w.length} of ${t.length}`, ...stats(w)],
        [
          'adaptive, before watching (told by the check that starts it)',
          `${before.length}`,
          ...stats(before.map((c) => c.adaptiveMs!)),
        ],
        ['one-minute polling, the crossings watched', `${polled.length} of ${watched.length}`, ...stats(polled)],
      ],
    ),
  );
  const ratio = (p: number) => percentile(polled, p) / percentile(bothWatch, p);
  const lasted = (runs: readonly Run[]) => median(runs.map((r) => r.endedAt - r.startedAt)) / 1000;
  const watching = latency.runs.adaptive.filter((r) => r.watchedMs > 0);
  const calm = latency.runs.adaptive.filter((r) => r.watchedMs === 0);
  const failed = [...latency.runs.adaptive, ...latency.runs.off].reduce((n, r) => n + r.failedSources, 0);
  print(
    `Polling ÷ watching on the ${both.length} crossings both told: p50 ${fixed(ratio(50), 0)}×, p99 ${fixed(ratio(99), 0)}×. ` +
      `Invocations (median length): adaptive ${watching.length} watching (${fixed(lasted(watching), 1)} s) and ` +
      `${calm.length} calm (${fixed(lasted(calm), 3)} s) on ${latency.containers.adaptive} containers, ` +
      `polling ${latency.runs.off.length} (${fixed(lasted(latency.runs.off), 3)} s); sources failed: ${failed}; ` +
      `the replay took ${fixed(latency.wallMs / 1000)} s.`,
  );
  if (latency.problems.length > 0) print(`Logged by the checks: ${summarise(latency.problems)}`);
  print();

  const weights: WeightFigures[] = [];
  for (const c of WEIGHT_CASES) weights.push(await measureWatchWeight(c));
  print(`Request weight per account-minute, one account on all five sources (minutes 2–6 of 6; budget ${BUDGET}):`);
  print(
    renderTable(
      [
        'mode',
        ...FAMILIES.map((f) => `${f} median (max)`),
        'worst of budget',
        'listen-key calls a minute',
        'DynamoDB reads / writes a minute',
      ],
      weights.map((r) => [
        r.label,
        ...FAMILIES.map((f) => `${median(r.minutes[f])} (${Math.max(...r.minutes[f])})`),
        `${fixed((worst(r) / BUDGET) * 100, 0)} %`,
        fixed(r.listenKeyCalls, 1),
        `${median(r.dynamo.reads)} / ${median(r.dynamo.writes)}`,
      ]),
    ),
  );
  const problems = weights.flatMap((r) => r.problems);
  if (problems.length > 0) print(`Logged by the checks: ${summarise(problems)}`);
  print();

  const soak = await measureWatchSoak();
  print(
    `An hour of market stream (${soak.seconds} ticks, ${soak.symbols} symbols on both markets), driven in ${fixed(soak.wallMs / 1000)} s:`,
  );
  print(
    renderTable(
      [
        'cycles',
        'sockets watching',
        'sockets after close',
        'heap MiB after 1 min',
        'after 1 h',
        'stream timers left',
        'timers left',
      ],
      [
        [
          soak.cycles,
          soak.socketsWatching,
          soak.socketsAfterClose,
          fixed(soak.heapBeforeMiB),
          fixed(soak.heapAfterMiB),
          soak.streamTimersLeft,
          soak.nodeTimersLeft,
        ],
      ],
    ),
  );
  if (soak.problems.length > 0) print(`Logged by the watcher: ${summarise(soak.problems)}`);
  print();

  const p99 = percentile(w, 99) / 1000;
  const over = weights.filter((r) => worst(r) > BUDGET);
  return [
    {
      name: `watch, adaptive, once a leg is in its warning band: p99 from the crossing tick to Telegram < ${P99_TARGET_S} s`,
      met: w.length > 0 && p99 < P99_TARGET_S,
      figure: `${fixed(p99, 3)} s over ${w.length} crossings (one-minute polling ${fixed(percentile(polled, 99) / 1000, 1)} s)`,
    },
    {
      name: `watch: request weight per account-minute ≤ 5 % of 2,400 (${BUDGET}) in every family and mode`,
      met: over.length === 0,
      figure: weights.map((r) => `${r.label} ${worst(r)}`).join(', '),
    },
    {
      name: 'watch, an hour of stream: no socket, stream timer or timer left after close',
      met: soak.socketsAfterClose === 0 && soak.streamTimersLeft === 0 && soak.nodeTimersLeft === 0,
      figure: `${soak.socketsAfterClose} sockets, ${soak.streamTimersLeft} stream timers, ${soak.nodeTimersLeft} timers`,
    },
  ];
}

/** The heaviest family's heaviest minute. */
function worst(r: WeightFigures): number {
  return Math.max(...FAMILIES.flatMap((f) => r.minutes[f]));
}

/** Distinct log lines with their counts, the most frequent first. */
function summarise(lines: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const short = line.replace(/"(account|source)":"[^"]*",?/g, '').replace(/\s*\{\}$/, '');
    counts.set(short, (counts.get(short) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([line, n]) => `${n} × "${line}"`)
    .join('; ');
}
