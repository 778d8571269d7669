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
import type { ChatReachability } from '#store/chat-reachability.js';
import type { HostBanLog } from '#store/host-bans.js';
import { MemoryOutbox, type Outbox } from '#store/outbox.js';
import type { StateStore } from '#store/state-store.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import type { BotHandlerDeps } from '#telegram/handler.js';
import { createQueueHandler } from '#telegram/queue-handler.js';

/**
 * The alerts queue on a laptop: what the check enqueues waits in an outbox (the state store's with
 * `--state-dir`, so it outlives the run) and goes through the bot's own SQS batch handler, as in AWS.
 * A record the handler reports failed stays in the outbox, in its place, and is offered again with the
 * next batch; the sent markers make it go out once.
 */
export class LocalQueue implements AlertQueue {
  #seq = 0;
  constructor(
    private readonly handle: ReturnType<typeof createQueueHandler>,
    private readonly outbox: Outbox = new MemoryOutbox(),
  ) {}

  async send(deliveries: readonly Delivery[]): Promise<void> {
    await this.outbox.append(deliveries);
    await this.flush();
  }

  /** Offers every waiting delivery once, oldest first; those not delivered stay in the outbox. */
  async flush(): Promise<void> {
    const batch = await this.outbox.waiting();
    if (batch.length === 0) return;
    const ids = batch.map(() => `local-${++this.#seq}`);
    const event: SQSEvent = { Records: batch.map((e, i) => localRecord(ids[i]!, e.delivery)) };
    const { batchItemFailures } = await this.handle(event);
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    await this.outbox.remove(batch.filter((_, i) => !failed.has(ids[i]!)).map((e) => e.key));
  }

  /** The deliveries still waiting, oldest first. */
  async waiting(): Promise<Delivery[]> {
    return (await this.outbox.waiting()).map((e) => e.delivery);
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
  /** Chats that stopped taking messages, kept for /status; each lost alert is a line on stderr either way. */
  chats?: ChatReachability | undefined;
  exchange: PositionReader;
  keys: KeysProvider;
  token: string;
  apiRoot?: string | undefined;
  log: Log;
  now?: () => number;
  perChatGapMs?: number;
  /** Where undelivered messages wait; by default in memory, for as long as the process runs. */
  outbox?: Outbox;
  /** Where 418/429 bans are kept between runs. */
  bans?: HostBanLog;
  /** The exchange client's clock, when it is not `Date.now`. */
  exchangeClock?: () => number;
}): Promise<LocalRuntime> {
  const botDeps = await assembleBot({ ...parts, webhookSecret: 'local-webhook-unused-000000' });
  const queue = new LocalQueue(createQueueHandler(botDeps), parts.outbox);
  const check: CheckDeps = {
    config: parts.config,
    exchange: parts.exchange,
    keys: parts.keys,
    store: parts.store,
    queue,
    now: parts.now ?? Date.now,
    log: parts.log,
    ...(parts.bans ? { bans: parts.bans } : {}),
    ...(parts.exchangeClock ? { exchangeClock: parts.exchangeClock } : {}),
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
