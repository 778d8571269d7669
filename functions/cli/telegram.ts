import { Telegram } from 'telegraf';
import { registerWebhook } from '#telegram/webhook.js';
import { type CliIo, requireEnv, UsageError } from './io.js';

/**
 * `liqwatch telegram set-webhook --url <url>`: registers the webhook with its secret token and the
 * command menu. Env: TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_API_ROOT.
 */
export async function runSetWebhookCommand(o: { url: string }, io: CliIo): Promise<number> {
  if (!o.url || !/^https?:\/\//.test(o.url)) throw new UsageError('give --url <https url> of the webhook');
  const telegram = new Telegram(requireEnv(io, 'TELEGRAM_BOT_TOKEN'), {
    ...(io.env.TELEGRAM_API_ROOT ? { apiRoot: io.env.TELEGRAM_API_ROOT } : {}),
  });
  await registerWebhook(telegram, o.url, requireEnv(io, 'TELEGRAM_WEBHOOK_SECRET'));
  io.stdout(`Webhook set to ${o.url}; commands registered.\n`);
  return 0;
}

export { runPutTokenCommand } from './telegram-token.js';
