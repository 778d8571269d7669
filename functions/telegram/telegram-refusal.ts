import { TelegramError } from 'telegraf';
import { keptRefusal } from '#contracts/chat-notice.js';
import type { Refusal } from '#core/format/reachability.js';
import { messageOf } from '#shared/errors.js';

/** What a failed `sendMessage` means for the message, by Telegram's answer (https://core.telegram.org/bots/api#making-requests). */
export type SendFailure =
  /** 429: flood control; send again after this many seconds. */
  | { kind: 'wait'; seconds: number }
  /** 400 with `migrate_to_chat_id`: the group is now this supergroup. */
  | { kind: 'moved'; toChatId: number }
  /** The chat takes no messages from the bot (blocked, kicked, gone, no right to write). */
  | { kind: 'unreachable'; refusal: Refusal }
  /** This message is refused (its text, its buttons): sending it again cannot help. */
  | { kind: 'refused'; refusal: Refusal }
  /** A fault that may pass: 5xx, 401, the network, no answer in time. */
  | { kind: 'retry'; description: string };

/** A 429 without `parameters` says its seconds only in the description: "Too Many Requests: retry after 134". */
const RETRY_AFTER_TEXT = /retry after (\d+)/i;
/** When a 429 names no wait at all. */
const DEFAULT_WAIT_S = 5;
/**
 * 400s that mean the chat, not the message: it is gone, or the bot may not write there (Telegram's
 * descriptions, as answered to sendMessage).
 */
const CHAT_GONE =
  /chat not found|group chat was deactivated|have no rights to send|not enough rights to send|need administrator rights|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED|message thread not found|TOPIC_CLOSED|TOPIC_DELETED/i;

/** Reads a failed send: `parameters` first (https://core.telegram.org/bots/api#responseparameters), then the description. */
export function readSendFailure(error: unknown): SendFailure {
  if (!(error instanceof TelegramError)) return { kind: 'retry', description: messageOf(error) };
  const code = error.response.error_code;
  const description = error.description ?? '';
  const parameters = error.parameters;
  if (code === 429) {
    const fromText = RETRY_AFTER_TEXT.exec(description)?.[1];
    return { kind: 'wait', seconds: parameters?.retry_after ?? (fromText ? Number(fromText) : DEFAULT_WAIT_S) };
  }
  if (parameters?.migrate_to_chat_id !== undefined) return { kind: 'moved', toChatId: parameters.migrate_to_chat_id };
  if (code === 403 || (code === 400 && CHAT_GONE.test(description))) {
    return { kind: 'unreachable', refusal: keptRefusal(code, description) };
  }
  // 401 is our token, not the message: keep it for the queue (and its dead-letter alarm).
  if (code >= 400 && code < 500 && code !== 401) return { kind: 'refused', refusal: keptRefusal(code, description) };
  return { kind: 'retry', description: `${code} ${description}` };
}
