import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadConfig } from '#config/load.js';
import { createWebhookResourceHandler } from '#telegram/register-on-deploy.js';

/** The deploy-time custom resources: the Telegram secret check, and the webhook with the first message. */
const configText = process.env.LIQWATCH_CONFIG;
export const handler = createWebhookResourceHandler({
  secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  apiRoot: process.env.TELEGRAM_API_ROOT,
  log: new Logger({ serviceName: 'liqwatch-register-webhook' }),
  config: configText ? (await loadConfig(configText)).config : undefined,
});
