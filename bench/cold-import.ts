import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startFakeSecretsManager } from '#fakes/secrets-manager/index.js';
import { LAMBDA_BUNDLING } from '../infra/constructs/liqwatch-function.js';
import { type BundleResult, partsOf } from './bundle.js';
import { fixed, median, renderTable } from './stats.js';

/*
 * What a Lambda cold start pays before its handler runs: importing the bundle, top-level awaits
 * included, in a process of its own. The bundles are built as the stack builds them
 * (infra/constructs/liqwatch-function.ts), beside the official connector's bundled the same way.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** NodejsFunction's esbuild options for a liqwatch function, from the options the stack gives it. */
const LAMBDA_BUILD = {
  bundle: true,
  platform: 'node',
  format: LAMBDA_BUNDLING.format,
  target: LAMBDA_BUNDLING.target,
  mainFields: LAMBDA_BUNDLING.mainFields,
  minify: LAMBDA_BUNDLING.minify,
  sourcemap: LAMBDA_BUNDLING.sourceMap,
  external: LAMBDA_BUNDLING.externalModules,
  banner: { js: LAMBDA_BUNDLING.banner },
  alias: Object.fromEntries(
    Object.entries(LAMBDA_BUNDLING.esbuildArgs).map(([flag, to]) => [flag.replace(/^--alias:/, ''), to]),
  ),
  absWorkingDir: ROOT,
  logLevel: 'silent',
} as const;

/** The official connector as a Lambda would use it: its client imported and constructed. */
const CONNECTOR_ENTRY = [
  "import { DerivativesTradingUsdsFutures } from '@binance/derivatives-trading-usds-futures';",
  "new DerivativesTradingUsdsFutures({ configurationRestAPI: { apiKey: 'key', apiSecret: 'secret' } });",
].join('\n');

export interface ColdImport {
  label: string;
  /** The bundle's file, index.mjs as Lambda gets it. */
  file: string;
  bytes: number;
  parts: BundleResult['parts'];
  /** Median wall time of a process importing it, ms. */
  ms: number;
}

export interface ColdImportResult {
  /** `node -e 0`: a process that imports nothing. */
  floorMs: number;
  connector: ColdImport;
  bundles: ColdImport[];
  runs: number;
}

type Entry = { label: string; file: string } | { label: string; contents: string };

/**
 * Builds each entry into `dir` with the stack's options, then times `runs` whole processes importing
 * each one, interleaved (one of each per round, so a busy moment of the machine falls on all alike).
 * `prebuilt` adds bundles built elsewhere: an older build, compared in the same run (docs/performance.md).
 */
export async function measureColdImports(opts: {
  runs: number;
  prebuilt?: { label: string; file: string }[];
}): Promise<ColdImportResult> {
  // Away from node_modules, as in Lambda: a bundle imports nothing but Node's own modules.
  const dir = await mkdtemp(join(tmpdir(), 'liqwatch-cold-import-'));
  const secrets = await startFakeSecretsManager({
    'liqwatch/telegram': JSON.stringify({ botToken: `123456:${'a'.repeat(35)}`, webhookSecret: 'w'.repeat(32) }),
  });
  try {
    const entries: Entry[] = [
      { label: 'connector', contents: CONNECTOR_ENTRY },
      { label: 'check', file: 'functions/handlers/check.ts' },
      { label: 'bot', file: 'functions/handlers/bot.ts' },
    ];
    const built = [];
    for (const entry of entries) built.push(await buildLambdaBundle(entry, dir));
    for (const b of opts.prebuilt ?? []) built.push({ ...b, bytes: (await stat(b.file)).size, parts: [] });
    const env = importEnv(secrets.endpoint);
    const commands = [
      ['-e', '0'],
      ...built.map((b) => ['--input-type=module', '-e', `await import(${JSON.stringify(b.file)})`]),
    ];
    for (const args of commands) await timeProcess(args, env); // disk cache and compile cache alike for all
    const samples: number[][] = commands.map(() => []);
    for (let round = 0; round < opts.runs; round++) {
      for (const [i, args] of commands.entries()) samples[i]!.push(await timeProcess(args, env));
    }
    const [floorMs, ...ms] = samples.map((s) => median(s));
    const timed = built.map((b, i) => ({ ...b, ms: ms[i]! }));
    return { floorMs: floorMs!, connector: timed[0]!, bundles: timed.slice(1), runs: opts.runs };
  } finally {
    await secrets.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function buildLambdaBundle(entry: Entry, dir: string): Promise<Omit<ColdImport, 'ms'>> {
  const outfile = join(dir, entry.label, 'index.mjs');
  const { metafile } = await build({
    ...LAMBDA_BUILD,
    metafile: true,
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' as const } }),
    outfile,
  });
  return { label: entry.label, file: outfile, bytes: (await stat(outfile)).size, parts: partsOf(metafile) };
}

/**
 * What the handlers read at init, as the stack sets it: a one-account config that names its bot (so no
 * getMe), and AWS endpoints on loopback (the bot reads its Telegram secret at init, from the stand-in).
 */
function importEnv(secretsEndpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LIQWATCH_CONFIG: JSON.stringify({
      accounts: [{ name: 'main', sources: ['usdm', 'usdm-ws', 'coinm', 'pm-um', 'pm-cm'], secretId: 'liqwatch/main' }],
      telegram: { chatIds: [123456789], botUsername: 'liqwatch_bench_bot' },
    }),
    STATE_TABLE: 'liqwatch-state',
    ALERTS_QUEUE_URL: 'http://127.0.0.1:9/queue/alerts.fifo',
    DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:9/queue/dead.fifo',
    TELEGRAM_SECRET_ID: 'liqwatch/telegram',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsEndpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

/** Wall time of one whole `node` process, spawn to exit, ms; a failed import fails the benchmark. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2_000)}`));
    });
  });
}

const RUNS = 20;
const TARGET = 1.0;

/**
 * Prints the cold import of the check and bot bundles against the official connector's and the floor,
 * with each bundle's size and largest parts, and returns the targets: each bundle at most the connector's.
 */
export async function reportColdImports(
  print: (text?: string) => void,
): Promise<{ name: string; met: boolean; figure: string }[]> {
  const { floorMs, connector, bundles } = await measureColdImports({ runs: RUNS });
  const kib = (bytes: number) => fixed(bytes / 1024, 0);
  print(
    `Cold import: a whole node process importing each Lambda bundle (esbuild as the stack runs it), median of ${RUNS}, interleaved:`,
  );
  print(
    renderTable(
      ['bundle', 'KiB', 'ms', 'vs connector', 'vs node -e 0', 'largest parts (KiB)'],
      [
        ['node -e 0', '-', fixed(floorMs), `${fixed(floorMs / connector.ms, 2)}×`, '1.0×', ''],
        ...[connector, ...bundles].map((b) => [
          b.label === 'connector' ? '@binance/derivatives-trading-usds-futures' : `${b.label} handler`,
          kib(b.bytes),
          fixed(b.ms),
          `${fixed(b.ms / connector.ms, 2)}×`,
          `${fixed(b.ms / floorMs)}×`,
          b.parts
            .slice(0, 4)
            .map((p) => `${p.name} ${kib(p.bytes)}`)
            .join(', '),
        ]),
      ],
    ),
  );
  print();
  return bundles.map((b) => ({
    name: `${b.label} bundle's cold import ≤ ${fixed(TARGET)} × the official connector's`,
    met: b.ms <= TARGET * connector.ms,
    figure: `${fixed(b.ms)} ms / ${fixed(connector.ms)} ms = ${fixed(b.ms / connector.ms, 2)}×`,
  }));
}
