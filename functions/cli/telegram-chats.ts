import { Telegram, TelegramError } from 'telegraf';
import { z } from 'zod';
import { parseWith } from '#shared/parse.js';
import { type CliIo, requireEnv } from './io.js';

/*
 * `liqwatch telegram chats`: the chat ids for the config, from the updates Telegram holds for the bot
 * (the last 24 hours' messages), without a third-party bot. Nothing is confirmed: the updates stay
 * where they were.
 */

/** The parts of a chat this reads (https://core.telegram.org/bots/api#chat). */
const ChatSchema = z.looseObject({
  id: z.number(),
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  is_forum: z.boolean().optional(),
});

/** A message, with the topic it is in (https://core.telegram.org/bots/api#message). */
const MessageSchema = z.looseObject({
  chat: ChatSchema,
  message_thread_id: z.number().optional(),
  is_topic_message: z.boolean().optional(),
  forum_topic_created: z.looseObject({ name: z.string() }).optional(),
  reply_to_message: z.looseObject({ forum_topic_created: z.looseObject({ name: z.string() }).optional() }).optional(),
});

/** The kinds of update that carry a chat (https://core.telegram.org/bots/api#update). */
const UpdateSchema = z.looseObject({
  message: MessageSchema.optional(),
  edited_message: MessageSchema.optional(),
  channel_post: MessageSchema.optional(),
  edited_channel_post: MessageSchema.optional(),
  callback_query: z.looseObject({ message: MessageSchema.optional() }).optional(),
  my_chat_member: z.looseObject({ chat: ChatSchema }).optional(),
});

type Chat = z.infer<typeof ChatSchema>;

export interface ChatSeen {
  chat: Chat;
  /** Forum topics messages came from: thread id, and the topic's name when an update told it. */
  topics: Map<number, string | undefined>;
}

/** Every chat the updates name, once, in the order first seen. */
export function chatsIn(updates: readonly unknown[]): ChatSeen[] {
  const seen = new Map<number, ChatSeen>();
  for (const raw of updates) {
    const u = parseWith(UpdateSchema, raw, 'an update from getUpdates');
    const messages = [u.message, u.edited_message, u.channel_post, u.edited_channel_post, u.callback_query?.message];
    for (const chat of [...messages.map((m) => m?.chat), u.my_chat_member?.chat]) {
      if (chat && !seen.has(chat.id)) seen.set(chat.id, { chat, topics: new Map() });
    }
    for (const m of messages) {
      if (!m?.is_topic_message || m.message_thread_id === undefined) continue;
      const name = m.forum_topic_created?.name ?? m.reply_to_message?.forum_topic_created?.name;
      const topics = seen.get(m.chat.id)!.topics;
      topics.set(m.message_thread_id, name ?? topics.get(m.message_thread_id));
    }
  }
  return [...seen.values()];
}

/** `Ann Lee (@ann)`, `Desk`: how the chat shows in Telegram. */
function titleOf(chat: Chat): string {
  const name = chat.title ?? [chat.first_name, chat.last_name].filter(Boolean).join(' ');
  return chat.username ? `${name} (@${chat.username})`.trim() : name;
}

function linesOf(chats: readonly ChatSeen[]): string[] {
  const rows = chats.map(({ chat, topics }) => [
    String(chat.id),
    chat.is_forum ? `${chat.type} (forum)` : chat.type,
    titleOf(chat),
    [...topics].map(([id, name]) => (name ? `${id} "${name}"` : String(id))).join(', '),
  ]);
  const all = [['id', 'type', 'title', 'topics (threadId)'], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) =>
    r
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd(),
  );
}

const WEBHOOK_SET = (url: string) =>
  `a webhook is set (${url}), and Telegram gives no updates to getUpdates while one is (409).\n` +
  'To list the chats: delete the webhook (the deployed bot stops answering until it is set again), message the ' +
  'bot, run this again, then set it again: liqwatch telegram set-webhook --url <url>, or npx cdk deploy.';

/**
 * Lists the chats that have messaged the bot: id, type, title and forum topics, to copy into
 * `telegram.chatIds` (or `telegram.chats` with a `threadId`). Env: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT.
 * https://core.telegram.org/bots/api#getupdates
 */
export async function runChatsCommand(io: CliIo): Promise<number> {
  const telegram = new Telegram(requireEnv(io, 'TELEGRAM_BOT_TOKEN'), {
    ...(io.env.TELEGRAM_API_ROOT ? { apiRoot: io.env.TELEGRAM_API_ROOT } : {}),
  });
  let updates: unknown[];
  try {
    const webhook = await telegram.getWebhookInfo();
    if (webhook.url) throw new Error(WEBHOOK_SET(webhook.url));
    updates = await telegram.getUpdates(0, 100, 0, undefined);
  } catch (error) {
    if (error instanceof TelegramError && error.code === 409) throw new Error(WEBHOOK_SET('by another process'));
    throw error;
  }
  const chats = chatsIn(updates);
  if (chats.length === 0) {
    io.stdout(
      'No chat has messaged the bot in the last 24 hours. Send it a message (in a group: /start@<bot username>) ' +
        'and run this again.\n',
    );
    return 0;
  }
  io.stdout(`${linesOf(chats).join('\n')}\n\n`);
  io.stdout(
    'Put an id in telegram.chatIds in the config; for a forum topic, in telegram.chats as { "id": …, "threadId": … }.\n',
  );
  return 0;
}
