import type { Context, Telegraf } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { PositionReader } from '#accounts/ports.js';
import type { KeysProvider } from '#config/keys-provider.js';
import { chatRoutes, chatTimeZone } from '#config/routes.js';
import type { Config } from '#config/schema.js';
import { botIdentity } from '#contracts/bot-identity.js';
import type { Log } from '#shared/log.js';
import type { ChatReachability } from '#store/chat-reachability.js';
import type { ReceiveLedger } from '#store/receive-ledger.js';
import type { StateStore } from '#store/state-store.js';
import { createBot } from './bot.js';
import type { NoticeQueue } from './chat-tracker.js';
import { createDeliverer } from './deliver.js';
import type { BotHandlerDeps } from './handler.js';
import type { QueueActions } from './queue-handler.js';

/** The bot's identity without a getMe call when the config names the bot (the id is the token's prefix). */
export function botInfoFrom(token: string, username: string | undefined): UserFromGetMe | undefined {
  return username ? botIdentity(token, username) : undefined;
}

/**
 * Builds the bot and its handler dependencies from parts, so the CLI, tests and Lambda share one path.
 * `chats`, `ledger` and `queue` are what delivery keeps and does beyond sending: without `chats` a chat
 * that takes no messages is reported but not remembered (nor the other chats told); without `queue` and
 * `ledger` a message handed back waits for the queue's own visibility timeout and redrive.
 */
export async function assembleBot(parts: {
  config: Config;
  store: StateStore;
  chats?: ChatReachability | undefined;
  ledger?: ReceiveLedger | undefined;
  queue?: (QueueActions & NoticeQueue) | undefined;
  exchange: PositionReader;
  keys: KeysProvider;
  token: string;
  webhookSecret: string;
  apiRoot?: string | undefined;
  log: Log;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  perChatGapMs?: number;
}): Promise<BotHandlerDeps & { bot: Telegraf<Context>; store: StateStore }> {
  const now = parts.now ?? Date.now;
  const deps = {
    config: parts.config,
    store: parts.store,
    exchange: parts.exchange,
    keys: parts.keys,
    now,
    log: parts.log,
    // /status reads it (commands/status.ts).
    chats: parts.chats,
  };
  const bot = createBot({
    token: parts.token,
    apiRoot: parts.apiRoot,
    botInfo: botInfoFrom(parts.token, parts.config.telegram.botUsername),
    deps,
  });
  if (!bot.botInfo) bot.botInfo = await bot.telegram.getMe();
  const deliver = createDeliverer({
    telegram: bot.telegram,
    store: parts.store,
    chats: parts.chats,
    notices: parts.queue,
    routes: chatRoutes(parts.config),
    timeZoneOf: (chatId) => chatTimeZone(parts.config, chatId),
    now,
    log: parts.log,
    ...(parts.sleep ? { sleep: parts.sleep } : {}),
    ...(parts.perChatGapMs === undefined ? {} : { perChatGapMs: parts.perChatGapMs }),
  });
  return {
    bot,
    deliver,
    queue: parts.queue,
    ledger: parts.ledger,
    store: parts.store,
    webhookSecret: parts.webhookSecret,
    now,
    log: parts.log,
  };
}
