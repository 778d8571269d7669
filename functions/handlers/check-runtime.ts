import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BinanceClient } from '#binance/client.js';
import { SqsAlertQueue } from '#check/alert-queue.js';
import { exchangeStreams } from '#check/exchange-streams.js';
import type { CheckDeps } from '#check/run-check.js';
import type { StreamFactory } from '#check/watch.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { requiredEnv } from '#shared/env.js';
import { DynamoStore } from '#store/dynamo-store.js';

/** Variables the check reads, at the top of its entry point and nowhere else. */
export interface CheckEnv {
  LIQWATCH_CONFIG?: string | undefined;
  STATE_TABLE?: string | undefined;
  ALERTS_QUEUE_URL?: string | undefined;
}

/**
 * Everything the scheduled check needs, built once per container: a bad config fails the cold start,
 * not the fifth alert. Clients are created here, at module scope of the handler, and reused while warm.
 */
export async function loadCheckRuntime(
  env: CheckEnv,
): Promise<CheckDeps & { pollSeconds: number; streams: StreamFactory }> {
  const { config, baseDir } = await loadConfig(requiredEnv(env, 'LIQWATCH_CONFIG'));
  const log = new Logger({ serviceName: 'liqwatch-check' });
  const store = new DynamoStore(new DynamoDBClient({}), requiredEnv(env, 'STATE_TABLE'));
  const keys = createKeysProvider({
    baseDir,
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  });
  return {
    config,
    pollSeconds: config.schedule.pollSeconds ?? 0,
    exchange: new BinanceClient(),
    keys,
    // The exchange's streams, held while a leg is near danger (`watch.mode`).
    streams: exchangeStreams({ config, keys }),
    store,
    bans: store,
    queue: new SqsAlertQueue(new SQSClient({ maxAttempts: 5 }), requiredEnv(env, 'ALERTS_QUEUE_URL')),
    now: Date.now,
    log,
  };
}
