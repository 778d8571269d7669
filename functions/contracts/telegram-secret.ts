import { z } from 'zod';

/**
 * The stack-owned Telegram secret, written by `liqwatch telegram put-token` and read by the bot and
 * the webhook registration: the bot token the user puts in, the webhook secret the stack generates.
 */
export const TelegramSecretSchema = z.object({
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'botToken is not a bot token from @BotFather'),
  webhookSecret: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'webhookSecret must be 16-256 of A-Z a-z 0-9 _ -'),
});
export type TelegramSecret = z.infer<typeof TelegramSecretSchema>;

/**
 * The secret's name unless told otherwise: `liqwatch telegram put-token` creates it before the first
 * deploy and the stack adopts it by this name (`-c telegramSecret=<name>` for another).
 */
export const DEFAULT_TELEGRAM_SECRET_NAME = 'liqwatch/telegram';
