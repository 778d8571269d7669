import { ApiError } from './errors.js';
import { parseTelegramHtml } from './html.js';
import { jsonParam, type Params } from './request-params.js';

/** Telegram's limit on a message's text, counted after entities are parsed. */
const TEXT_LIMIT = 4096;

/** The chat a call names, refused as Telegram refuses a missing or malformed one. */
export function chatIdOf(params: Params): number {
  if (params.chat_id === undefined || params.chat_id === '') throw new ApiError(400, 'Bad Request: chat_id is empty');
  const id = Number(params.chat_id);
  if (!Number.isInteger(id)) throw new ApiError(400, 'Bad Request: chat not found');
  return id;
}

/**
 * The text of sendMessage / editMessageText: not empty, HTML entities balanced when parse_mode is HTML
 * (https://core.telegram.org/bots/api#html-style), and at most 4096 characters of visible text.
 */
export function checkText(text: unknown, parseMode: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
  let visible = text;
  if (parseMode === 'HTML') {
    const parsed = parseTelegramHtml(text);
    if ('error' in parsed) throw new ApiError(400, `Bad Request: ${parsed.error.replace(/^C/, 'c')}`);
    visible = parsed.text;
  }
  if (visible.length > TEXT_LIMIT) throw new ApiError(400, 'Bad Request: message is too long');
  return text;
}

/** The reply markup, parsed, with each button's callback_data 1-64 bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton). */
export function checkMarkup(markup: unknown): unknown {
  const parsed = jsonParam(markup);
  const rows = (parsed as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard;
  for (const button of (rows ?? []).flat()) {
    if (button.callback_data !== undefined) {
      const bytes = Buffer.byteLength(button.callback_data);
      if (bytes < 1 || bytes > 64) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
  }
  return parsed;
}
