import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf } from '#shared/errors.js';
import { botInfoFor } from './bot-methods.js';
import { ChatBook } from './chat-book.js';
import type { MethodContext } from './context.js';
import { ApiError } from './errors.js';
import { Faults, refusalOf } from './faults.js';
import { FloodControl } from './flood-control.js';
import { methods } from './methods.js';
import { type Params, readParams } from './request-params.js';
import type { FakeTelegram, FakeTelegramOptions, RecordedCall } from './types.js';
import { Updates } from './updates.js';

/**
 * A loopback stand-in for the Telegram Bot API (https://core.telegram.org/bots/api), for the methods
 * liqwatch uses, with Telegram's behaviour: the token checked, the 4096-character limit counted on the
 * visible text, HTML entities parsed and refused when unbalanced, 429 with `parameters.retry_after`,
 * 403 for a chat that blocked the bot, 400 with `migrate_to_chat_id` for a group that became a supergroup,
 * the errors of editMessageText. Flood control runs on `opts.now`.
 */
export async function startFakeTelegram(opts: FakeTelegramOptions): Promise<FakeTelegram> {
  const now = opts.now ?? Date.now;
  const botInfo = botInfoFor(opts.token, opts.botUsername);
  const ctx: MethodContext = {
    botInfo,
    book: new ChatBook(botInfo, now),
    flood: new FloodControl(opts.perChatPerSecond, now),
    updates: new Updates(),
    myCommands: [],
  };
  const faults = new Faults();
  const calls: RecordedCall[] = [];
  /** Calls held without an answer, released when the stand-in closes; and who waits to see one held. */
  const held: (() => void)[] = [];
  const hangWatchers: (() => void)[] = [];

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** `POST /bot<token>/<method>`, answered `{ ok: true, result }` or `{ ok: false, error_code, description }`. */
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', apiRoot).pathname);
    if (!match) return reply(404, new ApiError(404, 'Not Found').toBody());
    const token = match[1]!;
    const method = match[2]!;
    let params: Params;
    try {
      params = await readParams(req, apiRoot);
    } catch {
      return reply(400, new ApiError(400, 'Bad Request: invalid request body').toBody());
    }
    try {
      if (token !== opts.token) throw new ApiError(401, 'Unauthorized');
      const result = await call(method, params);
      calls.push({ method, params, status: 200 });
      reply(200, { ok: true, result });
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${messageOf(error)}`);
      calls.push({ method, params, status: e.code });
      reply(e.code, e.toBody());
    }
  }

  async function call(method: string, params: Params): Promise<unknown> {
    const fault = faults.take(method, params.chat_id === undefined ? undefined : Number(params.chat_id));
    if (fault?.kind === 'hang') {
      await new Promise<void>((resolve) => {
        held.push(resolve);
        for (const watcher of hangWatchers.splice(0)) watcher();
      });
      throw new ApiError(500, 'Internal Server Error: the stand-in closed');
    }
    if (fault) throw refusalOf(fault);
    const handler = methods.get(method);
    if (!handler) throw new ApiError(404, 'Not Found');
    return handler(params, ctx);
  }

  return {
    apiRoot,
    botInfo,
    messages: ctx.book.messages,
    messagesTo: (chatId) => ctx.book.messagesTo(chatId),
    calls,
    get webhook() {
      return ctx.updates.webhook;
    },
    get myCommands() {
      return ctx.myCommands;
    },
    callbackAnswers: ctx.book.callbackAnswers,
    blockChat: (chatId) => ctx.book.block(chatId),
    migrateChat: (fromId, toId) => ctx.book.migrate(fromId, toId),
    failNext: (method, fault, o) => faults.plan(method, fault, o),
    setFaultPolicy: (policy) => {
      faults.policy = policy;
    },
    nextHang: () => new Promise<void>((resolve) => hangWatchers.push(resolve)),
    pushUpdate: (update) => ctx.updates.push(update),
    nextPoll: () => ctx.updates.nextPoll(),
    deliverToWebhook: (update) => ctx.updates.deliverToWebhook(update),
    close: () =>
      new Promise<void>((r) => {
        ctx.updates.wakeAll();
        for (const release of held.splice(0)) release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
