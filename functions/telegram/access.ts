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

export function allowList(config: Config): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    const message = ctx.callbackQuery?.message ?? ctx.message;
    const threadId = message && 'message_thread_id' in message ? message.message_thread_id : undefined;
    if (!isAllowed(config, chatId, ctx.from?.id, threadId)) return;
    await next();
  };
}

/** Answers go to the topic the command came from. */
export function threadOf(ctx: Context): { message_thread_id?: number } {
  const message = ctx.callbackQuery?.message ?? ctx.message;
  const id = message && 'message_thread_id' in message ? message.message_thread_id : undefined;
  return id === undefined ? {} : { message_thread_id: id };
}
