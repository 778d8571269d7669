import type { Telegram } from 'telegraf';
import { BOT_COMMANDS } from './command-list.js';

/** The updates the bot reads: commands, and the presses of its buttons. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * Points Telegram at the webhook with its secret token, and registers the command menu.
 * https://core.telegram.org/bots/api#setwebhook, https://core.telegram.org/bots/api#setmycommands
 */
export async function registerWebhook(
  telegram: Pick<Telegram, 'setWebhook' | 'setMyCommands'>,
  url: string,
  secretToken: string,
): Promise<void> {
  await telegram.setWebhook(url, { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] });
  await telegram.setMyCommands([...BOT_COMMANDS]);
}
