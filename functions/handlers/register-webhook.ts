import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createWebhookResourceHandler } from '#telegram/register-on-deploy.js';

/** The deploy-time custom resource that registers the Telegram webhook. */
export const handler = createWebhookResourceHandler({
  secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({}) }),
  apiRoot: process.env.TELEGRAM_API_ROOT,
  log: new Logger({ serviceName: 'liqwatch-register-webhook' }),
});
