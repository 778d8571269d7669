import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, Telegraf } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { PositionReader } from '#accounts/ports.js';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import type { Config } from '#config/schema.js';
import { botIdentity } from '#contracts/bot-identity.js';
import { TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { requiredEnv } from '#shared/env.js';
import type { Log } from '#shared/log.js';
import { parseWith } from '#shared/parse.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import type { StateStore } from '#store/state-store.js';
import { createBot } from './bot.js';
import { createDeliverer } from './deliver.js';
import type { BotHandlerDeps } from './handler.js';

export interface BotEnv {
  LIQWATCH_CONFIG?: string | undefined;
  STATE_TABLE?: string | undefined;
  TELEGRAM_SECRET_ID?: string | undefined;
  TELEGRAM_BOT_TOKEN?: string | undefined;
  TELEGRAM_WEBHOOK_SECRET?: string | undefined;
  TELEGRAM_API_ROOT?: string | undefined;
}

/** The bot's identity without a getMe call when the config names the bot (the id is the token's prefix). */
export function botInfoFrom(token: string, username: string | undefined): UserFromGetMe | undefined {
  return username ? botIdentity(token, username) : undefined;
}

/** Builds the bot and its handler dependencies from parts, so the CLI, tests and Lambda share one path. */
export async function assembleBot(parts: {
  config: Config;
  store: StateStore;
  exchange: PositionReader;
  keys: ReturnType<typeof createKeysProvider>;
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
    now,
    log: parts.log,
    ...(parts.sleep ? { sleep: parts.sleep } : {}),
    ...(parts.perChatGapMs === undefined ? {} : { perChatGapMs: parts.perChatGapMs }),
  });
  return { bot, deliver, store: parts.store, webhookSecret: parts.webhookSecret, now, log: parts.log };
}

/**
 * The bot Lambda's runtime, built once per container: the token and webhook secret come from the
 * stack's secret (never from an environment variable in AWS), clients are reused while warm.
 */
export async function loadBotRuntime(env: BotEnv) {
  const { config, baseDir } = await loadConfig(requiredEnv(env, 'LIQWATCH_CONFIG'));
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) });
  const secretId = requiredEnv(env, 'TELEGRAM_SECRET_ID');
  const secret = parseWith(
    TelegramSecretSchema,
    await secrets.get(secretId, { maxAge: 300, transform: 'json' }),
    `secret ${secretId}`,
  );
  return assembleBot({
    config,
    store: new DynamoStateStore(new DynamoDBClient({}), requiredEnv(env, 'STATE_TABLE')),
    exchange: new BinanceClient(),
    keys: createKeysProvider({ baseDir, secrets }),
    token: secret.botToken,
    webhookSecret: secret.webhookSecret,
    apiRoot: env.TELEGRAM_API_ROOT,
    log: new Logger({ serviceName: 'liqwatch-bot' }),
  });
}
