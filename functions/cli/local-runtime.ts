import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { Context, Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { PositionReader } from '#accounts/ports.js';
import type { AlertQueue } from '#check/alert-queue.js';
import { type CheckDeps, runCycle } from '#check/run-check.js';
import type { KeysProvider } from '#config/keys-provider.js';
import type { Config } from '#config/schema.js';
import type { Delivery } from '#contracts/queue-message.js';
import type { Log } from '#shared/log.js';
import type { StateStore } from '#store/state-store.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { type BotHandlerDeps, createQueueHandler } from '#telegram/handler.js';

/**
 * The alerts queue on a laptop: what the check enqueues goes through the bot's own SQS batch handler,
 * as in AWS; a record the handler reports failed is offered again with the next cycle's batch.
 */
export class LocalQueue implements AlertQueue {
  #pending: Delivery[] = [];
  #seq = 0;
  constructor(private readonly handle: ReturnType<typeof createQueueHandler>) {}

  async send(deliveries: readonly Delivery[]): Promise<void> {
    this.#pending.push(...deliveries);
    await this.flush();
  }

  /** Offers every pending delivery once; failed ones stay pending. */
  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const batch = this.#pending.splice(0);
    const ids = batch.map(() => `local-${++this.#seq}`);
    const event: SQSEvent = { Records: batch.map((d, i) => localRecord(ids[i]!, d)) };
    const { batchItemFailures } = await this.handle(event);
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    this.#pending.push(...batch.filter((_, i) => failed.has(ids[i]!)));
  }

  get pending(): number {
    return this.#pending.length;
  }
}

export interface LocalRuntime {
  bot: Telegraf<Context>;
  botDeps: BotHandlerDeps;
  check: CheckDeps;
  queue: LocalQueue;
  cycle(): ReturnType<typeof runCycle>;
  /** A line typed in the terminal, as a message from `chatId`. */
  command(text: string, chatId: number): Promise<void>;
}

let updateSeq = 1;

/** A text message update from a chat, with its command entity, as Telegram would send it. */
export function textUpdate(text: string, chatId: number): Update {
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: updateSeq++,
    message: {
      message_id: updateSeq,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'you' },
      from: { id: chatId, is_bot: false, first_name: 'you' },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
    },
  } as Update;
}

/**
 * The check and the bot wired as in Lambda, around a local state store, for `npm start` and the
 * end-to-end test: check → queue (the bot's SQS handler) → Telegram (real, or a local stand-in).
 */
export async function createLocalRuntime(parts: {
  config: Config;
  store: StateStore;
  exchange: PositionReader;
  keys: KeysProvider;
  token: string;
  apiRoot?: string | undefined;
  log: Log;
  now?: () => number;
  perChatGapMs?: number;
}): Promise<LocalRuntime> {
  const botDeps = await assembleBot({ ...parts, webhookSecret: 'local-webhook-unused-000000' });
  const queue = new LocalQueue(createQueueHandler(botDeps));
  const check: CheckDeps = {
    config: parts.config,
    exchange: parts.exchange,
    keys: parts.keys,
    store: parts.store,
    queue,
    now: parts.now ?? Date.now,
    log: parts.log,
  };
  return {
    bot: botDeps.bot,
    botDeps,
    check,
    queue,
    async cycle() {
      await queue.flush();
      return runCycle(check);
    },
    command: (text, chatId) => botDeps.bot.handleUpdate(textUpdate(text, chatId)),
  };
}

/** A queue record as SQS hands one to the bot Lambda, for a delivery that never left this process. */
function localRecord(messageId: string, d: Delivery): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(d),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(d.at),
      SenderId: 'liqwatch',
      ApproximateFirstReceiveTimestamp: String(d.at),
      MessageGroupId: String(d.chatId),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:liqwatch-alerts.fifo',
    awsRegion: 'local',
  };
}
