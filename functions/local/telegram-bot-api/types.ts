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
  /**
   * 429 with `parameters.retry_after`; `legacyBody` leaves `parameters` out and says the seconds only in
   * the description (`Too Many Requests: retry after 134`), as some answers do.
   */
  | { kind: 'retryAfter'; seconds: number; legacyBody?: boolean }
  | { kind: 'status'; code: number; description?: string }
  /** No answer at all until the client gives up (or the stand-in closes). */
  | { kind: 'hang' };

/** Chooses a failure for a call, or none: lets a test fail calls at random (seeded) rather than by plan. */
export type FaultPolicy = (method: string, chatId: number | undefined) => TelegramFault | undefined;

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
  /**
   * The group `fromId` became the supergroup `toId`: sends to `fromId` are refused with 400 and
   * `parameters.migrate_to_chat_id` (https://core.telegram.org/bots/api#responseparameters).
   */
  migrateChat(fromId: number, toId: number): void;
  /** Consulted for every call that has no planned failure; `undefined` removes it. */
  setFaultPolicy(policy: FaultPolicy | undefined): void;
  /** Resolves when a call is held without an answer (a `hang` fault). */
  nextHang(): Promise<void>;
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
