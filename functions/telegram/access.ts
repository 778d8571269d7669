import type { Context, MiddlewareFn } from 'telegraf';
import type { Config } from '#config/schema.js';

/**
 * Only configured chats get answers: every other chat gets nothing at all, not even an error. A chat may
 * narrow who may command the bot (user ids in a group) and where (one forum topic).
 */
export function isAllowed(
  config: Config,
  chatId: number,
  userId: number | undefined,
  threadId: number | undefined,
): boolean {
  if (config.telegram.chatIds?.includes(chatId)) return true;
  const chat = config.telegram.chats?.find((c) => c.id === chatId);
  if (!chat) return false;
  if (chat.userIds && (userId === undefined || !chat.userIds.includes(userId))) return false;
  if (chat.threadId !== undefined && threadId !== chat.threadId) return false;
  return true;
}

const isConfiguredChat = (config: Config, chatId: number): boolean =>
  Boolean(config.telegram.chatIds?.includes(chatId) || config.telegram.chats?.some((c) => c.id === chatId));

/**
 * Lets through only what `isAllowed` allows. A button pressed in a configured chat by someone who may not
 * command the bot (a member not in `userIds`, another forum topic) gets an empty answer: everyone there
 * sees our messages already, the answer shows nothing, and without it the button spins until Telegram
 * gives up (https://core.telegram.org/bots/api#answercallbackquery). A chat that is not configured gets no
 * call at all, so a stranger can make the bot spend nothing.
 */
export function allowList(config: Config): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    const message = ctx.callbackQuery?.message ?? ctx.message;
    const threadId = message && 'message_thread_id' in message ? message.message_thread_id : undefined;
    if (isAllowed(config, chatId, ctx.from?.id, threadId)) return next();
    // Best effort: a query too old to answer has stopped spinning already, and an error here must not
    // reach bot.catch, whose apology would go to the chat.
    if (ctx.callbackQuery && isConfiguredChat(config, chatId)) await ctx.answerCbQuery().catch(() => {});
  };
}

/** Answers go to the topic the command came from. */
export function threadOf(ctx: Context): { message_thread_id?: number } {
  const message = ctx.callbackQuery?.message ?? ctx.message;
  const id = message && 'message_thread_id' in message ? message.message_thread_id : undefined;
  return id === undefined ? {} : { message_thread_id: id };
}
