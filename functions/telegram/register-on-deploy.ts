import { Telegram } from 'telegraf';
import type { SecretReader } from '#config/keys-provider.js';
import { TelegramSecretSchema } from '#contracts/telegram-secret.js';
import type { Log } from '#shared/log.js';
import { readJson } from '#shared/parse.js';
import { registerWebhook } from './webhook.js';

/** The custom resource event the CDK provider framework passes on (the fields we read). */
export interface WebhookResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: { WebhookUrl: string; SecretId: string };
}

export interface WebhookResourceResult {
  PhysicalResourceId: string;
  Data: { Registered: string; Message: string };
}

/**
 * At deploy: once the bot token is in the stack's secret, point Telegram at the Function URL with the
 * secret token and register the command menu. Without a token yet, succeed and say so: the next deploy
 * (or `liqwatch telegram set-webhook`) registers it. On stack deletion the webhook is removed.
 */
export function createWebhookResourceHandler(deps: { secrets: SecretReader; apiRoot?: string | undefined; log: Log }) {
  return async (event: WebhookResourceEvent): Promise<WebhookResourceResult> => {
    const { WebhookUrl: url, SecretId: secretId } = event.ResourceProperties;
    const id = event.PhysicalResourceId ?? `liqwatch-webhook-${secretId.split(':').at(-1)}`;
    const raw = await deps.secrets.get(secretId, { maxAge: 0, forceFetch: true });
    const parsed = TelegramSecretSchema.safeParse(typeof raw === 'string' ? readJson(raw, `secret ${secretId}`) : raw);
    if (!parsed.success) {
      const message = 'No bot token in the secret yet: put it in and deploy again (README, "Deploy").';
      deps.log.info(message, { secretId });
      return { PhysicalResourceId: id, Data: { Registered: 'false', Message: message } };
    }
    const telegram = new Telegram(parsed.data.botToken, deps.apiRoot ? { apiRoot: deps.apiRoot } : {});
    if (event.RequestType === 'Delete') {
      await telegram.deleteWebhook();
      return { PhysicalResourceId: id, Data: { Registered: 'false', Message: 'Webhook removed.' } };
    }
    await registerWebhook(telegram, url, parsed.data.webhookSecret);
    deps.log.info('webhook registered', { url });
    return { PhysicalResourceId: id, Data: { Registered: 'true', Message: `Webhook set to ${url}` } };
  };
}
