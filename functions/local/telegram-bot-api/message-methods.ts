import type { MethodTable } from './context.js';
import { ApiError } from './errors.js';
import { chatIdOf, checkMarkup, checkText } from './message-checks.js';
import { flagParam } from './request-params.js';

const NOT_MODIFIED =
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** The methods that write to chats: checked as Telegram checks them, kept in the chat book. */
export const messageMethods: MethodTable = {
  /** https://core.telegram.org/bots/api#sendmessage */
  sendMessage(p, { book, flood }) {
    const chatId = chatIdOf(p);
    const text = checkText(p.text, p.parse_mode);
    const markup = checkMarkup(p.reply_markup);
    if (book.isBlocked(chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    const movedTo = book.migratedTo(chatId);
    // The group's old id is refused with the supergroup's (https://core.telegram.org/bots/api#responseparameters).
    if (movedTo !== undefined) {
      throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: movedTo,
      });
    }
    flood.admit(chatId);
    const sent = book.add({
      chatId,
      text,
      ...(typeof p.parse_mode === 'string' ? { parseMode: p.parse_mode } : {}),
      disableNotification: flagParam(p.disable_notification),
      ...(markup === undefined ? {} : { replyMarkup: markup }),
      ...(p.message_thread_id === undefined ? {} : { messageThreadId: Number(p.message_thread_id) }),
    });
    return book.toMessageObject(sent);
  },

  /** https://core.telegram.org/bots/api#editmessagetext */
  editMessageText(p, { book }) {
    const found = book.find(chatIdOf(p), Number(p.message_id));
    if (!found) throw new ApiError(400, 'Bad Request: message to edit not found');
    const text = checkText(p.text, p.parse_mode);
    const markup = checkMarkup(p.reply_markup);
    if (found.text === text && JSON.stringify(found.replyMarkup) === JSON.stringify(markup)) {
      throw new ApiError(400, NOT_MODIFIED);
    }
    found.editedTexts.push(found.text);
    found.text = text;
    found.replyMarkup = markup;
    return book.toMessageObject(found);
  },

  /** https://core.telegram.org/bots/api#answercallbackquery */
  answerCallbackQuery(p, { book }) {
    if (!p.callback_query_id) {
      throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
    }
    if (typeof p.text === 'string' && p.text.length > 200) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
    book.callbackAnswers.push({
      callbackQueryId: String(p.callback_query_id),
      ...(typeof p.text === 'string' ? { text: p.text } : {}),
    });
    return true;
  },
};
