import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BinanceClient } from '#binance/client.js';
import type { AlertQueue } from '#check/alert-queue.js';
import { type CycleReport, runCycle } from '#check/run-check.js';
import { createLocalKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { chatRoutes } from '#config/routes.js';
import type { Delivery } from '#contracts/queue-message.js';
import { alertJson, renderAlertLine } from '#core/format/alert-text.js';
import type { Log } from '#shared/log.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { parseOptions, positiveInt } from './args.js';
import { type CliIo, UsageError } from './io.js';
import { createLocalRuntime } from './local-runtime.js';
import { consoleLog } from './log.js';

const OPTIONS = {
  config: { type: 'string' },
  once: { type: 'boolean' },
  cycles: { type: 'string' },
  interval: { type: 'string' },
  'state-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The chat id under which the terminal is told of alerts when no Telegram chat is configured. */
export const CONSOLE_CHAT = 0;

/**
 * `liqwatch check`: the scheduled check, run from a terminal. With `--state-dir` the state persists
 * (dynalite on disk), so successive runs behave like successive scheduled invocations. Notifications
 * print to stdout, or go to the configured chats when TELEGRAM_BOT_TOKEN is set.
 */
export async function runCheckCommand(args: string[], io: CliIo): Promise<number> {
  const { values: o } = parseOptions(args, OPTIONS);
  if (!o.config) throw new UsageError('give --config <file>');
  if (o.once && (o.cycles || o.interval)) throw new UsageError('--once runs one cycle; drop --cycles and --interval');
  const cycles = positiveInt(o.cycles, '--cycles', 1);
  const intervalS = positiveInt(o.interval, '--interval', 60);
  const { config, baseDir } = await loadConfig(o.config, io.cwd);

  const stateDir = o['state-dir'] ? resolve(io.cwd, o['state-dir']) : undefined;
  if (stateDir) await mkdir(stateDir, { recursive: true });
  const dynamo = await startLocalDynamo(stateDir ? { path: stateDir } : {});
  const exchange = new BinanceClient();
  try {
    const chats = chatRoutes(config);
    const keys = await createLocalKeysProvider(config.accounts, baseDir, io.env);
    const store = new DynamoStateStore(dynamo.client, dynamo.tableName);
    // With a bot token and chats, notifications go to Telegram through the bot's own queue handler.
    const telegram =
      io.env.TELEGRAM_BOT_TOKEN && chats.length > 0
        ? await createLocalRuntime({
            config,
            store,
            exchange,
            keys,
            token: io.env.TELEGRAM_BOT_TOKEN,
            apiRoot: io.env.TELEGRAM_API_ROOT,
            log: consoleLog(io, 'check'),
          })
        : undefined;
    const deps = {
      config,
      exchange,
      keys,
      store,
      queue: telegram?.queue ?? consoleQueue(io, o.json ?? false),
      now: Date.now,
      log: quietLog(io),
      chats: chats.length > 0 ? chats : [{ id: CONSOLE_CHAT }],
    };
    for (let i = 0; i < cycles; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, intervalS * 1000));
      reportFailures(io, await runCycle(deps));
    }
    await telegram?.queue.flush();
    if (telegram && telegram.queue.pending > 0) {
      io.stderr(`liqwatch check: ${telegram.queue.pending} message(s) could not be delivered to Telegram\n`);
      return 1;
    }
    return 0;
  } finally {
    await exchange.close();
    await dynamo.close();
  }
}

/** Notifications as lines on stdout: readable text, or one alert object per line with `--json`. */
export function consoleQueue(io: Pick<CliIo, 'stdout'>, json: boolean): AlertQueue {
  return {
    async send(deliveries: readonly Delivery[]) {
      for (const d of deliveries) {
        if (d.kind === 'digest') {
          if (!json) io.stdout(`${renderDigestLine(d)}\n`);
          continue;
        }
        for (const n of d.notifications) {
          io.stdout(`${json ? JSON.stringify(alertJson(n.alert)) : renderAlertLine(n)}\n`);
        }
      }
    },
  };
}

function renderDigestLine(d: Extract<Delivery, { kind: 'digest' }>): string {
  const firing = d.digest.accounts.reduce((n, a) => n + a.firing.length, 0);
  const open = d.digest.accounts.reduce((n, a) => n + a.sources.reduce((m, s) => m + s.openPositions, 0), 0);
  return `[DIGEST] checks are running; ${open} open position(s), ${firing} alert(s) firing`;
}

function reportFailures(io: CliIo, report: CycleReport): void {
  for (const a of report.accounts) {
    for (const s of a.sources) if (!s.ok) io.stderr(`liqwatch check: ${s.error}\n`);
  }
}

/** Source failures are reported once per cycle by `reportFailures`; the log stays quiet in a terminal. */
function quietLog(io: CliIo): Log {
  return {
    info: () => {},
    warn: () => {},
    error: (message, ...extra) =>
      io.stderr(`liqwatch check: ${message} ${extra.map((e) => JSON.stringify(e)).join(' ')}\n`),
  };
}
