import { type Telegram, TelegramError } from 'telegraf';
import { htmlToPlainText } from '#core/format/html.js';
import type { Log } from '#shared/log.js';

type SendOptions = NonNullable<Parameters<Telegram['sendMessage']>[2]>;

/** Telegram's 400 for HTML it cannot parse: "Bad Request: can't parse entities: …" (https://core.telegram.org/bots/api#html-style). */
export function isHtmlRefused(error: unknown): error is TelegramError {
  return (
    error instanceof TelegramError &&
    error.response.error_code === 400 &&
    /can't parse entities/i.test(error.description)
  );
}

/**
 * `sendMessage` in HTML; when Telegram refuses the HTML, the same message once more as plain text (the
 * text Telegram would have shown: tags dropped, entities decoded), with the same options, so an alert is
 * never lost to a formatting fault. Any other failure is the caller's to handle.
 */
export async function sendHtmlOrPlainText(
  telegram: Pick<Telegram, 'sendMessage'>,
  log: Log,
  chatId: number,
  html: string,
  extra: SendOptions,
): Promise<void> {
  try {
    await telegram.sendMessage(chatId, html, { ...extra, parse_mode: 'HTML' });
  } catch (error) {
    if (!isHtmlRefused(error)) throw error;
    log.warn('telegram refused the HTML of a message; sending it as plain text', {
      chatId,
      description: error.description,
    });
    const { parse_mode: _html, ...plain } = extra;
    await telegram.sendMessage(chatId, htmlToPlainText(html), plain);
  }
}
