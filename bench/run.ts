import { SOURCE_IDS, type SourceId } from '#core/position.js';
import { measureBundle } from './bundle.js';
import { measureCheckWeight } from './check-weight.js';
import { reportColdImports } from './cold-import.js';
import { measureCpu } from './cpu.js';
import { startExchangeHosts, startRemoteExchange } from './exchange.js';
import { CONCURRENCY, type FanOutResult, measureFanOut, measureSingleCalls } from './fan-out.js';
import { measureCheckHandler } from './handlers.js';
import { reportScale } from './scale.js';
import { fixed, renderTable } from './stats.js';
import { reportWatch } from './watch-report.js';

/*
 * `npm run bench`: liqwatch's exchange client against the exchange simulator, which runs in processes
 * of its own on loopback (the watch's chain, in this process on a clock of its own: section 5).
 * docs/performance.md explains each figure and records a run. The exit status is 1 when a target is missed.
 */

const LATENCY_MS = 50;
const REPS = 5;
const CPU_ROUNDS = 5;
const CPU_CALLS = 100;
const print = (text = '') => process.stdout.write(`${text}\n`);
const targets: { name: string; met: boolean; figure: string }[] = [];

print(`liqwatch benchmark — node ${process.version}, ${process.platform}/${process.arch}`);
print();

// 1. Fan-out: all five sources of 1, 10 and 50 accounts in one cycle, against three hosts (fapi with
// its WebSocket API, dapi, papi). The baseline is one call alone on a fresh client. Each account count
// gets fresh hosts, so the weight they report is that of the first measured run alone.
const warm = await startExchangeHosts({ accounts: 10, positionsPerSource: 5, latencyMs: LATENCY_MS });
let single: Record<SourceId, number>;
try {
  await measureFanOut(warm, 10, 1); // warms the code paths; every measured run has fresh connections
  single = await measureSingleCalls(warm, REPS);
} finally {
  await warm.close();
}
const slowest = Math.max(...Object.values(single));
print(`One call alone on a fresh client (TCP connect and WebSocket handshake included), ${LATENCY_MS} ms latency:`);
print(
  renderTable(
    ['source', `ms (median of ${REPS})`],
    SOURCE_IDS.map((s) => [s, fixed(single[s])]),
  ),
);
print();

const fanOut: { result: FanOutResult; hostNames: (url: string) => string }[] = [];
for (const accounts of [1, 10, 50]) {
  const hosts = await startExchangeHosts({ accounts, positionsPerSource: 5, latencyMs: LATENCY_MS });
  try {
    const names = new Map([
      [hosts.fapi.url, 'fapi'],
      [hosts.dapi.url, 'dapi'],
      [hosts.papi.url, 'papi'],
    ]);
    fanOut.push({
      result: await measureFanOut(hosts, accounts, REPS),
      hostNames: (url) => names.get(url) ?? 'ws-fapi',
    });
  } finally {
    await hosts.close();
  }
}
print(`All five sources per account in one fetchAll, concurrency ${CONCURRENCY}, fresh client, median of ${REPS}:`);
print(
  renderTable(
    [
      'accounts',
      'calls',
      'wall ms',
      'sum of calls ms',
      'sum/wall',
      'wall/slowest call',
      'waves',
      'wall/(waves×slowest)',
      'failed',
      'sockets after close',
      'weight per host',
    ],
    fanOut.map(({ result: r, hostNames }) => {
      const waves = Math.ceil(r.calls / CONCURRENCY);
      return [
        r.accounts,
        r.calls,
        fixed(r.wallMs),
        fixed(r.sumMs),
        `${fixed(r.sumMs / r.wallMs)}×`,
        `${fixed(r.wallMs / slowest, 2)}×`,
        waves,
        `${fixed(r.wallMs / (waves * slowest), 2)}×`,
        r.failures,
        r.socketsAfterClose,
        r.weights.map((w) => `${hostNames(w.host)}=${w.usedWeight1m}`).join(' '),
      ];
    }),
  ),
);
print();
const one = fanOut[0]!.result;
targets.push({
  name: '1 account, 5 sources: wall ≤ 1.5 × the slowest single call',
  met: one.wallMs <= 1.5 * slowest,
  figure: `${fixed(one.wallMs)} ms / ${fixed(slowest)} ms = ${fixed(one.wallMs / slowest, 2)}×`,
});
const fifty = fanOut[2]!.result;
targets.push({
  name: '50 accounts × 5 sources: every call answered, no socket left open, weight per host',
  met: fifty.failures === 0 && fifty.socketsAfterClose === 0 && fifty.weights.length === 4,
  figure: `${fifty.failures} failed, ${fifty.socketsAfterClose} sockets open, ${fifty.weights.length} hosts`,
});

// 1b. What one check spends of each host family's weight: positions and the account reads (margin numbers,
// ADL quantiles) of every source, per account and for 50 accounts, against the 2,400 a minute of an IP.
const weightHosts = await startExchangeHosts({ accounts: 50, positionsPerSource: 5, latencyMs: 0 });
let weight: Awaited<ReturnType<typeof measureCheckWeight>>;
try {
  weight = await measureCheckWeight(weightHosts, 50);
} finally {
  await weightHosts.close();
}
print('Request weight of one check (positions, account pages, ADL quantiles), all five sources:');
print(
  renderTable(
    ['host family', 'per account-minute', `${weight.accounts} accounts`, 'of 2,400 a minute'],
    (['fapi', 'dapi', 'papi'] as const).map((f) => [
      f === 'fapi' ? 'fapi + WebSocket API' : f,
      fixed(weight.used[f] / weight.accounts, 1),
      weight.used[f],
      `${fixed((weight.used[f] / 2_400) * 100)} %`,
    ]),
  ),
);
print();
targets.push({
  name: '50 accounts × 5 sources, account reads included: every family under 90 % of 2,400 a minute',
  met: weight.failures === 0 && Object.values(weight.used).every((w) => w <= 0.9 * 2_400),
  figure: `${weight.failures} failed, ${Object.entries(weight.used)
    .map(([f, w]) => `${f} ${w}`)
    .join(', ')}`,
});

// 2. Client overhead per call on a 500-position response, against the official connector.
const cpuExchange = await startRemoteExchange({ accounts: 1, positionsPerSource: 500, latencyMs: 0 });
try {
  const { ours, connector, oursWs } = await measureCpu(cpuExchange, { calls: CPU_CALLS, rounds: CPU_ROUNDS });
  const ratio = (cpuUs: number) => `${fixed(cpuUs / connector.cpuUs, 2)}×`;
  print(
    `CPU per call, 500-position response, no injected latency (median of ${CPU_ROUNDS} rounds of ${CPU_CALLS} calls):`,
  );
  print(
    renderTable(
      ['client', 'work', 'rows', 'CPU µs/call', 'wall ms/call', 'vs connector'],
      [
        [
          'liqwatch usdm',
          'sign, send, parse, validate, normalise',
          ours.rows,
          fixed(ours.cpuUs, 0),
          fixed(ours.wallMs, 2),
          ratio(ours.cpuUs),
        ],
        [
          'official connector',
          'sign, send, parse',
          connector.rows,
          fixed(connector.cpuUs, 0),
          fixed(connector.wallMs, 2),
          ratio(connector.cpuUs),
        ],
        [
          'liqwatch usdm-ws',
          'the same over the WebSocket API',
          oursWs.rows,
          fixed(oursWs.cpuUs, 0),
          fixed(oursWs.wallMs, 2),
          ratio(oursWs.cpuUs),
        ],
      ],
    ),
  );
  print();
  targets.push({
    name: 'CPU per call ≤ the official connector’s (ratio ≤ 1.0)',
    met: ours.cpuUs <= connector.cpuUs,
    figure: `${fixed(ours.cpuUs, 0)} µs / ${fixed(connector.cpuUs, 0)} µs = ${ratio(ours.cpuUs)}`,
  });
} finally {
  await cpuExchange.close();
}

// 3. Bundle size.
const bundles = [
  await measureBundle('functions/binance/client.ts', { file: 'functions/binance/client.ts' }),
  await measureBundle('@binance/derivatives-trading-usds-futures', {
    contents: "export { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';",
  }),
];
print('Minified ESM bundle for node (esbuild: bundle, platform node, format esm, minify):');
print(
  renderTable(
    ['entry', 'KiB', 'gzip KiB', 'largest parts (KiB)'],
    bundles.map((b) => [
      b.label,
      fixed(b.bytes / 1024),
      fixed(b.gzipBytes / 1024),
      b.parts
        .slice(0, 4)
        .map((p) => `${p.name} ${fixed(p.bytes / 1024)}`)
        .join(', '),
    ]),
  ),
);
print();

// 4. The check handler as Lambda runs it: what the cost on paper in the README is built from.
const handlerFigures = await measureCheckHandler({ latencyMs: LATENCY_MS, runs: 20 });
print(`The check handler, one account on all five sources, ${LATENCY_MS} ms per exchange call, dynalite state:`);
print(
  renderTable(
    ['first invocation ms', 'warm invocation ms (median of 20)', 'process RSS MiB', 'heap used MiB'],
    [
      [
        fixed(handlerFigures.firstCheckMs),
        fixed(handlerFigures.checkMs),
        fixed(handlerFigures.rssMiB),
        fixed(handlerFigures.heapMiB),
      ],
    ],
  ),
);
print();

// 5. The watch (watch.mode): latency on a crash day against one-minute polling, weight per account-minute
// in each mode, and what an hour of stream leaves behind (bench/watch-*.ts).
targets.push(...(await reportWatch(print)));

// 6. Scale: 1 to 500 accounts against the exchange's real weight limits, from one address and in shards
// of what one address holds (bench/scale*.ts).
targets.push(...(await reportScale(print, LATENCY_MS)));

// 7. Cold import, apart from the rest: whole processes importing each Lambda bundle as the stack builds
// it, against the official connector's bundle and a bare `node -e 0` (bench/cold-import.ts).
targets.push(...(await reportColdImports(print)));

print('Targets:');
for (const t of targets) print(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.figure}`);
if (targets.some((t) => !t.met)) process.exitCode = 1;
