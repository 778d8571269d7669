import type { Update } from 'telegraf/types';

let nextId = 1000;

type Chat = { id: number; type?: 'private' | 'group' | 'supergroup' };

/** Updates as Telegram sends them, for the bot's handlers. */
export const telegramUpdate = {
  command(
    text: string,
    chat: Chat,
    from = { id: chat.id },
    opts: { threadId?: number; updateId?: number } = {},
  ): Update {
    const command = /^\/\S+/.exec(text)?.[0] ?? '';
    const id = opts.updateId ?? nextId++;
    const type = chat.type ?? (chat.id > 0 ? 'private' : 'supergroup');
    return {
      update_id: id,
      message: {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: type === 'private' ? { id: chat.id, type, first_name: 'trader' } : { id: chat.id, type, title: 'desk' },
        from: { id: from.id, is_bot: false, first_name: 'trader' },
        text,
        ...(opts.threadId === undefined ? {} : { message_thread_id: opts.threadId, is_topic_message: true }),
        entities: command ? [{ type: 'bot_command', offset: 0, length: command.length }] : [],
      },
    } as Update;
  },
  callback(data: string, chat: Chat, messageId: number, text = 'x', from = { id: chat.id }): Update {
    const id = nextId++;
    const type = chat.type ?? (chat.id > 0 ? 'private' : 'supergroup');
    return {
      update_id: id,
      callback_query: {
        id: `cb${id}`,
        chat_instance: 'ci',
        from: { id: from.id, is_bot: false, first_name: 'trader' },
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: type === 'private' ? { id: chat.id, type, first_name: 'trader' } : { id: chat.id, type, title: 'desk' },
          text,
        },
      },
    } as Update;
  },
  /**
   * A message shaped like the example update in Telegram's webhook guide
   * (https://core.telegram.org/bots/webhooks#testing-your-bot-with-updates): no `entities`, and a chat
   * without a `type`. A command in it is only text starting with `/`.
   */
  withoutEntities(text: string, chatId: number): Update {
    const id = nextId++;
    const person = { last_name: 'Test Lastname', id: chatId, first_name: 'Test', username: 'Test' };
    return {
      update_id: id,
      message: { date: 1441645532, chat: person, message_id: id, from: person, text },
    } as Update;
  },
};
