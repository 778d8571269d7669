import { resolve } from 'node:path';
import { BinanceClient } from '#binance/client.js';
import type { AlertQueue } from '#check/alert-queue.js';
import { type CycleReport, runCycle } from '#check/run-check.js';
import { createLocalKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { chatRoutes } from '#config/routes.js';
import type { Delivery } from '#contracts/queue-message.js';
import { notificationJson, renderAlertLine } from '#core/format/alert-text.js';
import type { Log } from '#shared/log.js';
import { DynamoChatReachability } from '#store/chat-reachability.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { DynamoOutbox } from '#store/outbox.js';
import { parseOptions, positiveInt } from './args.js';
import { queuedLines, startTelegram } from './check-telegram.js';
import { type CliIo, UsageError } from './io.js';
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

export interface CheckCommandOptions {
  /** The signal that ends a Bot API call after `ms` (default `AbortSignal.timeout`); a test passes its own timer. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/**
 * `liqwatch check`: the scheduled check, run from a terminal. With `--state-dir` the state persists
 * (dynalite on disk), so successive runs behave like successive scheduled invocations. Notifications
 * print to stdout, or go to the configured chats when TELEGRAM_BOT_TOKEN is set; what Telegram does not
 * take waits in the state store's outbox and goes out first on the next run.
 */
export async function runCheckCommand(args: string[], io: CliIo, opts: CheckCommandOptions = {}): Promise<number> {
  const { values: o } = parseOptions(args, OPTIONS);
  if (!o.config) throw new UsageError('give --config <file>');
  if (o.once && (o.cycles || o.interval)) throw new UsageError('--once runs one cycle; drop --cycles and --interval');
  const cycles = positiveInt(o.cycles, '--cycles', 1);
  const intervalS = positiveInt(o.interval, '--interval', 60);
  const { config, baseDir } = await loadConfig(o.config, io.cwd);

  const stateDir = o['state-dir'] ? resolve(io.cwd, o['state-dir']) : undefined;
  const dynamo = await startLocalDynamo(stateDir ? { path: stateDir } : {});
  const exchange = new BinanceClient();
  try {
    const chats = chatRoutes(config);
    const keys = await createLocalKeysProvider(config.accounts, baseDir, io.env);
    const store = new DynamoStore(dynamo.client, dynamo.tableName);
    const base = { config, exchange, keys, store, bans: store };
    const token = io.env.TELEGRAM_BOT_TOKEN;
    const outbox = new DynamoOutbox(dynamo.client, dynamo.tableName);
    const log = consoleLog(io, 'check');
    // With a bot token and chats, notifications go to Telegram through the bot's own queue handler.
    const telegram =
      token && chats.length > 0
        ? await startTelegram(
            {
              ...base,
              token,
              apiRoot: io.env.TELEGRAM_API_ROOT,
              log,
              outbox,
              chats: new DynamoChatReachability(dynamo.client, dynamo.tableName),
            },
            opts.timeoutSignal ?? AbortSignal.timeout,
          )
        : undefined;
    const deps = {
      ...base,
      queue: telegram?.queue ?? consoleQueue(io, o.json ?? false),
      now: Date.now,
      log: quietLog(io),
      chats: chats.length > 0 ? chats : [{ id: CONSOLE_CHAT }],
    };
    for (let i = 0; i < cycles; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, intervalS * 1000));
      reportFailures(io, await runCycle(deps));
    }
    const queued = (await telegram?.finish()) ?? [];
    for (const line of queuedLines(queued)) io.stderr(`liqwatch check: ${line}\n`);
    return queued.length > 0 ? 1 : 0;
  } finally {
    await exchange.close();
    await dynamo.close();
  }
}

/**
 * Notifications as lines on stdout: readable text, or with `--json` one line per notification, the alert
 * object (the design's contract) plus its `kind` and `since` (when the alert started firing).
 */
export function consoleQueue(io: Pick<CliIo, 'stdout'>, json: boolean): AlertQueue {
  return {
    async send(deliveries: readonly Delivery[]) {
      for (const d of deliveries) {
        if (d.kind === 'digest') {
          if (!json) io.stdout(`${renderDigestLine(d)}\n`);
          continue;
        }
        for (const n of d.notifications) {
          io.stdout(`${json ? JSON.stringify(notificationJson(n)) : renderAlertLine(n)}\n`);
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
