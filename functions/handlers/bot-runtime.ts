import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { requiredEnv } from '#shared/env.js';
import { parseWith } from '#shared/parse.js';
import { DynamoChatReachability } from '#store/chat-reachability.js';
import { DynamoStore } from '#store/dynamo-store.js';
import { DynamoReceiveLedger } from '#store/receive-ledger.js';
import { assembleBot } from '#telegram/assemble-bot.js';
import { SqsBotQueue } from './bot-queue.js';

/** Variables the bot reads, at the top of its entry point and nowhere else. */
export interface BotEnv {
  LIQWATCH_CONFIG?: string | undefined;
  STATE_TABLE?: string | undefined;
  /** The alerts queue: the bot holds its messages and queues its own notices there. */
  ALERTS_QUEUE_URL?: string | undefined;
  /** Where the bot moves a message that really failed five times. */
  DEAD_LETTER_QUEUE_URL?: string | undefined;
  TELEGRAM_SECRET_ID?: string | undefined;
  TELEGRAM_BOT_TOKEN?: string | undefined;
  TELEGRAM_WEBHOOK_SECRET?: string | undefined;
  TELEGRAM_API_ROOT?: string | undefined;
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
  const dynamo = new DynamoDBClient({});
  const table = requiredEnv(env, 'STATE_TABLE');
  return assembleBot({
    config,
    store: new DynamoStore(dynamo, table),
    chats: new DynamoChatReachability(dynamo, table),
    ledger: new DynamoReceiveLedger(dynamo, table),
    queue: new SqsBotQueue(
      new SQSClient({ maxAttempts: 5 }),
      requiredEnv(env, 'ALERTS_QUEUE_URL'),
      requiredEnv(env, 'DEAD_LETTER_QUEUE_URL'),
    ),
    exchange: new BinanceClient(),
    keys: createKeysProvider({ baseDir, secrets }),
    token: secret.botToken,
    webhookSecret: secret.webhookSecret,
    apiRoot: env.TELEGRAM_API_ROOT,
    log: new Logger({ serviceName: 'liqwatch-bot' }),
  });
}
