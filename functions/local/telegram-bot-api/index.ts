import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, UserFromGetMe } from 'telegraf/types';
import { parseTelegramHtml } from './html.js';

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

export interface FakeTelegram {
  /** For telegraf's `telegram.apiRoot`. */
  apiRoot: string;
  botInfo: UserFromGetMe;
  messages: SentMessage[];
  messagesTo(chatId: number): SentMessage[];
  /** Every call, with its parameters; the token is never recorded. */
  calls: { method: string; params: Record<string, unknown>; status: number }[];
  webhook: { url: string; secretToken?: string } | null;
  myCommands: unknown[];
  callbackAnswers: { callbackQueryId: string; text?: string }[];
  blockChat(chatId: number): void;
  /** The next `times` calls of `method` (to `chatId`, if given) fail this way. */
  failNext(method: string, fault: TelegramFault, opts?: { chatId?: number; times?: number }): void;
  /** Queued for getUpdates (long polling). */
  pushUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }): void;
  /** POSTs an update to the registered webhook with its secret token header, as Telegram does. */
  deliverToWebhook(update: Update): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const LIMIT = 4096;

/**
 * A loopback stand-in for the Telegram Bot API (https://core.telegram.org/bots/api), for the methods
 * liqwatch uses, with Telegram's behaviour: the token checked, the 4096-character limit counted on the
 * visible text, HTML entities parsed and refused when unbalanced, 429 with `parameters.retry_after`,
 * 403 for a chat that blocked the bot, the errors of editMessageText.
 */
export async function startFakeTelegram(opts: {
  token: string;
  botUsername?: string;
  perChatPerSecond?: number;
}): Promise<FakeTelegram> {
  const botInfo: UserFromGetMe = {
    id: Number(opts.token.split(':', 1)[0]) || 1,
    is_bot: true,
    first_name: opts.botUsername ?? 'liqwatch_test_bot',
    username: opts.botUsername ?? 'liqwatch_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  };
  const messages: SentMessage[] = [];
  const calls: FakeTelegram['calls'] = [];
  const blocked = new Set<number>();
  const faults: { method: string; fault: TelegramFault; chatId?: number; times: number }[] = [];
  const updates: Update[] = [];
  const waiters: (() => void)[] = [];
  const recentSends = new Map<number, number[]>();
  const callbackAnswers: FakeTelegram['callbackAnswers'] = [];
  let webhook: FakeTelegram['webhook'] = null;
  let myCommands: unknown[] = [];
  let nextUpdateId = 1;
  const nextMessageId = new Map<number, number>();

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const type = String(req.headers['content-type'] ?? '');
    if (body === '') return Object.fromEntries(new URL(req.url ?? '/', apiRoot).searchParams);
    if (type.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
    if (type.includes('multipart/form-data')) return parseMultipart(body, type);
    const form = Object.fromEntries(new URLSearchParams(body));
    return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, maybeJson(v)]));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', apiRoot).pathname);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, rawMethod] = match;
    const method = rawMethod!;
    let params: Record<string, unknown> = {};
    try {
      params = await readParams(req);
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    try {
      if (token !== opts.token) throw new ApiError(401, 'Unauthorized');
      const result = await call(method, params);
      calls.push({ method, params, status: 200 });
      reply(200, { ok: true, result });
    } catch (error) {
      const e =
        error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${(error as Error).message}`);
      calls.push({ method, params, status: e.code });
      reply(e.code, {
        ok: false,
        error_code: e.code,
        description: e.description,
        ...(e.parameters ? { parameters: e.parameters } : {}),
      });
    }
  }

  function takeFault(method: string, chatId: number | undefined): TelegramFault | undefined {
    const i = faults.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.times <= 0) faults.splice(i, 1);
    return f.fault;
  }

  function checkText(text: unknown, parseMode: unknown): string {
    if (typeof text !== 'string' || text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
    let visible = text;
    if (parseMode === 'HTML') {
      const parsed = parseTelegramHtml(text);
      if ('error' in parsed) throw new ApiError(400, `Bad Request: ${parsed.error.replace(/^C/, 'c')}`);
      visible = parsed.text;
    }
    if (visible.length > LIMIT) throw new ApiError(400, 'Bad Request: message is too long');
    return text;
  }

  function checkMarkup(markup: unknown): void {
    const m = typeof markup === 'string' ? maybeJson(markup) : markup;
    const rows = (m as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard;
    for (const button of (rows ?? []).flat()) {
      if (button.callback_data !== undefined) {
        const bytes = Buffer.byteLength(button.callback_data);
        if (bytes < 1 || bytes > 64) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      }
    }
  }

  function chatIdOf(params: Record<string, unknown>): number {
    if (params.chat_id === undefined || params.chat_id === '') throw new ApiError(400, 'Bad Request: chat_id is empty');
    const id = Number(params.chat_id);
    if (!Number.isInteger(id)) throw new ApiError(400, 'Bad Request: chat not found');
    return id;
  }

  async function call(method: string, p: Record<string, unknown>): Promise<unknown> {
    const chatId = p.chat_id === undefined ? undefined : Number(p.chat_id);
    const fault = takeFault(method, chatId);
    if (fault?.kind === 'retryAfter') {
      throw new ApiError(429, `Too Many Requests: retry after ${fault.seconds}`, { retry_after: fault.seconds });
    }
    if (fault?.kind === 'status') throw new ApiError(fault.code, fault.description ?? `Error ${fault.code}`);
    switch (method) {
      case 'getMe':
        return botInfo;
      case 'sendMessage': {
        const chat = chatIdOf(p);
        const text = checkText(p.text, p.parse_mode);
        checkMarkup(p.reply_markup);
        if (blocked.has(chat)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
        if (opts.perChatPerSecond !== undefined) {
          const now = Date.now();
          const recent = (recentSends.get(chat) ?? []).filter((t) => now - t < 1000);
          if (recent.length >= opts.perChatPerSecond) {
            throw new ApiError(429, 'Too Many Requests: retry after 1', { retry_after: 1 });
          }
          recentSends.set(chat, [...recent, now]);
        }
        const messageId = (nextMessageId.get(chat) ?? 0) + 1;
        nextMessageId.set(chat, messageId);
        const markup = typeof p.reply_markup === 'string' ? maybeJson(p.reply_markup) : p.reply_markup;
        messages.push({
          chatId: chat,
          messageId,
          text,
          ...(typeof p.parse_mode === 'string' ? { parseMode: p.parse_mode } : {}),
          disableNotification: p.disable_notification === true || p.disable_notification === 'true',
          ...(markup === undefined ? {} : { replyMarkup: markup }),
          ...(p.message_thread_id === undefined ? {} : { messageThreadId: Number(p.message_thread_id) }),
          editedTexts: [],
        });
        return messageObject(chat, messageId, text);
      }
      case 'editMessageText': {
        const chat = chatIdOf(p);
        const found = messages.find((m) => m.chatId === chat && m.messageId === Number(p.message_id));
        if (!found) throw new ApiError(400, 'Bad Request: message to edit not found');
        const text = checkText(p.text, p.parse_mode);
        checkMarkup(p.reply_markup);
        const markup = typeof p.reply_markup === 'string' ? maybeJson(p.reply_markup) : p.reply_markup;
        if (found.text === text && JSON.stringify(found.replyMarkup) === JSON.stringify(markup)) {
          throw new ApiError(
            400,
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        found.editedTexts.push(found.text);
        found.text = text;
        found.replyMarkup = markup;
        return messageObject(chat, found.messageId, text);
      }
      case 'answerCallbackQuery': {
        if (!p.callback_query_id)
          throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        if (typeof p.text === 'string' && p.text.length > 200) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        callbackAnswers.push({
          callbackQueryId: String(p.callback_query_id),
          ...(typeof p.text === 'string' ? { text: p.text } : {}),
        });
        return true;
      }
      case 'setWebhook': {
        const url = String(p.url ?? '');
        if (url !== '' && !/^https?:\/\//.test(url))
          throw new ApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        const secret = p.secret_token === undefined ? undefined : String(p.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
          throw new ApiError(400, 'Bad Request: bad webhook: secret token contains unallowed characters');
        }
        webhook = url === '' ? null : { url, ...(secret === undefined ? {} : { secretToken: secret }) };
        return true;
      }
      case 'deleteWebhook':
        webhook = null;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') updates.length = 0;
        return true;
      case 'getWebhookInfo':
        return { url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: updates.length };
      case 'setMyCommands': {
        const list = (typeof p.commands === 'string' ? maybeJson(p.commands) : p.commands) as
          | { command?: string; description?: string }[]
          | undefined;
        if (!Array.isArray(list) || list.length > 100) throw new ApiError(400, 'Bad Request: commands not specified');
        for (const c of list) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command ?? '')) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
          if (!c.description || c.description.length > 256) {
            throw new ApiError(400, 'Bad Request: command description is empty or too long');
          }
        }
        myCommands = list;
        return true;
      }
      case 'getMyCommands':
        return myCommands;
      case 'getUpdates': {
        if (webhook)
          throw new ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          );
        const offset = Number(p.offset ?? 0);
        if (offset > 0) {
          while (updates.length > 0 && updates[0]!.update_id < offset) updates.shift();
        }
        const timeoutS = Number(p.timeout ?? 0);
        if (updates.length === 0 && timeoutS > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, timeoutS * 1000);
            function done() {
              clearTimeout(timer);
              resolve();
            }
            waiters.push(done);
          });
        }
        return updates.slice(0, Number(p.limit ?? 100));
      }
      default:
        throw new ApiError(404, 'Not Found');
    }
  }

  function messageObject(chatId: number, messageId: number, text: string) {
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat:
        chatId > 0
          ? { id: chatId, type: 'private', first_name: 'user' }
          : { id: chatId, type: 'supergroup', title: 'group' },
      from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
      text,
    };
  }

  return {
    apiRoot,
    botInfo,
    messages,
    messagesTo: (chatId) => messages.filter((m) => m.chatId === chatId),
    calls,
    get webhook() {
      return webhook;
    },
    get myCommands() {
      return myCommands;
    },
    callbackAnswers,
    blockChat: (chatId) => void blocked.add(chatId),
    failNext: (method, fault, o = {}) =>
      void faults.push({ method, fault, ...(o.chatId === undefined ? {} : { chatId: o.chatId }), times: o.times ?? 1 }),
    pushUpdate(update) {
      updates.push({ ...update, update_id: update.update_id ?? nextUpdateId++ } as Update);
      for (const w of waiters.splice(0)) w();
    },
    async deliverToWebhook(update) {
      if (!webhook) throw new Error('no webhook is set');
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(webhook.secretToken ? { 'x-telegram-bot-api-secret-token': webhook.secretToken } : {}),
        },
        body: JSON.stringify(update),
      });
      return { status: res.status, body: await res.text() };
    },
    close: () =>
      new Promise<void>((r) => {
        for (const w of waiters.splice(0)) w();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function maybeJson(value: string): unknown {
  // Form fields carry JSON-serialised objects (reply_markup, commands); plain values stay strings.
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function parseMultipart(body: string, type: string): Record<string, unknown> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return {};
  const out: Record<string, unknown> = {};
  for (const part of body.split(`--${b}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    const value = part.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n$/, '');
    out[name] = maybeJson(value);
  }
  return out;
}
