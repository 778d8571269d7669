import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BinanceClient } from '#binance/client.js';
import { createKeysProvider } from '#config/keys-provider.js';
import { loadConfig } from '#config/load.js';
import { DynamoStateStore } from '#store/dynamo-state-store.js';
import { SqsAlertQueue } from './alert-queue.js';
import type { CheckDeps } from './run-check.js';

/** Variables the check reads, at the top of its entry point and nowhere else. */
export interface CheckEnv {
  LIQWATCH_CONFIG?: string | undefined;
  STATE_TABLE?: string | undefined;
  ALERTS_QUEUE_URL?: string | undefined;
}

export class EnvError extends Error {
  constructor(name: string) {
    super(`environment variable ${name} is not set`);
    this.name = 'EnvError';
  }
}

function required(env: CheckEnv, name: keyof CheckEnv): string {
  const value = env[name];
  if (!value) throw new EnvError(name);
  return value;
}

/**
 * Everything the scheduled check needs, built once per container: a bad config fails the cold start,
 * not the fifth alert. Clients are created here, at module scope of the handler, and reused while warm.
 */
export async function loadCheckRuntime(env: CheckEnv): Promise<CheckDeps & { pollSeconds: number }> {
  const { config, baseDir } = await loadConfig(required(env, 'LIQWATCH_CONFIG'));
  const log = new Logger({ serviceName: 'liqwatch-check' });
  return {
    config,
    pollSeconds: config.schedule.pollSeconds ?? 0,
    exchange: new BinanceClient(),
    keys: createKeysProvider({
      baseDir,
      secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
    }),
    store: new DynamoStateStore(new DynamoDBClient({}), required(env, 'STATE_TABLE')),
    queue: new SqsAlertQueue(new SQSClient({ maxAttempts: 5 }), required(env, 'ALERTS_QUEUE_URL')),
    now: Date.now,
    log,
  };
}
