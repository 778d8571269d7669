import type { Update } from 'telegraf/types';
import { z } from 'zod';
import type { SentMessage } from '#local/telegram-bot-api/index.js';
import { parseWith } from '#shared/parse.js';

/*
 * The inline buttons of a message as the local Bot API holds it, and a press of one as Telegram reports
 * it to the bot: the demo shows the buttons under each message in the terminal and presses Acknowledge
 * the way a phone would, through the bot's own update handling.
 */

/** https://core.telegram.org/bots/api#inlinekeyboardmarkup: rows of buttons; ours carry `callback_data`. */
const InlineKeyboardSchema = z.object({
  inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))),
});

export type Button = { text: string; data: string };

/** The callback buttons of a sent message, row by row; none when it has no inline keyboard. */
export function buttonsOf(message: Pick<SentMessage, 'replyMarkup'>): Button[][] {
  if (message.replyMarkup === undefined) return [];
  const markup = parseWith(InlineKeyboardSchema, message.replyMarkup, 'reply_markup of a sent message');
  return markup.inline_keyboard.map((row) =>
    row.flatMap((b) => (b.callback_data === undefined ? [] : [{ text: b.text, data: b.callback_data }])),
  );
}

/** The buttons as a terminal line: `[🔇 1h] [🔇 until resolved] [☑️ Acknowledge]`, one line per row. */
export function renderButtons(message: Pick<SentMessage, 'replyMarkup'>): string {
  return buttonsOf(message)
    .map((row) => row.map((b) => `[${b.text}]`).join(' '))
    .join('\n');
}

/** The newest message to `chatId` with a button whose data matches `pattern`, and that button. */
export function findButton(
  messages: readonly SentMessage[],
  chatId: number,
  pattern: RegExp,
): { message: SentMessage; button: Button } | undefined {
  for (const message of [...messages].reverse()) {
    if (message.chatId !== chatId) continue;
    const button = buttonsOf(message)
      .flat()
      .find((b) => pattern.test(b.data));
    if (button) return { message, button };
  }
  return undefined;
}

let pressSeq = 1;

/**
 * The update Telegram sends when `from` presses `button` under `message` in a private chat
 * (https://core.telegram.org/bots/api#callbackquery).
 */
export function buttonPress(
  message: Pick<SentMessage, 'chatId' | 'messageId' | 'text'>,
  button: Button,
  from: { id: number; first_name: string; username?: string },
  nowMs: number,
): Update.CallbackQueryUpdate {
  const id = pressSeq++;
  return {
    update_id: 2_000_000_000 + id,
    callback_query: {
      id: `press-${id}`,
      chat_instance: `chat-${message.chatId}`,
      from: { ...from, is_bot: false },
      data: button.data,
      message: {
        message_id: message.messageId,
        date: Math.floor(nowMs / 1000),
        chat: { id: message.chatId, type: 'private', first_name: from.first_name },
        text: message.text,
      },
    },
  };
}
