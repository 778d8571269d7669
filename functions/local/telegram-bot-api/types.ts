import type { Update, UserFromGetMe } from 'telegraf/types';

/** A message the bot sent, as the chat sees it now. */
export interface SentMessage {
  chatId: number;
  messageId: number;
  /** The text as sent (HTML source when parse_mode is HTML). */
  text: string;
  parseMode?: string;
  disableNotification: boolean;
  replyMarkup?: unknown;
  messageThreadId?: number;
  /** Earlier texts, oldest first, when the message was edited. */
  editedTexts: string[];
}

export type TelegramFault =
  | { kind: 'retryAfter'; seconds: number }
  | { kind: 'status'; code: number; description?: string };

/** A call the stand-in answered, with its parameters; the token is never recorded. */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  status: number;
}

export interface FakeTelegramOptions {
  token: string;
  botUsername?: string;
  /** Flood control: more sends than this to one chat within a second are refused with 429. */
  perChatPerSecond?: number;
  /**
   * The stand-in's clock in epoch ms (default `Date.now`): flood control, its `retry_after` and message
   * dates run on it, so a test advances its own time instead of sleeping.
   */
  now?: () => number;
}

export interface FakeTelegram {
  /** For telegraf's `telegram.apiRoot`. */
  apiRoot: string;
  botInfo: UserFromGetMe;
  messages: SentMessage[];
  messagesTo(chatId: number): SentMessage[];
  /** Every call, with its parameters; the token is never recorded. */
  calls: RecordedCall[];
  webhook: { url: string; secretToken?: string } | null;
  myCommands: unknown[];
  callbackAnswers: { callbackQueryId: string; text?: string }[];
  blockChat(chatId: number): void;
  /** The next `times` calls of `method` (to `chatId`, if given) fail this way. */
  failNext(method: string, fault: TelegramFault, opts?: { chatId?: number; times?: number }): void;
  /** Queued for getUpdates (long polling). */
  pushUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }): void;
  /** Resolves once a getUpdates call is held open waiting for an update, so a test pushes one without sleeping. */
  nextPoll(): Promise<void>;
  /** POSTs an update to the registered webhook with its secret token header, as Telegram does. */
  deliverToWebhook(update: Update): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}
