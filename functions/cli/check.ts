import { resolve } from 'node:path';
import { BinanceClient } from '#binance/client.js';
import type { AlertQueue } from '#check/alert-queue.js';
import { type CycleReport, runCycle } from '#check/run-check.js';
import { createLocalKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { chatRoutes } from '#config/routes.js';
import type { Delivery } from '#contracts/queue-message.js';
import { notificationJson, renderAlertLine } from '#core/format/alert-text.js';
import { renderDigestLine } from '#core/format/messages.js';
import { failureLines, nothingRead } from '#core/format/standing.js';
import type { Log } from '#shared/log.js';
import { DynamoChatReachability } from '#store/chat-reachability.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { startLocalDynamo } from '#store/local-dynamo.js';
import { DynamoOutbox } from '#store/outbox.js';
import { queuedLines, startTelegram } from './check-telegram.js';
import { type CliIo, UsageError } from './io.js';
import { consoleLog } from './log.js';

/** `liqwatch check`'s options, as the command line parses them (program.ts). */
export interface CheckOptions {
  config?: string;
  once?: boolean;
  cycles?: number;
  interval?: number;
  stateDir?: string;
  json?: boolean;
}

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
export async function runCheckCommand(o: CheckOptions, io: CliIo, opts: CheckCommandOptions = {}): Promise<number> {
  if (!o.config) throw new UsageError('give --config <file>');
  if (o.once && (o.cycles || o.interval)) throw new UsageError('--once runs one cycle; drop --cycles and --interval');
  const cycles = o.cycles ?? 1;
  const intervalS = o.interval ?? 60;
  const { config, baseDir } = await loadConfig(o.config, io.cwd);

  const stateDir = o.stateDir ? resolve(io.cwd, o.stateDir) : undefined;
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
    let readNothing = false;
    for (let i = 0; i < cycles; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, intervalS * 1000));
      readNothing = reportFailures(io, await runCycle(deps));
    }
    const queued = (await telegram?.finish()) ?? [];
    for (const line of queuedLines(queued)) io.stderr(`liqwatch check: ${line}\n`);
    return queued.length > 0 || readNothing ? 1 : 0;
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
          if (!json) io.stdout(`${renderDigestLine(d.digest)}\n`);
          continue;
        }
        for (const n of d.notifications) {
          io.stdout(`${json ? JSON.stringify(notificationJson(n)) : renderAlertLine(n)}\n`);
        }
      }
    },
  };
}

/** Each cause of failure once (an account's unreadable keys are one line, not one per source); whether nothing was read. */
function reportFailures(io: CliIo, report: CycleReport): boolean {
  for (const line of failureLines(report.accounts)) io.stderr(`liqwatch check: ${line}\n`);
  const none = nothingRead(report.accounts);
  if (none) io.stderr('liqwatch check: nothing could be read: every source of every account failed\n');
  return none;
}

/** Source failures are reported once per cycle by `reportFailures`; the log stays quiet in a terminal. */
function quietLog(io: CliIo): Log {
  return {
    info: () => {},
    warn: () => {},
    error: (message, ...extra) => {
      // Unreadable keys are one of the cycle's failures, reported with them.
      if (message === 'keys unavailable') return;
      io.stderr(`liqwatch check: ${message} ${extra.map((e) => JSON.stringify(e)).join(' ')}\n`);
    },
  };
}
