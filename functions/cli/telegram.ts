import { Telegram } from 'telegraf';
import { z } from 'zod';
import { TelegramSecretSchema } from '#contracts/telegram-secret.js';
import { parseJsonWith } from '#shared/parse.js';
import { registerWebhook } from '#telegram/webhook.js';
import { parseOptions } from './args.js';
import { type CliIo, requireEnv, UsageError } from './io.js';

/**
 * `liqwatch telegram set-webhook --url <url>`: registers the webhook with its secret token and the
 * command menu. Env: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_ROOT.
 */
export async function runTelegramCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === 'put-token') return putToken(rest, io);
  if (verb !== 'set-webhook') {
    throw new UsageError(
      'usage: liqwatch telegram set-webhook --url <https url> | liqwatch telegram put-token --secret-id <id>',
    );
  }
  const { values: o } = parseOptions(rest, { url: { type: 'string' } });
  if (!o.url || !/^https?:\/\//.test(o.url)) throw new UsageError('give --url <https url> of the webhook');
  const telegram = new Telegram(requireEnv(io, 'TELEGRAM_BOT_TOKEN'), {
    ...(io.env.TELEGRAM_API_ROOT ? { apiRoot: io.env.TELEGRAM_API_ROOT } : {}),
  });
  await registerWebhook(telegram, o.url, requireEnv(io, 'TELEGRAM_WEBHOOK_SECRET'));
  io.stdout(`Webhook set to ${o.url}; commands registered.\n`);
  return 0;
}

/** The secret as stored: an object whose other fields are kept as they are. */
const StoredSecretSchema = z.looseObject({ webhookSecret: z.unknown() });

/**
 * `liqwatch telegram put-token --secret-id <id>`: writes TELEGRAM_BOT_TOKEN into the stack's Telegram
 * secret, keeping the generated webhook secret. The token is read from the environment, never from the
 * command line (which shells keep in their history).
 */
async function putToken(args: string[], io: CliIo): Promise<number> {
  const { values: o } = parseOptions(args, { 'secret-id': { type: 'string' } });
  if (!o['secret-id']) throw new UsageError('give --secret-id <the TelegramSecretName output of the deploy>');
  const token = requireEnv(io, 'TELEGRAM_BOT_TOKEN');
  const botToken = TelegramSecretSchema.shape.botToken.safeParse(token);
  if (!botToken.success) throw new UsageError('TELEGRAM_BOT_TOKEN is not a bot token from @BotFather (digits:letters)');
  const { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const client = new SecretsManagerClient({});
  try {
    const current = await client.send(new GetSecretValueCommand({ SecretId: o['secret-id'] }));
    const value = parseJsonWith(StoredSecretSchema, current.SecretString ?? '{}', `secret ${o['secret-id']}`);
    if (typeof value.webhookSecret !== 'string') {
      throw new UsageError(`secret ${o['secret-id']} has no webhookSecret: is it the stack's Telegram secret?`);
    }
    await client.send(
      new PutSecretValueCommand({
        SecretId: o['secret-id'],
        SecretString: JSON.stringify({ ...value, botToken: token }),
      }),
    );
  } finally {
    client.destroy();
  }
  io.stdout(`Bot token stored in ${o['secret-id']}. Deploy again (npx cdk deploy) to register the webhook.\n`);
  return 0;
}
